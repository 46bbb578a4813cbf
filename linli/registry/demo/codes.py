"""The organisation code inside a unified social credit code (GB 11714-1997), which the demo
invents for companies. ID numbers and credit codes themselves are `linli.domain.idcard`'s job.

A credit code (GB 32100) is: registration authority (1), organisation type (1), area code (6),
organisation code (8 characters and a GB 11714 check character), and its own check character.
"""

from __future__ import annotations

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for the 8-character body of an organisation code."""
    if len(first8) != 8 or any(ch not in _ORG_CHARS for ch in first8):
        raise ValueError(f"need 8 digits or capitals, got {first8!r}")
    total = sum(_ORG_CHARS.index(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))
