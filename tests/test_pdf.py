from aftersales import pdf


def test_a_document_with_chinese_text_renders_and_embeds_the_font(settings):
    settings.PDF_FONT = ""
    doc = pdf.document("纠纷材料 dispute pack")
    pdf.heading(doc, "售后纠纷材料 / Dispute pack")
    pdf.paragraph(doc, "买家称未收到包裹，物流显示已签收。The buyer says the parcel never came.")
    pdf.table(doc, ["时间 time", "事件 event"], [["2026-12-01 10:00", "已签收 signed"]] * 60)
    data = pdf.to_bytes(doc)
    assert data.startswith(b"%PDF-")
    assert b"NotoSansSC" in data            # the font is embedded (subset), so Chinese shows anywhere
    assert doc.pages_count >= 2             # the long table went on to a second page


def test_a_missing_font_file_is_a_clear_configuration_error(settings, tmp_path):
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    settings.PDF_FONT = str(tmp_path / "nope.ttf")
    with pytest.raises(ImproperlyConfigured, match="AFTERSALES_PDF_FONT"):
        pdf.document("x")
