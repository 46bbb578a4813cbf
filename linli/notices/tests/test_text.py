"""Masking personal numbers in notice text (linli.notices.text)."""

from __future__ import annotations

from linli.notices.text import mask_personal_numbers


def test_mobile_numbers_in_chinese_text_are_masked() -> None:
    assert mask_personal_numbers("联系人电话13812345678，请周知") == "联系人电话138****5678，请周知"


def test_digits_inside_a_hash_are_not_taken_for_a_phone_number() -> None:
    # A ledger hash printed in a checkpoint or statement notice: a run of 11 digits between
    # hex letters is part of the hash, not a mobile number.
    digest = "ab13812345678cd" + "0" * 49
    assert mask_personal_numbers(f"哈希 {digest}") == f"哈希 {digest}"
