"""Verifying a ledger, in words: the hash chain against its published checkpoints (and any
head someone holds), then the line rows against the hashed entries. Shared by the staff page
and `manage.py verify_ledger`, so both say the same thing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.domain import ledger as chain_rules
from linli.domain.ledger import Reason, Verification
from linli.finance import integrity, ledger
from linli.finance.models import Account

# The first bad entry and why (Reason.OK never reaches here).
PROBLEMS: dict[Reason, Callable[[], str]] = {
    Reason.GAP_OR_REORDER: lambda: _(
        "Entry %(sequence)d is missing or out of place (an entry was deleted, inserted or moved)."
    ),
    Reason.WRONG_LEDGER: lambda: _("Entry %(sequence)d belongs to another ledger."),
    Reason.UNBALANCED: lambda: _("The debits and credits of entry %(sequence)d do not balance."),
    Reason.BAD_REVERSAL: lambda: _(
        "Entry %(sequence)d is not a valid reversal of the entry it names."
    ),
    Reason.BAD_HASH: lambda: _(
        "The contents of entry %(sequence)d do not match its hash (it was edited)."
    ),
    Reason.BROKEN_LINK: lambda: _(
        "Entry %(sequence)d does not carry the hash of the entry before it (the chain is broken)."
    ),
    Reason.CHECKPOINT_MISMATCH: lambda: _(
        "Entry %(sequence)d differs from its published checkpoint (the chain was rewritten)."
    ),
    Reason.MISSING_AFTER_CHECKPOINT: lambda: _(
        "Entry %(sequence)d is in a published checkpoint but missing (the tail was cut off)."
    ),
}


@dataclass(frozen=True)
class Check:
    """The outcome of both checks. `lines_differ_at` is the first entry whose line rows (what
    balances and statements read) differ from its hashed lines, or None."""

    chain: Verification
    lines_differ_at: int | None

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.lines_differ_at is None

    @property
    def text(self) -> str:
        """One paragraph: intact with its head, or every problem found."""
        if self.ok:
            return summary(self.chain)
        parts = [] if self.chain.ok else [problem(self.chain)]
        if self.lines_differ_at is not None:
            parts.append(
                _(
                    "The line rows of entry %(sequence)d, which balances and statements add "
                    "up, differ from the entry itself (they were changed)."
                )
                % {"sequence": self.lines_differ_at}
            )
        return " ".join(parts)


def check(account: Account, held: Iterable[chain_rules.Checkpoint] = ()) -> Check:
    """Verify `account` against its published checkpoints and the heads in `held`."""
    return Check(
        chain=ledger.verify_account(account, held),
        lines_differ_at=integrity.first_line_mismatch(account),
    )


def problem(result: Verification) -> str:
    """The failure of a chain verification in sentences: the first bad entry, why, and the
    working (what stands in its place, where a rewrite starts, what is still intact)."""
    sentences = [PROBLEMS[result.reason]() % {"sequence": result.sequence}]
    if result.reason is Reason.GAP_OR_REORDER and result.found is not None:
        sentences.append(_("Entry %(found)d stands in its place.") % {"found": result.found})
    if result.reason is Reason.CHECKPOINT_MISMATCH:
        if result.confirmed is not None:
            sentences.append(
                _("The rewrite starts after entry %(sequence)d, the last checkpoint that matches.")
                % {"sequence": result.confirmed.sequence}
            )
        else:
            sentences.append(_("No earlier checkpoint matches."))
    if result.checked:
        sentences.append(
            ngettext(
                "%(count)d entry before it is intact.",
                "%(count)d entries before it are intact.",
                result.checked,
            )
            % {"count": result.checked}
        )
    return " ".join(sentences)


def summary(result: Verification) -> str:
    """What an intact ledger looks like: entries checked and its head."""
    if result.head is None:
        return _("no entries yet.")
    return ngettext(
        "%(count)d entry checked, head %(sequence)d %(hash)s.",
        "%(count)d entries checked, head %(sequence)d %(hash)s.",
        result.checked,
    ) % {"count": result.checked, "sequence": result.head.sequence, "hash": result.head.hash}


def parse_head(text: str) -> chain_rules.Checkpoint:
    """A head copied from a checkpoint notice, "SEQUENCE:HASH" (spaces and capitals allowed);
    ValueError if it is not one."""
    sequence, sep, digest = text.replace(" ", "").partition(":")
    if not sep or not sequence.isdigit():
        raise ValueError(text)
    return chain_rules.Checkpoint(int(sequence), digest.lower())
