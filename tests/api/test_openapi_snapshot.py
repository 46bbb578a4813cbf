"""The OpenAPI schema is a reviewed contract: committed, OpenAPI 3.1, every error declared.

The snapshot (tests/snapshots/openapi.json) is rewritten by `manage.py openapi_snapshot`; a
change to the API therefore shows up in review as a diff of that file. The walk below fails
for any operation that does not declare the errors it can answer, in the shared error shape.
"""

from __future__ import annotations

import difflib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from pydantic import BaseModel

from linli.core.management.commands import openapi_snapshot
from linli.core.management.commands.openapi_snapshot import REFRESH_COMMAND, SNAPSHOT_PATH

OPENAPI_URL = "/api/v1/openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
UNSAFE_METHODS = {"post", "put", "patch", "delete"}
ERROR_REF = "#/components/schemas/ErrorOut"
VALIDATION_ERROR_REF = "#/components/schemas/ValidationErrorOut"


def snapshot() -> dict[str, Any]:
    return json.loads(SNAPSHOT_PATH.read_text(encoding="utf-8"))


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def label(path: str, method: str, operation: dict[str, Any]) -> str:
    return f"{method.upper()} {path} ({operation.get('operationId')})"


# --- the snapshot ---------------------------------------------------------------------------


def test_live_schema_equals_the_committed_snapshot(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(OPENAPI_URL, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    live = response.json()
    if live != snapshot():
        diff = difflib.unified_diff(
            openapi_snapshot.render(snapshot()).splitlines(),
            openapi_snapshot.render(live).splitlines(),
            "tests/snapshots/openapi.json",
            OPENAPI_URL,
            lineterm="",
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(
            f"The API schema differs from tests/snapshots/openapi.json. If the change is meant, "
            f"run `{REFRESH_COMMAND}`, review the diff and commit it.\n{shown}"
        )


def test_snapshot_file_is_canonical_so_diffs_stay_small():
    text = SNAPSHOT_PATH.read_text(encoding="utf-8")

    assert text == openapi_snapshot.render(json.loads(text))
    assert text.startswith('{\n  "components": {')


def test_snapshot_command_writes_the_live_schema(tmp_path, monkeypatch):
    target = tmp_path / "snapshots" / "openapi.json"
    monkeypatch.setattr(openapi_snapshot, "SNAPSHOT_PATH", target)

    call_command("openapi_snapshot", stdout=io.StringIO())

    assert target.read_text(encoding="utf-8") == openapi_snapshot.render(
        openapi_snapshot.current_schema()
    )
    call_command("openapi_snapshot", "--check", stdout=io.StringIO())


def test_snapshot_command_check_fails_when_the_file_is_stale(tmp_path, monkeypatch):
    from django.core.management import CommandError

    target = tmp_path / "openapi.json"
    target.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(openapi_snapshot, "SNAPSHOT_PATH", target)

    with pytest.raises(CommandError, match=re.escape(REFRESH_COMMAND)):
        call_command("openapi_snapshot", "--check")
    assert target.read_text(encoding="utf-8") == "{}\n"


# --- what the schema must say ---------------------------------------------------------------


def test_schema_is_openapi_3_1():
    assert re.fullmatch(r"3\.1\.\d+", snapshot()["openapi"])


def test_error_shapes_are_code_and_message_with_field_errors_for_422():
    schemas = snapshot()["components"]["schemas"]

    error = schemas["ErrorOut"]
    assert error["required"] == ["code", "message"]
    assert set(error["properties"]) == {"code", "message", "details"}
    validation = schemas["ValidationErrorOut"]
    assert validation["required"] == ["code", "message", "errors"]
    assert validation["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/FieldErrorOut"
    }
    assert schemas["FieldErrorOut"]["required"] == ["loc", "message"]


def test_every_operation_declares_its_errors_in_the_shared_shape():
    schema = snapshot()
    problems = []
    for path, method, operation in operations(schema):
        name = label(path, method, operation)
        responses = operation["responses"]
        security = operation.get("security") or []
        # An empty requirement ({}) marks an operation anyone may call; it cannot answer 401.
        public = {} in security
        needed = {"422"}
        if not public:
            needed.add("401")
        if "{" in path:
            needed.add("404")
        if method in UNSAFE_METHODS and any("SessionAuth" in req for req in security):
            # A browser session that posts without its CSRF token is refused.
            needed.add("403")
        missing = sorted(needed - set(responses))
        if missing:
            problems.append(f"{name} does not declare {', '.join(missing)}")
        if not security:
            problems.append(f"{name} has no security requirement (add auth, or [{{}}] if public)")
        for status, response in responses.items():
            if status.startswith(("2", "3")):
                continue
            expected = VALIDATION_ERROR_REF if status == "422" else ERROR_REF
            media = response.get("content", {}).get("application/json", {})
            if media.get("schema") != {"$ref": expected}:
                problems.append(
                    f"{name} answers {status} with {media.get('schema')}, not {expected}"
                )
    assert problems == []


def test_every_operation_has_a_stable_operation_id():
    ids = [operation.get("operationId") for _p, _m, operation in operations(snapshot())]

    assert all(ids), ids
    assert len(set(ids)) == len(ids)
    # Chosen names, not ninja's default "<module>_<function>", so a refactor keeps them.
    assert not [i for i in ids if i.startswith("linli_")]


def test_schema_component_names_each_belong_to_one_class():
    """django-ninja names a component after its class; two classes with one name (each app
    once had its own `ErrorOut`) silently overwrite each other in the schema."""
    from config.api import api

    classes: dict[str, set[type]] = defaultdict(set)
    for model in _models_of(api):
        classes[model.__name__].add(model)
    clashes = {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in found)
        for name, found in classes.items()
        if len(found) > 1 and name in snapshot()["components"]["schemas"]
    }
    assert clashes == {}


def _models_of(api: Any) -> set[type[BaseModel]]:
    """Every pydantic model an operation reads or answers with, nested ones included."""
    seen: set[type[BaseModel]] = set()

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in seen:
                return
            seen.add(annotation)
            for info in annotation.model_fields.values():
                visit(info.annotation)
            return
        for arg in getattr(annotation, "__args__", ()):
            visit(arg)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    visit(model)
                for model in operation.models:
                    visit(model)
    return seen
