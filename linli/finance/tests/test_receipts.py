"""Receipt uploads (linli.finance.receipts.clean): content checks, size limits, and images
re-encoded without EXIF, text chunks or trailing data; a PDF is kept byte for byte."""

from __future__ import annotations

import hashlib
import importlib
import io
import struct
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from linli.core.errors import LinliError
from linli.finance.receipts import RECEIPT_MAX_BYTES, clean

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"
GPS = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (30.0, 15.0, 36.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (120.0, 9.0, 18.0),
}


def upload(data: bytes, name: str = "发票.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, "application/octet-stream")


def photo(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """Left half red, right half blue."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    return image


def jpeg(image: Image.Image, exif: Image.Exif | None = None) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def camera_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    exif[ExifTags.Base.Model] = "Mate 60"
    exif[ExifTags.Base.DateTime] = "2025:03:01 08:30:00"
    exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    return exif


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def refused(data_or_upload: Any, code: str) -> LinliError:
    item = data_or_upload if not isinstance(data_or_upload, bytes) else upload(data_or_upload)
    with pytest.raises(LinliError) as caught:
        clean(item)
    assert caught.value.code == code, caught.value.message
    return caught.value


def png_header(width: int, height: int) -> bytes:
    """A PNG signature and IHDR announcing width × height RGB pixels, then an empty IDAT."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


# --- images ----------------------------------------------------------------------------------


def test_a_jpeg_loses_its_exif_and_gps_and_stays_a_valid_jpeg():
    original = jpeg(photo(), camera_exif())
    source = Image.open(io.BytesIO(original)).getexif()
    assert source.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert source[ExifTags.Base.Make] == "HUAWEI"

    cleaned = clean(upload(original, "现场照片.jpg"))

    assert (cleaned.name, cleaned.content_type) == ("现场照片.jpg", "image/jpeg")
    image = opened(cleaned.data)
    assert (image.format, image.size) == ("JPEG", (64, 48))
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert b"Exif\x00\x00" not in cleaned.data and b"HUAWEI" not in cleaned.data
    Image.open(io.BytesIO(cleaned.data)).verify()


def test_a_jpeg_comment_is_dropped_too():
    """Regression (found in review, fixed): Pillow's JPEG writer copies the source's COM segment (im.info["comment"]) into the
    re-encoded file, so text a camera or app left there — here a location and a name —
    survives the cleaning."""
    out = io.BytesIO()
    photo().save(out, format="JPEG", comment="GPS 30.2615N 120.1551E 张三丰家")
    original = out.getvalue()
    assert b"120.1551" in original

    cleaned = clean(upload(original))

    assert b"120.1551" not in cleaned.data
    assert "comment" not in opened(cleaned.data).info


def test_exif_orientation_6_is_applied_before_exif_is_dropped():
    original = jpeg(photo((40, 20)), camera_exif(orientation=6))

    image = opened(clean(upload(original)).data)

    assert image.size == (20, 40)
    assert len(image.getexif()) == 0
    # Orientation 6: turn 90° clockwise, so the red left half ends on top.
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom


def test_a_png_loses_its_text_chunks_and_exif():
    info = PngInfo()
    info.add_text("Comment", "家住24幢1单元101")
    info.add_itxt("Author", "张三丰", lang="zh")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "HUAWEI"
    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (10, 20, 30, 128)).save(out, format="PNG", pnginfo=info, exif=exif)
    original = out.getvalue()
    assert Image.open(io.BytesIO(original)).text == {
        "Comment": "家住24幢1单元101",
        "Author": "张三丰",
    }

    cleaned = clean(upload(original, "收据.png"))

    assert (cleaned.name, cleaned.content_type) == ("收据.png", "image/png")
    image = opened(cleaned.data)
    assert (image.format, image.size, image.mode) == ("PNG", (30, 20), "RGBA")
    assert image.text == {}
    assert len(image.getexif()) == 0
    for marker in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", "家住".encode(), b"HUAWEI"):
        assert marker not in cleaned.data


def test_an_image_is_judged_by_its_content_not_its_name():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, format="PNG")
    cleaned = clean(upload(out.getvalue(), "发票.jpg"))
    assert (cleaned.name, cleaned.content_type) == ("发票.png", "image/png")


def test_anything_hidden_after_the_image_data_is_dropped():
    original = jpeg(photo()) + b"PK\x03\x04hidden-archive-payload"
    cleaned = clean(upload(original))
    assert b"hidden-archive-payload" not in cleaned.data
    assert opened(cleaned.data).format == "JPEG"


def test_a_large_photo_is_scaled_to_3000_px_on_its_long_side():
    original = jpeg(Image.new("RGB", (4000, 1000), (90, 90, 90)))
    assert opened(clean(upload(original)).data).size == (3000, 750)


def test_the_name_is_made_safe():
    cleaned = clean(upload(jpeg(photo()), "../../etc/收据 (1).jpeg"))
    assert cleaned.name == "收据_1.jpg"


# --- PDF -------------------------------------------------------------------------------------


def test_a_pdf_is_kept_byte_for_byte():
    cleaned = clean(upload(PDF, "审计报告.PDF"))
    assert cleaned.data == PDF
    assert (cleaned.name, cleaned.content_type) == ("审计报告.pdf", "application/pdf")


def test_a_pdf_of_exactly_10_mb_is_accepted():
    data = PDF + b"0" * (RECEIPT_MAX_BYTES - len(PDF))
    assert len(clean(upload(data, "a.pdf")).data) == RECEIPT_MAX_BYTES


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"PK\x03\x04 a zip",
        b"%PD not quite",
    ],
)
def test_anything_but_pdf_jpeg_png_is_refused_whatever_its_name(data):
    error = refused(upload(data, "发票.jpg"), "invalid_file")
    assert error.message == _("A receipt must be a PDF, JPEG or PNG file.")


def test_an_empty_file_is_refused():
    refused(upload(b"", "发票.pdf"), "invalid_file")


def test_a_file_over_10_mb_is_refused():
    refused(upload(PDF + b"0" * (RECEIPT_MAX_BYTES - len(PDF) + 1), "a.pdf"), "file_too_large")


def test_a_file_that_understates_its_size_is_still_refused():
    big = upload(PDF + b"0" * RECEIPT_MAX_BYTES, "a.pdf")
    big.size = 1000
    refused(big, "file_too_large")


@pytest.mark.parametrize(
    ("width", "height"),
    [(8_000, 8_000), (20_000, 20_000), (100_000, 100_000)],
)
def test_a_decompression_bomb_is_refused_before_decoding(width, height):
    """Over 40 megapixels: refused from the header (Pillow's own bomb check starts at 89 and
    raises at 179 megapixels; every size gives a clean LinliError)."""
    with pytest.raises(LinliError) as caught:
        clean(upload(png_header(width, height), "bomb.png"))
    assert caught.value.code in {"file_too_large", "invalid_file"}


def test_a_truncated_image_is_refused(monkeypatch):
    # Pillow's default; see the next test for what happens once weasyprint changed it.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    refused(upload(jpeg(photo())[:200], "a.jpg"), "invalid_file")
    refused(upload(png_header(10, 10), "a.png"), "invalid_file")


def test_a_truncated_image_is_refused_once_weasyprint_is_loaded():
    """Regression (found in review, fixed): weasyprint (loaded to draw statement PDFs) sets Pillow's process-wide
    ImageFile.LOAD_TRUNCATED_IMAGES = True on import; from then on clean() accepts a cut-off
    photo and stores it grey-filled instead of refusing it."""
    importlib.import_module("weasyprint.images")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    half = jpeg(Image.effect_noise((64, 48), 60).convert("RGB"))
    refused(upload(half[: len(half) // 2], "a.jpg"), "invalid_file")


@pytest.mark.django_db
def test_an_expense_with_a_refused_receipt_is_not_recorded(world):
    from linli.finance import services
    from linli.finance.models import Expense, Receipt
    from linli.finance.tests.builders import finance_side

    fs = finance_side(world.a)
    good = upload(PDF, "发票.pdf")
    bad = upload(b"<html></html>", "发票.jpg")
    with pytest.raises(LinliError) as caught:
        services.expense_record(
            actor=fs.property,
            account_id=fs.income.pk,
            category="repair",
            description="更换楼道灯",
            counterparty="杭州某电器维修部",
            amount=100_000,
            receipts=[good, bad],
        )
    assert caught.value.code == "invalid_file"
    assert (Expense.objects.count(), Receipt.objects.count()) == (0, 0)

    expense = services.expense_record(
        actor=fs.property,
        account_id=fs.income.pk,
        category="repair",
        description="更换楼道灯",
        counterparty="杭州某电器维修部",
        amount=100_000,
        receipts=[upload(PDF, "发票.pdf"), upload(jpeg(photo(), camera_exif()), "现场.jpg")],
    )
    stored = list(Receipt.objects.filter(expense=expense).order_by("id"))
    assert [(r.name, r.content_type, r.kind) for r in stored] == [
        ("发票.pdf", "application/pdf", "receipt"),
        ("现场.jpg", "image/jpeg", "receipt"),
    ]
    assert stored[0].sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored[0].size == len(PDF)
    with stored[1].file.open("rb") as handle:
        kept = handle.read()
    assert len(kept) == stored[1].size
    assert len(opened(kept).getexif()) == 0
    assert stored[1].file.name.startswith(f"finance/{expense.community_id}/receipts/")
    assert stored[1].file.name.endswith(".jpg")
