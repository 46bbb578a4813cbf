"""The printable PDF: a real A4 PDF with an embedded CJK font and a QR code to the notice."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from unittest import mock

import pytest
import segno
from django.urls import reverse

from linli.notices import pdf, services
from linli.notices.selectors import notice_public_url
from linli.notices.tests.helpers import draft

pytestmark = pytest.mark.django_db


def decompressed_streams(content: bytes) -> bytes:
    """Every Flate stream of the PDF inflated (fonts and object streams are compressed)."""
    parts = []
    for match in re.finditer(rb"stream\r?\n", content):
        try:
            parts.append(zlib.decompressobj().decompress(content[match.end() :]))
        except zlib.error:
            continue
    return b"".join(parts)


def pdf_text(content: bytes) -> str:
    """The PDF's text via poppler's pdftotext (Debian poppler-utils, installed by .ci/run)."""
    binary = shutil.which("pdftotext")
    assert binary is not None, "pdftotext is missing: apt-get install poppler-utils"
    return subprocess.run(
        [binary, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def notice(world, today):
    created = draft(world, today, kind="fee_adjustment", days=30, title="关于物业费调整的公示")
    return services.notice_publish(actor=world.a.users["worker"], notice_id=created.pk)


def test_pdf_page_returns_a_real_pdf_with_an_embedded_font(
    client, notice, today, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("notices:pdf", args=[notice.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="notice-{notice.public_id}.pdf"'
    content = response.content
    assert content.startswith(b"%PDF-")
    assert b"/FontFile" in decompressed_streams(content)
    assert "关于物业费调整的公示" in pdf_text(content)


def test_pdf_document_has_pages(notice, today):
    document = pdf.render_notice_document(notice, printed_on=today)

    assert len(document.pages) >= 1
    # A4 in CSS pixels (96 per inch): 210 mm x 297 mm.
    assert (round(document.pages[0].width), round(document.pages[0].height)) == (794, 1123)


def test_pdf_qr_code_links_to_the_public_detail_page(notice, today, settings):
    settings.LINLI_PUBLIC_URL = "https://linli.example.cn/"
    expected = f"https://linli.example.cn/notices/n/{notice.public_id}/"

    with mock.patch("linli.notices.pdf.qr_data_uri", wraps=pdf.qr_data_uri) as spy:
        pdf.render_notice_pdf(notice, printed_on=today)

    assert notice_public_url(notice) == expected
    spy.assert_called_once_with(expected)
    assert pdf.qr_data_uri(expected) == segno.make(expected, error="m").svg_data_uri(
        scale=4, border=2
    )
    assert pdf.notice_qr(expected).designator == segno.make(expected, error="m").designator


def test_pdf_is_cached_for_public_notices(client, notice):
    url = reverse("notices:pdf", args=[notice.public_id])
    with mock.patch(
        "linli.notices.pdf.render_notice_pdf", return_value=b"%PDF-1.7 cached"
    ) as render:
        first = client.get(url)
        second = client.get(url)

    assert first.content == second.content == b"%PDF-1.7 cached"
    assert render.call_count == 1


def test_pdf_of_a_draft_is_404_for_the_public_and_shown_to_staff(client, world, today):
    created = draft(world, today)
    url = reverse("notices:pdf", args=[created.public_id])

    assert client.get(url).status_code == 404
    client.force_login(world.b.users["worker"])
    assert client.get(url).status_code == 404
    client.force_login(world.a.users["worker"])
    with mock.patch("linli.notices.pdf.render_notice_pdf", return_value=b"%PDF-1.7 draft"):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://127.0.0.1:8000/static/css/linli.css",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "http://127.0.0.1:8000/media/notices/secret.pdf",
        "http://127.0.0.1:8000/static/../config/settings.py",
    ],
)
def test_pdf_fetcher_refuses_anything_but_data_and_static(url, settings):
    settings.LINLI_PUBLIC_URL = "http://127.0.0.1:8000"
    with pytest.raises(ValueError):
        pdf.LocalOnlyFetcher().fetch(url)


def test_pdf_fetcher_serves_data_urls_and_static_files(settings):
    settings.LINLI_PUBLIC_URL = "http://127.0.0.1:8000"
    data = pdf.LocalOnlyFetcher().fetch("data:text/plain;base64,5YWs56S6")
    assert data.read() == "公示".encode()
    static = pdf.LocalOnlyFetcher().fetch("http://127.0.0.1:8000/static/css/linli.css")
    assert static.content_type == "text/css"
    assert b"--linli-green" in static.read()


def test_pdf_escapes_html_in_the_notice_text(world, today):
    created = services.notice_create(
        actor=world.a.users["worker"],
        community=world.a.community,
        kind="general",
        title="标题",
        body='<img src="http://example.com/track.png"><link rel="stylesheet" href="file:///etc/passwd">',
        starts_on=today,
        ends_on=today,
    )
    with mock.patch.object(
        pdf.LocalOnlyFetcher, "fetch", autospec=True, side_effect=ValueError
    ) as fetch:
        pdf.render_notice_pdf(created, printed_on=today)

    fetched = [call.args[1] for call in fetch.call_args_list]
    assert all(url.startswith("data:") for url in fetched)
