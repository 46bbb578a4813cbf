"""`manage.py verify_ledger`: check every ledger's hash chain against its published checkpoints.

Anyone who kept a copy of a checkpoint Notice can hold the database to it: `--checkpoint
SEQ:HASH` (repeatable) adds heads copied from a notice board to the published ones, for one
account. Each account gets one line: OK with the number of entries checked and the head (the
checkpoint to publish next), or FAILED naming the first bad entry and why. Read-only; the exit
status is 1 when any account fails, so a cron job or CI can alarm on it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.domain import ledger as chain_rules
from linli.finance.models import Account
from linli.finance.verification import check, parse_head
from linli.registry.models import Community


def parse_checkpoint(text: str) -> chain_rules.Checkpoint:
    """`12:9f86d0…` → Checkpoint(12, "9f86d0…"); CommandError if it is not one."""
    try:
        return parse_head(text)
    except ValueError:
        raise CommandError(
            _("%(text)s is not a checkpoint: write the entry number, a colon and the hash.")
            % {"text": text}
        ) from None


class Command(BaseCommand):
    help = "Verify every ledger's hash chain against its published checkpoints."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", help="Only this account (its id or public id).")
        parser.add_argument("--community", help="Only the accounts of this community (its code).")
        parser.add_argument(
            "--checkpoint",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A head copied from a notice; repeatable; needs a single account.",
        )

    def handle(
        self,
        *args: Any,
        account: str | None = None,
        community: str | None = None,
        checkpoint: list[str],
        **options: Any,
    ) -> None:
        accounts = self._accounts(account, community)
        extra = [parse_checkpoint(text) for text in checkpoint]
        if extra and len(accounts) != 1:
            raise CommandError(_("Checkpoints copied from a notice need exactly one account."))
        if not accounts:
            self.stdout.write(_("No ledgers to verify."))
            return
        failed = 0
        for item in accounts:
            result = check(item, extra)
            label = _("%(community)s · %(name)s (account %(id)d)") % {
                "community": item.community.name,
                "name": item.name,
                "id": item.pk,
            }
            if result.ok:
                self.stdout.write(self.style.SUCCESS(_("OK")) + f" {label}: {result.text}")
            else:
                failed += 1
                self.stdout.write(self.style.ERROR(_("FAILED")) + f" {label}: {result.text}")
        if failed:
            raise CommandError(
                ngettext(
                    "%(failed)d of %(total)d ledger failed verification.",
                    "%(failed)d of %(total)d ledgers failed verification.",
                    len(accounts),
                )
                % {"failed": failed, "total": len(accounts)}
            )

    def _accounts(self, account: str | None, community: str | None) -> list[Account]:
        accounts: QuerySet[Account] = Account.objects.select_related("community").order_by(
            "community_id", "estate_id", "kind", "id"
        )
        if community is not None:
            found = Community.objects.filter(code=community).first()
            if found is None:
                raise CommandError(_("There is no community %(code)s.") % {"code": community})
            accounts = accounts.filter(community=found)
        if account is not None:
            accounts = accounts.filter(**_account_lookup(account))
            if not accounts.exists():
                raise CommandError(_("There is no account %(account)s.") % {"account": account})
        return list(accounts)


def _account_lookup(text: str) -> dict[str, Any]:
    """The filter for an account given by id (digits) or public id (a UUID)."""
    text = text.strip()
    if text.isdigit():
        return {"pk": int(text)}
    try:
        return {"public_id": uuid.UUID(text)}
    except ValueError:
        raise CommandError(
            _("%(account)s is neither an account id nor a public id.") % {"account": text}
        ) from None
