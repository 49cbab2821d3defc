"""PDF documents with Chinese text: the dispute pack and the weekly review.

fpdf2 writes the PDF; the font is Noto Sans SC from the `pylopdf-fonts-zh-cn` wheel (installed from
PyPI with the project, nothing downloaded at run time), or the file AFTERSALES_PDF_FONT names.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from fpdf import FPDF

FAMILY = "cjk"


@lru_cache(maxsize=4)
def font_path(configured: str = "") -> Path:
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ImproperlyConfigured(f"AFTERSALES_PDF_FONT={configured!r}: no such font file")
        return path
    import pylopdf_fonts_zh_cn

    return pylopdf_fonts_zh_cn.sans_path()


def document(title: str) -> FPDF:
    """An A4 document with the CJK font set, a first page added and `title` as its metadata."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("aftersales")
    pdf.add_font(FAMILY, "", str(font_path(settings.PDF_FONT)))
    pdf.set_font(FAMILY, size=10)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def heading(pdf: FPDF, text: str, size: int = 14) -> None:
    pdf.set_font(FAMILY, size=size)
    pdf.multi_cell(0, size * 0.6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=10)
    pdf.ln(1)


def paragraph(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def table(pdf: FPDF, header: list[str], rows: list[list[str]]) -> None:
    """A simple table; fpdf2 splits it across pages and repeats the header."""
    from fpdf.fonts import FontFace

    # one regular face only: headings are shaded, not bold
    with pdf.table(first_row_as_headings=True, text_align="LEFT", line_height=5,
                   headings_style=FontFace(emphasis="", fill_color=(230, 230, 230))) as t:
        for values in [header, *rows]:
            row = t.row()
            for value in values:
                row.cell(str(value))
    pdf.ln(2)


def to_bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
