"""API endpoints of the accounts app (thin: parse, call a selector or service, return a schema)."""

from ninja import Router

router = Router(tags=["accounts"])
