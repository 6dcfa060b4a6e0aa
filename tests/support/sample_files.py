"""Real files of every kind the vault meets, built in memory for tests and benchmarks.

PDFs are written with pypdf (the same library that inspects them), images with
the format's own signature and a valid header, the EICAR test file is the
industry's harmless test string.
"""

from __future__ import annotations

import io
import struct
import zlib

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from devstack.clamav import EICAR


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf(padding: int = 0, extra: bytes = b"") -> bytes:
    """A one-page PDF with nothing active; ``padding`` bytes of page content make it bigger.

    ``extra`` is written into the page's content stream as is (e.g. a malware test string).
    """
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    stream = DecodedStreamObject()
    stream.set_data(
        b"BT /F1 12 Tf 72 770 Td (Avis d'imposition) Tj ET\n" + extra + b"\n%" + b"%" * padding
    )
    page[NameObject("/Contents")] = writer._add_object(stream)
    return _written(writer)


def pdf_of_size(size: int) -> bytes:
    """A clean PDF of exactly ``size`` bytes (for benchmarks and size limits)."""
    padding = max(0, size - len(pdf()))
    for _ in range(5):  # offsets grow a digit now and then: converge in a few steps
        data = pdf(padding)
        if len(data) == size:
            return data
        padding = max(0, padding + size - len(data))
    raise ValueError(f"cannot build a PDF of exactly {size} bytes")


def _javascript_action(script: str) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(script),
        }
    )


def pdf_with_javascript() -> bytes:
    """A PDF with document-level JavaScript (the /Names /JavaScript tree)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = writer._add_object(_javascript_action("app.alert('hello');"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("a"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    return _written(writer)


def pdf_with_open_action_script() -> bytes:
    """A PDF whose /OpenAction is a JavaScript action (no name tree)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = writer._add_object(_javascript_action("this.print();"))
    writer._root_object[NameObject("/OpenAction")] = action
    return _written(writer)


def pdf_with_page_trigger() -> bytes:
    """A PDF whose page carries an additional-action (/AA) trigger that launches a file."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(launch)})
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    """A PDF carrying another file in its /EmbeddedFiles name tree."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("payload.exe", b"MZ not really a program")
    return _written(writer)


def pdf_with_file_attachment_annotation() -> bytes:
    """A PDF with a /FileAttachment annotation on its page."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _written(writer)


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid grey PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack("!I", len(body)) + kind + body + struct.pack("!I", zlib.crc32(kind + body))
        )

    header = struct.pack("!IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\0" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    """The start of a JFIF JPEG (SOI + APP0), enough for any sniffer."""
    app0 = b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    return b"\xff\xd8\xff\xe0" + struct.pack("!H", len(app0) + 2) + app0 + b"\xff\xd9"


def heic() -> bytes:
    """An ISO-BMFF ``ftyp`` box of an HEIC photo (major brand heic)."""
    brands = b"heic" + b"\0\0\0\0" + b"mif1heic"
    return struct.pack("!I", 8 + len(brands)) + b"ftyp" + brands + b"\0" * 16


def pdf_with_eicar() -> bytes:
    """A well-formed PDF carrying the EICAR anti-malware test string (harmless)."""
    return pdf(extra=b"% " + EICAR)
