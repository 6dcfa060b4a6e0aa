"""Fill a form PDF's AcroForm fields, and read them back (pypdf).

Only the values given are written, into fields the PDF already has; a value for
a field the PDF lacks is an error rather than text written somewhere else. The
filled fields get appearance streams so that every viewer shows the values.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

from pypdf import PdfReader, PdfWriter


class MissingPdfField(KeyError):
    """The PDF has no field of this name (the template's mapping is out of date)."""


def field_names(pdf: bytes | Path) -> set[str]:
    """Every AcroForm field name of ``pdf``."""
    source = pdf if isinstance(pdf, Path) else io.BytesIO(pdf)
    return set((PdfReader(source).get_fields() or {}).keys())


def read_values(pdf: bytes) -> dict[str, str]:
    """Field name → value for every field of ``pdf`` (empty string when unset)."""
    fields = PdfReader(io.BytesIO(pdf)).get_fields() or {}
    values = {}
    for name, field in fields.items():
        value = field.get("/V")
        values[name] = "" if value is None or value == "/Off" else str(value)
    return values


def fill(template_pdf: Path, values: Mapping[str, str]) -> bytes:
    """``template_pdf`` with exactly ``values`` in its fields; the others stay empty."""
    missing = set(values) - field_names(template_pdf)
    if missing:
        raise MissingPdfField(sorted(missing))
    writer = PdfWriter(clone_from=str(template_pdf))
    for page in writer.pages:
        page_fields = {
            annotation.get_object().get("/T")
            for annotation in page.get("/Annots", [])
            if annotation.get_object().get("/T") is not None
        }
        here = {name: value for name, value in values.items() if name in page_fields}
        if here:
            writer.update_page_form_field_values(page, here, auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
