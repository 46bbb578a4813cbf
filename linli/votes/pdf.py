"""The printed 公示 of a vote result: an A4 PDF (WeasyPrint) with a QR code to the result page.

It carries what the result page carries — totals, the tests of the rule, the outcome and its
reason, the options, the roll digest — and, for a roll short enough to print, the roll itself.
Rendering reuses the notices' safeguards: WeasyPrint may read only `data:` URLs and this site's
static files, never the network or the disk elsewhere. Chinese text needs a CJK font ("Noto Sans
CJK SC" from Debian's fonts-noto-cjk). Import this module lazily: WeasyPrint is heavy.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from linli.notices.pdf import LocalOnlyFetcher, qr_data_uri
from linli.votes.models import Motion

if TYPE_CHECKING:
    from linli.votes.views_public import RollRow, Summary


def render_result_document(
    motion: Motion,
    *,
    summary: Summary,
    scope: str,
    roll: Sequence[RollRow] | None,
    public_url: str,
    printed_on: date,
) -> Document:
    """The result laid out on A4 pages; the caller has checked that it is published."""
    html = render_to_string(
        "votes/public/pdf.html",
        {
            "motion": motion,
            "result": motion.result,
            "summary": summary,
            "scope": scope,
            "roll": roll,
            "public_url": public_url,
            "qr_uri": qr_data_uri(public_url),
            "printed_on": printed_on,
        },
    )
    fetcher = LocalOnlyFetcher()
    fonts = FontConfiguration()
    stylesheet = CSS(
        string=render_to_string("votes/public/pdf.css"), font_config=fonts, url_fetcher=fetcher
    )
    document = HTML(string=html, base_url=settings.LINLI_PUBLIC_URL, url_fetcher=fetcher)
    return document.render(stylesheets=[stylesheet], font_config=fonts)


def render_result_pdf(
    motion: Motion,
    *,
    summary: Summary,
    scope: str,
    roll: Sequence[RollRow] | None,
    public_url: str,
    printed_on: date,
) -> bytes:
    """The result as PDF bytes (see `render_result_document`)."""
    document = render_result_document(
        motion,
        summary=summary,
        scope=scope,
        roll=roll,
        public_url=public_url,
        printed_on=printed_on,
    )
    return bytes(document.write_pdf())
