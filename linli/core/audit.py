"""Writing the audit log. Every service calls `audit_record` inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from linli.core.models import AuditLog
from linli.core.request_context import current_ip


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    community: Any = None,
    summary: str,
    object_type: str = "",
    object_id: str = "",
) -> AuditLog:
    """Append one audit row. Must run inside the caller's transaction (atomic block)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        if community is None:
            community = getattr(obj, "community", None)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditLog.objects.create(
        actor=user,
        action=action,
        community=community,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        ip=current_ip(),
    )
