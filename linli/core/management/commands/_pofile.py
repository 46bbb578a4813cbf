"""A small reader and writer for GNU gettext .po catalogues (the subset makemessages writes).

Used by `make_zh_hant` and by the catalogue tests. Django skips command modules whose name
starts with an underscore, so this is a helper, not a command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_UNESCAPES = {
    "\\": "\\",
    '"': '"',
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}
_ESCAPES = {value: f"\\{key}" for key, value in _UNESCAPES.items()}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^"(.*)"\s*$')


class PoSyntaxError(ValueError):
    pass


@dataclass
class Entry:
    """One message: its comments, context, source text and translation(s)."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    # Comment lines as written ("#: file:line", "#. note", "# translator note", "#| msgid ...").
    comments: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    def key(self) -> str:
        """The lookup key gettext uses: context and id joined by EOT."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def unescape(text: str, line_number: int) -> str:
    out: list[str] = []
    chars = iter(text)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        escaped = next(chars, None)
        if escaped is None or escaped not in _UNESCAPES:
            raise PoSyntaxError(f"line {line_number}: unsupported escape \\{escaped or ''}")
        out.append(_UNESCAPES[escaped])
    return "".join(out)


def escape(text: str) -> str:
    return "".join(_ESCAPES.get(char, char) for char in text)


def parse(text: str) -> list[Entry]:
    """Entries of a catalogue, header first; obsolete (#~) entries are dropped."""
    entries: list[Entry] = []
    comments: list[str] = []
    flags: list[str] = []
    fields: dict[str, str] = {}
    plural: dict[int, str] = {}
    current: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal comments, flags, fields, plural, current
        if "msgid" in fields:
            entries.append(
                Entry(
                    msgid=fields["msgid"],
                    msgstr=fields.get("msgstr", ""),
                    msgctxt=fields.get("msgctxt"),
                    msgid_plural=fields.get("msgid_plural"),
                    msgstr_plural=dict(sorted(plural.items())),
                    comments=comments,
                    flags=flags,
                )
            )
        elif fields or plural:
            raise PoSyntaxError("a message without msgid")
        comments, flags, fields, plural, current = [], [], {}, {}, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            if fields:
                finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#"):
            if fields:
                finish()
            if line.startswith("#,"):
                flags.extend(flag.strip() for flag in line[2:].split(",") if flag.strip())
            else:
                comments.append(line)
            continue
        keyword = _KEYWORD.match(line)
        if keyword:
            name, index, value = (
                keyword.group(1),
                keyword.group(2),
                unescape(keyword.group(3), number),
            )
            if name == "msgid" and "msgid" in fields:
                finish()
            if index is not None:
                current = ("msgstr[]", int(index))
                plural[int(index)] = value
            else:
                current = (name, None)
                fields[name] = value
            continue
        continuation = _CONTINUATION.match(line)
        if continuation and current is not None:
            value = unescape(continuation.group(1), number)
            name, index = current
            if index is not None:
                plural[index] += value
            else:
                fields[name] += value
            continue
        raise PoSyntaxError(f"line {number}: cannot read {raw!r}")
    finish()
    return entries


def _field(keyword: str, value: str) -> list[str]:
    # Like gettext: a value with inner newlines is written one line per newline.
    pieces = value.split("\n")
    lines = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        lines.append(pieces[-1])
    if len(lines) <= 1:
        return [f'{keyword} "{escape(value)}"']
    return [f'{keyword} ""', *(f'"{escape(line)}"' for line in lines)]


def render(entries: list[Entry], preamble: list[str] | None = None) -> str:
    """The catalogue as text; `preamble` comment lines go above the header's own comments."""
    blocks: list[str] = []
    for position, entry in enumerate(entries):
        lines: list[str] = list(preamble or []) if position == 0 else []
        lines.extend(entry.comments)
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.extend(_field("msgctxt", entry.msgctxt))
        lines.extend(_field("msgid", entry.msgid))
        if entry.msgid_plural is not None:
            lines.extend(_field("msgid_plural", entry.msgid_plural))
            for index, value in entry.msgstr_plural.items():
                lines.extend(_field(f"msgstr[{index}]", value))
        else:
            lines.extend(_field("msgstr", entry.msgstr))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def header_fields(header: Entry) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in header.msgstr.splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields


def header_text(fields: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields.items())
