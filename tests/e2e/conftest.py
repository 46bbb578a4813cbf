"""Browser tests live here; their fixtures are in tests/e2e/fixtures.py, registered suite-wide.

Importing fixtures from this module is no longer needed (and wraps `page` twice): the names
below are served lazily only so that older imports keep working.
"""

from __future__ import annotations

from typing import Any

_MOVED = {"browser_context_args", "browser_type_launch_args", "page", "page_log", "playwright"}


def __getattr__(name: str) -> Any:
    # Lazy on purpose: pytest registers fixtures it finds in a conftest's namespace, and these
    # are already registered once, from tests/e2e/fixtures.py.
    if name in _MOVED:
        from tests.e2e import fixtures

        return getattr(fixtures, name)
    raise AttributeError(name)
