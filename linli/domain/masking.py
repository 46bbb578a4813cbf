"""Masking personal data for every surface outside the staff console (DOMAIN-RULES §7).

House rules: a name keeps its surname (张*, 张*明 for three characters or more); a mobile
number keeps its first three and last four digits (138****5678); an ID number keeps at most
its first and last four characters; an address stops at the entrance.
"""

from __future__ import annotations

# Two-character Chinese surnames that must stay whole when a name is masked.
COMPOUND_SURNAMES = frozenset(
    {
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
        "南宫",
        "独孤",
        "澹台",
    }
)


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def mask_name(name: str) -> str:
    """张三 → 张*, 张三丰 → 张*丰, 欧阳娜娜 → 欧阳*娜; Latin names keep their first letter."""
    name = name.strip()
    if not name:
        return ""
    if not _is_cjk(name):
        parts = name.split()
        return " ".join(
            part[0] + "*" * (len(part) - 1) if len(part) > 1 else part for part in parts
        )
    surname_len = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
    rest = name[surname_len:]
    if not rest:
        return name
    if len(rest) == 1:
        return name[:surname_len] + "*"
    if surname_len == 1 and len(name) == 2:
        return name[0] + "*"
    return name[:surname_len] + "*" * (len(rest) - 1) + rest[-1]


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; anything shorter than 7 digits is hidden entirely."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_id_number(id_number: str) -> str:
    """330102199001011234 → 3*************1234: the first and the last four characters."""
    value = id_number.strip()
    if len(value) <= 5:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 5) + value[-4:]


def mask_address(*, estate: str, building: str, entrance: str = "", unit: str = "") -> str:
    """An address shown publicly stops at the entrance: 金狮苑24幢1单元, never the flat."""
    del unit  # the flat number identifies a household, so it never leaves the console
    return f"{estate}{building}{entrance}"
