"""Writes of the registry. Each is one transaction with its audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linli.accounts.selectors import is_staff_in
from linli.core.audit import audit_record
from linli.core.errors import Forbidden
from linli.domain.masking import mask_name
from linli.registry.selectors import access_person_by_id


def person_reveal(*, actor: Any, person_id: int) -> dict[str, Any]:
    """Return a person's full name, mobile number and ID number, and log that it was shown.

    Only staff (workers, administrators) of the person's community may reveal; anyone who
    may not see the person at all gets NotFound, a person looking at their own record gets
    Forbidden. Every successful reveal writes one `person.reveal` audit row in the same
    transaction, so that there is no reveal without its record; refusals write nothing.
    """
    with transaction.atomic():
        person = access_person_by_id(actor, person_id)
        if not is_staff_in(actor, person.community_id):
            raise Forbidden(_("Only community staff may see full personal data."), code="forbidden")
        audit_record(
            actor=actor,
            action="person.reveal",
            obj=person,
            community=person.community,
            # The audit trail itself must not leak what was revealed: the name stays masked.
            summary=f"Revealed the phone and ID number of {mask_name(person.name)} (#{person.pk})",
        )
        return {
            "person_id": person.pk,
            "name": person.name,
            "phone": person.phone,
            "id_number": person.id_number,
        }
