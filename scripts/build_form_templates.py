"""Build the fillable PDF of every form template from its YAML (R7).

Official PDFs cannot be downloaded from the build machines, so each template's
PDF is made here: the form's title and cerfa number, then one AcroForm field per
declared field, named by its ``pdf_field``. Run after editing a template:

    .venv/bin/python scripts/build_form_templates.py

An operator replacing a PDF by the official one skips this script for that form
and maps the official field names in the YAML instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.domain.forms.templates import FormTemplate, load_templates  # noqa: E402

MARGIN = 50
ROW = 34


def build(template: FormTemplate) -> Path:
    """Write ``template``'s PDF next to its YAML and return its path."""
    path = template.pdf_path
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    canvas.setTitle(template.title.fr)
    width, height = A4

    def header() -> float:
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawString(MARGIN, height - MARGIN, template.title.fr[:80])
        canvas.setFont("Helvetica", 9)
        version = f"*{template.cerfa.version}" if template.cerfa.version else ""
        canvas.drawString(
            MARGIN, height - MARGIN - 16, f"Cerfa n° {template.cerfa.number}{version}"
        )
        return height - MARGIN - 50

    y = header()
    for field in template.fields:
        if y < MARGIN + ROW:
            canvas.showPage()
            y = header()
        canvas.setFont("Helvetica", 9)
        canvas.drawString(MARGIN, y + 14, field.label.fr[:95])
        if field.type == "checkbox":
            canvas.acroForm.checkbox(
                name=field.pdf_field, x=MARGIN, y=y - 2, size=12, buttonStyle="cross"
            )
        else:
            canvas.acroForm.textfield(
                name=field.pdf_field,
                x=MARGIN,
                y=y - 4,
                width=width - 2 * MARGIN,
                height=16,
                fontSize=9,
                borderWidth=0.5,
                maxlen=field.max_length,
            )
        y -= ROW
    canvas.save()
    return path


def main() -> None:
    for template in load_templates().values():
        sys.stdout.write(f"{build(template).relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
