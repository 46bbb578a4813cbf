"""The one error type services raise: a translated message, a stable code, an HTTP status."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class LinliError(Exception):
    """A refused action. `message` is already translated (or lazily translatable).

    `status` maps to HTTP in views and the API: 400 bad input, 403 not allowed,
    404 not found (or not yours), 409 a conflict with the current state, 429 throttled.
    """

    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = "invalid",
        status: int | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.code = code
        if status is not None:
            self.status = status
        self.details = details


class NotFound(LinliError):
    status = 404


class Forbidden(LinliError):
    status = 403


class Conflict(LinliError):
    status = 409


class Throttled(LinliError):
    status = 429

    def __init__(self, message: str | Promise, *, retry_after: int) -> None:
        super().__init__(message, code="throttled", details={"retry_after": retry_after})
        self.retry_after = retry_after
