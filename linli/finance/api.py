"""The finance API under /api/v1/finance/ (to be written)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["finance"])
