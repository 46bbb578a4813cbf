"""The error shapes every API operation shares (see the exception handlers in config/api.py).

One class per shape, so the OpenAPI schema has one `ErrorOut` component, not one per app
(django-ninja names components after classes; two classes with one name overwrite each other).
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    """Every refusal: a stable code and a translated message, sometimes with details."""

    code: str = Field(..., examples=["not_found"])
    message: str
    details: Any = Field(
        None, description="Extra facts, e.g. {retry_after: seconds} when throttled."
    )


class FieldErrorOut(Schema):
    loc: list[str] = Field(..., examples=[["query", "page"]])
    message: str


class ValidationErrorOut(ErrorOut):
    """422: the request did not parse; one entry per bad field, each message translated."""

    errors: list[FieldErrorOut]


def error_responses(*statuses: int) -> dict[int, type[Schema]]:
    """The declared error answers of an operation: 422 carries field errors, the rest {code, message}."""
    return {status: ValidationErrorOut if status == 422 else ErrorOut for status in statuses}
