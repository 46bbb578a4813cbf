"""Receipt uploads: only PDF, JPEG and PNG, checked by their content (not their name or the
browser's word), at most RECEIPT_MAX_BYTES. Images are decoded and re-encoded by Pillow, which
drops EXIF (location, camera, time) and anything hidden after the image data; a PDF is kept as
it is. Served only as attachments (views), never inline."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from linli.core.errors import LinliError
from linli.notices.services import safe_filename

RECEIPT_MAX_BYTES = 10 * 1024 * 1024
# Larger photos are scaled down: a receipt stays legible at 3,000 px on its long side.
MAX_SIDE = 3000
# Refuse decompression bombs early: 40 megapixels is more than any phone photo.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes


def clean(upload: Any) -> CleanFile:
    """The upload as it will be stored, or LinliError (translated) saying what is wrong."""
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise LinliError(_("The file is empty."), code="invalid_file")
    if size > RECEIPT_MAX_BYTES:
        raise LinliError(_("A receipt can be at most 10 MB."), code="file_too_large")
    upload.seek(0)
    data = upload.read(RECEIPT_MAX_BYTES + 1)
    upload.seek(0)
    if len(data) > RECEIPT_MAX_BYTES:
        raise LinliError(_("A receipt can be at most 10 MB."), code="file_too_large")
    stem = safe_filename(getattr(upload, "name", "") or "").rsplit(".", 1)[0] or "receipt"
    if data.startswith(b"%PDF-"):
        return CleanFile(f"{stem}.pdf", "application/pdf", data)
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _reencode(data, stem)
    raise LinliError(_("A receipt must be a PDF, JPEG or PNG file."), code="invalid_file")


def _reencode(data: bytes, stem: str) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise LinliError(_("The image is too large."), code="file_too_large")
            # WeasyPrint turns on Pillow's process-wide LOAD_TRUNCATED_IMAGES; a cut-off photo
            # must still be refused here, not stored half grey.
            truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                image.load()
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = truncated
            # Apply the camera's rotation before EXIF is dropped, so the receipt stays upright.
            upright = ImageOps.exif_transpose(image)
            is_png = image.format == "PNG"
            if upright.width > MAX_SIDE or upright.height > MAX_SIDE:
                upright.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if is_png:
                upright.save(out, format="PNG", optimize=True)
                return CleanFile(f"{stem}.png", "image/png", out.getvalue())
            # comment="": Pillow would otherwise copy the source's comment segment.
            upright.convert("RGB").save(out, format="JPEG", quality=85, comment="")
            return CleanFile(f"{stem}.jpg", "image/jpeg", out.getvalue())
    except LinliError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise LinliError(_("This image cannot be read."), code="invalid_file") from None
