"""Masking personal numbers inside a notice's free text before it is shown publicly.

A notice is written by staff and read by anyone, so a mobile number or an ID number typed
into its body must not leave the server whole (PIPL Art. 25; the public-page crawl B11-1).
Names cannot be recognised reliably in free text; writers are told to mask them themselves.
Pure Python, no Django.
"""

from __future__ import annotations

import re

from linli.domain.masking import mask_id_number, mask_phone

# A mainland mobile number not glued to other digits (landlines like 0571-87654321 stay whole).
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
# An 18-character resident ID number: 17 digits and a digit or X check character.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    """Mask every mobile number (138****5678) and ID number (3*************1234) in `text`."""
    if not text:
        return ""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)
