"""Reading a poster back as a person's phone and a printer would: the QR code from the PNG,
the pages and words of the PDF."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader

A4_POINTS = (595.276, 841.890)  # 210 x 297 mm


def qr_links(png: bytes) -> list[str]:
    """The text of every QR code found in a PNG."""
    with Image.open(io.BytesIO(png)) as image:
        found = zxingcpp.read_barcodes(image.convert("L"))
    return [code.text for code in found if code.format == zxingcpp.BarcodeFormat.QRCode]


def png_size_and_dpi(png: bytes) -> tuple[tuple[int, int], tuple[float, float]]:
    """The PNG's size in pixels and the resolution it records."""
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        dpi = image.info["dpi"]
        return image.size, (float(dpi[0]), float(dpi[1]))


def pdf_pages(pdf: bytes) -> PdfReader:
    """The PDF, read."""
    return PdfReader(io.BytesIO(pdf))


def pdf_words(pdf: bytes) -> str:
    """Every word of the PDF's pages, joined by single spaces (lines wrap anywhere)."""
    text = " ".join(page.extract_text() for page in pdf_pages(pdf).pages)
    return " ".join(text.split())
