"""Generate the Traditional Chinese catalogue from the Simplified one with OpenCC.

zh_Hans is the one catalogue translators edit. zh_Hant is derived from it (OpenCC `s2twp`:
Taiwan characters and wording), so the two never drift apart. Format placeholders such as
`%(name)s`, `%d` and `{count}` are cut out before conversion and put back unchanged.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linli.core.management.commands import _pofile

SOURCE_LANGUAGE = "zh_Hans"
TARGET_LANGUAGE = "zh_Hant"
OPENCC_CONFIG = "s2twp"
DOMAINS = ("django", "djangojs")
PLURAL_FORMS = "nplurals=1; plural=0;"

# printf style (%s, %(name)s, %.2f, %%) and str.format style ({name}, {0}, {count:d}).
PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
    r"|\{[^{}\s]*\}"
)

GENERATED_NOTE = [
    "# Traditional Chinese (zh_Hant) catalogue for Linli (邻里).",
    f"# DO NOT EDIT. Generated from ../../{SOURCE_LANGUAGE}/LC_MESSAGES/<domain>.po by",
    f"# `manage.py make_zh_hant` (OpenCC {OPENCC_CONFIG}).",
    "# Fix the zh_Hans text instead and run `make messages`.",
]
SOURCE_HEADER_NOTE = [
    "# Simplified Chinese (zh_Hans) catalogue for Linli (邻里): the one translators edit.",
    "# zh_Hant is generated from it by `manage.py make_zh_hant`; `make messages` runs both.",
]


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG)


def to_traditional(text: str) -> str:
    """`text` converted to Traditional Chinese, with every format placeholder left as it was."""
    parts: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(_converter().convert(text[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(_converter().convert(text[position:]))
    return "".join(parts)


def build_zh_hant(source_text: str) -> str:
    """The zh_Hant catalogue for a zh_Hans catalogue's text; the same input, the same output."""
    entries = _pofile.parse(source_text)
    if not entries or not entries[0].is_header:
        raise CommandError("The zh_Hans catalogue has no header entry.")
    header, messages = entries[0], entries[1:]
    fields = _pofile.header_fields(header)
    fields["Language"] = TARGET_LANGUAGE
    fields["Plural-Forms"] = PLURAL_FORMS
    out = [_pofile.Entry(msgid="", msgstr=_pofile.header_text(fields))]
    for entry in messages:
        out.append(
            _pofile.Entry(
                msgid=entry.msgid,
                msgstr=to_traditional(entry.msgstr),
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural,
                msgstr_plural={i: to_traditional(s) for i, s in entry.msgstr_plural.items()},
                comments=[line for line in entry.comments if not line.startswith("# ")],
                flags=list(entry.flags),
            )
        )
    return _pofile.render(out, preamble=GENERATED_NOTE)


def tidy_source_header(source_text: str) -> str:
    """The zh_Hans text with makemessages' template header made real; messages untouched.

    A new catalogue's header is a fuzzy template ("SOME DESCRIPTIVE TITLE", empty Language).
    Only the first block is rewritten, so gettext's own line wrapping of messages is kept.
    """
    head, sep, rest = source_text.partition("\n\n")
    header = _pofile.parse(head)[0]
    fields = _pofile.header_fields(header)
    fields["Project-Id-Version"] = "Linli"
    fields["Language"] = SOURCE_LANGUAGE
    fields["Plural-Forms"] = PLURAL_FORMS
    for name, value in list(fields.items()):
        if "FULL NAME" in value or "LANGUAGE <LL@li.org>" in value or "YEAR-MO-DA" in value:
            del fields[name]
    template = any("SOME DESCRIPTIVE TITLE" in line for line in header.comments)
    tidy = _pofile.Entry(
        msgid="",
        msgstr=_pofile.header_text(fields),
        comments=SOURCE_HEADER_NOTE if template else header.comments,
        flags=[flag for flag in header.flags if flag != "fuzzy"],
    )
    return _pofile.render([tidy]).rstrip("\n") + sep + rest


class Command(BaseCommand):
    help = "Write locale/zh_Hant/LC_MESSAGES/*.po from the zh_Hans catalogues with OpenCC s2twp."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--locale-dir",
            default=str(settings.LOCALE_PATHS[0]),
            help="The locale directory holding zh_Hans/ (default: the first of LOCALE_PATHS).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if a zh_Hant catalogue is missing or out of date.",
        )

    def handle(self, *args: Any, locale_dir: str, check: bool, **options: Any) -> None:
        root = Path(locale_dir)
        sources = [
            root / SOURCE_LANGUAGE / "LC_MESSAGES" / f"{domain}.po"
            for domain in DOMAINS
            if (root / SOURCE_LANGUAGE / "LC_MESSAGES" / f"{domain}.po").exists()
        ]
        if not sources:
            raise CommandError(
                f"No {SOURCE_LANGUAGE} catalogue under {root}; run makemessages first."
            )
        stale: list[Path] = []
        for source in sources:
            target = root / TARGET_LANGUAGE / "LC_MESSAGES" / source.name
            text = source.read_text(encoding="utf-8")
            tidy = tidy_source_header(text)
            generated = build_zh_hant(tidy)
            current = target.read_text(encoding="utf-8") if target.exists() else None
            if check:
                if tidy != text or generated != current:
                    stale.append(target)
                continue
            if tidy != text:
                source.write_text(tidy, encoding="utf-8")
                self.stdout.write(f"Tidied the header of {source}")
            if generated != current:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(generated, encoding="utf-8")
                self.stdout.write(f"Wrote {target}")
            else:
                self.stdout.write(f"{target} is up to date")
        if stale:
            names = ", ".join(str(path) for path in stale)
            raise CommandError(f"Out of date: {names}. Run `make messages`.")
