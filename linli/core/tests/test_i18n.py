"""Catalogues: zh_Hans complete, zh_Hant generated from it, .mo files current, pages translated."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from linli.core.management.commands import _pofile
from linli.core.management.commands.make_zh_hant import (
    build_zh_hant,
    tidy_source_header,
    to_traditional,
)

LOCALE = Path(settings.BASE_DIR) / "locale"
ZH_HANS = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_HANT = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"


def entries(path: Path) -> list[_pofile.Entry]:
    return _pofile.parse(path.read_text(encoding="utf-8"))


def describe(entry: _pofile.Entry) -> str:
    where = next((line for line in entry.comments if line.startswith("#:")), "#: ?")
    return f"{where[3:]}  {entry.msgid!r}"


def listing(items: list[str], limit: int = 40) -> str:
    more = f"\n... and {len(items) - limit} more" if len(items) > limit else ""
    return "\n".join(items[:limit]) + more


# msgfmt leaves the creation dates out of the compiled header.
UNCOMPILED_HEADER_FIELDS = {"POT-Creation-Date", "PO-Revision-Date"}


def header_without_dates(header: str) -> dict[str, str]:
    fields = _pofile.header_fields(_pofile.Entry(msgid="", msgstr=header))
    return {name: value for name, value in fields.items() if name not in UNCOMPILED_HEADER_FIELDS}


def compiled_catalogue(po: Path) -> dict:
    """What msgfmt must put in the .mo for `po`: translated, non-fuzzy messages and the header."""
    expected: dict = {}
    for entry in entries(po):
        if entry.is_header:
            expected[""] = header_without_dates(entry.msgstr)
            continue
        if entry.fuzzy:
            continue
        if entry.msgid_plural is not None:
            if entry.translated:
                for index, text in entry.msgstr_plural.items():
                    expected[(entry.key(), index)] = text
        elif entry.translated:
            expected[entry.key()] = entry.msgstr
    return expected


def test_zh_hans_catalogue_has_no_untranslated_message():
    missing = [describe(e) for e in entries(ZH_HANS) if not e.is_header and not e.translated]

    assert missing == [], f"{len(missing)} untranslated zh_Hans messages:\n" + listing(missing)


def test_zh_hans_catalogue_has_no_fuzzy_message():
    fuzzy = [describe(e) for e in entries(ZH_HANS) if e.fuzzy]

    assert fuzzy == [], f"{len(fuzzy)} fuzzy zh_Hans messages:\n" + listing(fuzzy)


def test_zh_hans_catalogue_header_is_tidy():
    text = ZH_HANS.read_text(encoding="utf-8")
    header = _pofile.header_fields(entries(ZH_HANS)[0])

    assert tidy_source_header(text) == text
    assert header["Language"] == "zh_Hans"
    assert header["Plural-Forms"] == "nplurals=1; plural=0;"


def test_zh_hant_catalogue_is_generated_from_zh_hans_by_opencc():
    assert ZH_HANT.read_text(encoding="utf-8") == build_zh_hant(
        ZH_HANS.read_text(encoding="utf-8")
    ), "locale/zh_Hant is stale: run `make messages`"


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_compiled_catalogue_matches_its_po_file(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")

    with mo.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    compiled[""] = header_without_dates(compiled.get("", ""))

    assert compiled == compiled_catalogue(po), f"{mo} is stale: run `make messages`"


def test_to_traditional_converts_words_and_keeps_placeholders():
    text = "%(name)s 的软件有 {count} 个信息，%d 条，完成 100%%。{0}"

    assert to_traditional(text) == "%(name)s 的軟體有 {count} 個資訊，%d 條，完成 100%%。{0}"


def test_build_zh_hant_converts_translations_but_not_sources_contexts_or_placeholders():
    source = "\n".join(
        [
            "#, fuzzy",
            'msgid ""',
            'msgstr ""',
            '"Project-Id-Version: Linli\\n"',
            '"Language: zh_Hans\\n"',
            '"Plural-Forms: nplurals=1; plural=0;\\n"',
            "",
            "#: linli/x.py:1",
            "#, python-format",
            'msgctxt "软件"',
            'msgid "%(count)s message"',
            'msgid_plural "%(count)s messages"',
            'msgstr[0] "%(count)s 条信息"',
            "",
            "#, fuzzy",
            'msgid "Mouse"',
            'msgstr ""',
            '"鼠标\\n"',
            '"第二行 \\"引号\\""',
            "",
        ]
    )

    generated = _pofile.parse(build_zh_hant(source))

    header, plural, fuzzy = generated
    assert _pofile.header_fields(header) == {
        "Project-Id-Version": "Linli",
        "Language": "zh_Hant",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    assert not header.fuzzy
    assert (plural.msgctxt, plural.msgid, plural.msgid_plural) == (
        "软件",
        "%(count)s message",
        "%(count)s messages",
    )
    assert plural.msgstr_plural == {0: "%(count)s 條資訊"}
    assert plural.flags == ["python-format"]
    assert plural.comments == ["#: linli/x.py:1"]
    assert (fuzzy.msgstr, fuzzy.fuzzy) == ('滑鼠\n第二行 "引號"', True)


def test_po_writer_round_trips_what_the_reader_reads():
    text = ZH_HANS.read_text(encoding="utf-8")
    parsed = _pofile.parse(text)

    assert _pofile.parse(_pofile.render(parsed)) == parsed


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        ("zh-hans", ["邻里", "登录"], ["鄰里", "登入"]),
        ("zh-hant", ["鄰里", "登入"], ["邻里", "登录"]),
        ("en", ["Linli", "Log in"], ["邻里", "鄰里", "登录"]),
    ],
)
def test_login_page_speaks_the_chosen_language(
    client, django_assert_num_queries, language, present, absent
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    with django_assert_num_queries(0):
        response = client.get(reverse("accounts:login"))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in html
    assert [text for text in present if text not in html] == []
    assert [text for text in absent if text in html] == []


@pytest.mark.django_db
def test_login_page_defaults_to_simplified_chinese(client):
    response = client.get(reverse("accounts:login"))

    assert '<html lang="zh-hans"' in response.content.decode()
    assert "邻里" in response.content.decode()
