"""Models and migrations agree: a model change without its migration fails here, not in deploy."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    out = StringIO()
    exit_code = 0
    # --check exits non-zero (SystemExit) when a migration is missing; --dry-run writes nothing.
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        exit_code = exit_.code

    assert exit_code == 0, f"Missing migrations:\n{out.getvalue()}"
