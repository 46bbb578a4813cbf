"""Write the API's OpenAPI schema to tests/snapshots/openapi.json, the reviewed contract.

tests/api/test_openapi_snapshot.py fails when /api/v1/openapi.json differs from the file, so a
change to the API shows up as a diff of this file in review. The text is stable: two-space
indents, sorted keys, UTF-8, rendered in English (the source language of every description).
`--check` only compares, and exits non-zero when the file is out of date.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import translation

SNAPSHOT_PATH = Path(settings.BASE_DIR) / "tests" / "snapshots" / "openapi.json"
REFRESH_COMMAND = ".venv/bin/python manage.py openapi_snapshot"
# django-ninja names the schema URL "openapi-json" inside the API's namespace (config/api.py).
OPENAPI_URL_NAME = "api-v1:openapi-json"


def current_schema() -> dict[str, Any]:
    """The schema exactly as /api/v1/openapi.json serves it, from the view behind that URL.

    Found through the URLconf rather than imported: linli.core may not import the apps whose
    routers make up the API (an import-linter contract).
    """
    path = reverse(OPENAPI_URL_NAME)
    match = resolve(path)
    with translation.override("en"):
        response = match.func(RequestFactory().get(path), *match.args, **match.kwargs)
    served: dict[str, Any] = json.loads(response.content)
    return served


def render(schema: dict[str, Any]) -> str:
    """The canonical text of a schema: what the snapshot file holds, byte for byte."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1/ to tests/snapshots/openapi.json (or --check it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Do not write; fail if the snapshot differs from the live schema.",
        )

    def handle(self, *args: Any, check: bool = False, **options: Any) -> None:
        text = render(current_schema())
        old = SNAPSHOT_PATH.read_text(encoding="utf-8") if SNAPSHOT_PATH.exists() else None
        if check:
            if old != text:
                raise CommandError(
                    f"{SNAPSHOT_PATH} is out of date; run `{REFRESH_COMMAND}` and review the diff."
                )
            self.stdout.write("The OpenAPI snapshot is up to date.")
            return
        if old == text:
            self.stdout.write(f"{SNAPSHOT_PATH} is up to date.")
            return
        SNAPSHOT_PATH.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {SNAPSHOT_PATH}."))
