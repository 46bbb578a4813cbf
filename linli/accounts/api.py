"""API endpoints of the accounts app (thin: parse, call a selector or service, return a schema)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from linli.accounts import selectors
from linli.accounts.schemas import CommunityRolesOut, MeOut
from linli.core.api_schemas import error_responses
from linli.domain.masking import mask_phone

router = Router(tags=["accounts"])


@router.get(
    "/me",
    response={200: MeOut, **error_responses(401, 422)},
    summary="The logged-in account",
    description="Name, masked phone, display settings and roles per community of the caller.",
    operation_id="accounts_me",
)
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    roles = [
        CommunityRolesOut(
            community_id=item.community_id,
            community_name=item.community_name,
            roles=list(item.roles),
        )
        for item in selectors.roles_for_display(user)
    ]
    return MeOut(
        id=user.pk,
        name=user.name,
        phone=mask_phone(user.phone),
        elder_mode=user.elder_mode,
        language=user.language,
        roles=roles,
    )
