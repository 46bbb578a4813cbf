"""API endpoints of the notifications app (thin: parse, call a selector or service, return a schema)."""

from ninja import Router

router = Router(tags=["notifications"])
