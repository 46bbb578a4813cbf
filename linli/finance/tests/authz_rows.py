"""The finance capability's rows of the authorization matrix, merged from one file per area."""

from __future__ import annotations

from tests.authz import Row

PAGES: dict[str, Row] = {}
API: dict[str, Row] = {}

for _module in ("authz_staff", "authz_public", "authz_resident", "authz_api"):
    try:
        _rows = __import__(f"linli.finance.tests.{_module}", fromlist=["PAGES", "API"])
    except ModuleNotFoundError:
        continue
    PAGES.update(getattr(_rows, "PAGES", {}))
    API.update(getattr(_rows, "API", {}))
