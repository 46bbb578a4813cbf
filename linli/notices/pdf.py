"""The printable copy of a notice: an A4 PDF (WeasyPrint) with a QR code back to the web page.

WeasyPrint may only read `data:` URLs and this site's own static files: any other address in
the HTML (a pasted http(s) image, file:///etc/passwd) is refused, so printing a notice never
touches the network or the server's disk outside `static/`. Chinese text needs a CJK font
("Noto Sans CJK SC" from Debian's fonts-noto-cjk, or "WenQuanYi Micro Hei"); without one the
PDF is still produced, with substitute glyphs.
"""

from __future__ import annotations

import logging
import mimetypes
from datetime import date
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

# WeasyPrint reports every rendering step at INFO; the site logs at INFO by default.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.document import Document  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from linli.notices.models import Notice  # noqa: E402
from linli.notices.selectors import notice_public_url  # noqa: E402


def notice_qr(url: str) -> segno.QRCode:
    """The QR code printed on a notice (error correction M survives a crease or a stain)."""
    return segno.make(url, error="m")


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as an SVG data: URI, for an <img> in the PDF."""
    return str(notice_qr(url).svg_data_uri(scale=4, border=2))


class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves data: URLs and files under STATIC_URL (found by the staticfiles finders); refuses
    everything else. A refusal is a missing image in the PDF, never a request."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self._static_prefix = settings.LINLI_PUBLIC_URL.rstrip("/") + settings.STATIC_URL

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(self._static_prefix):
            relative = url[len(self._static_prefix) :].split("?", 1)[0].split("#", 1)[0]
            if relative and ".." not in Path(relative).parts:
                found = finders.find(relative)
                if isinstance(found, str) and Path(found).is_file():
                    content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, Path(found).read_bytes(), {"Content-Type": content_type}
                    )
        raise ValueError(f"refused to fetch {url[:80]!r} while printing a notice")


def render_notice_document(notice: Notice, *, printed_on: date) -> Document:
    """The notice laid out on A4 pages: title, issuer, period, text, attachment names, print
    date and a QR code to its page on LINLI_PUBLIC_URL. The caller has checked the reader may
    see it."""
    url = notice_public_url(notice)
    html = render_to_string(
        "notices/pdf.html",
        {"notice": notice, "public_url": url, "qr_uri": qr_data_uri(url), "printed_on": printed_on},
    )
    fetcher = LocalOnlyFetcher()
    fonts = FontConfiguration()
    stylesheet = CSS(
        string=render_to_string("notices/pdf.css"), font_config=fonts, url_fetcher=fetcher
    )
    document = HTML(string=html, base_url=settings.LINLI_PUBLIC_URL, url_fetcher=fetcher)
    return document.render(stylesheets=[stylesheet], font_config=fonts)


def render_notice_pdf(notice: Notice, *, printed_on: date) -> bytes:
    """The notice as PDF bytes (see `render_notice_document`)."""
    return bytes(render_notice_document(notice, printed_on=printed_on).write_pdf())
