import io
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from commendations.certificates import (
    BANG_KHEN,
    GIAY_KHEN,
    AnnexRow,
    default_template_source,
    merge_pdfs,
    render_batch,
    render_certificate_pdf,
    render_chunk,
    sample_certificate,
    sample_decision,
)
from commendations.certificates.render import (
    SEPARATE_PAGES,
    certificates_html,
    lay_out,
    render_decision_pdf,
)
from commendations.management.commands.bench_certificates import raw_write_pdf
from tests.commendations.certificates.conftest import pdf_pages, pdf_text, poppler_text

BANG_KHEN_SOURCE = default_template_source(BANG_KHEN)
NAMES = ["Nguyễn Thị Hằng", "Trần Văn Hùng", "Lê Minh Anh", "Phạm Thu Hà", "Đỗ Quốc Bảo"]
MM = 72 / 25.4


def certificates(names=NAMES):
    return [
        sample_certificate(
            awardee_name=name,
            register_number=f"2024/{index:04d}",
            verification_url=f"https://thidua.example.vn/xac-minh/{index:04d}",
        )
        for index, name in enumerate(names, start=1)
    ]


def embedded_fonts(pdf):
    """{font name: True if its file is embedded} for every font on every page."""
    fonts = {}
    for page in pdf_pages(pdf):
        for font in page["/Resources"]["/Font"].get_object().values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def image_count(pdf):
    """Images anywhere in the file, in page resources or in the groups the pages draw."""
    seen, images = set(), 0
    stack = [PdfReader(io.BytesIO(pdf)).trailer["/Root"]]
    while stack:
        obj = stack.pop().get_object()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, dict):
            images += obj.get("/Subtype") == "/Image"
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
    return images


def test_certificate_text_has_the_name_decision_number_and_register_number():
    pdf = render_certificate_pdf(BANG_KHEN_SOURCE, sample_certificate())
    text = pdf_text(pdf)
    assert "Nguyễn Thị Hằng" in text
    assert "45/QĐ-CĐVC" in text
    assert "2024/0123" in text
    assert "BẰNG KHEN" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Hà Nội, ngày 04 tháng 9 năm 2024" in text


def test_certificate_prints_a_decomposed_name_in_composed_form():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    pdf = render_certificate_pdf(BANG_KHEN_SOURCE, sample_certificate(awardee_name=decomposed))
    assert "Nguyễn Thị Hằng" in pdf_text(pdf)


def test_giay_khen_template_prints_one_page_with_the_name():
    pdf = render_certificate_pdf(
        default_template_source(GIAY_KHEN),
        sample_certificate(award_name="Giấy khen", awardee_name="Trần Văn Hùng"),
    )
    assert len(pdf_pages(pdf)) == 1
    assert "Trần Văn Hùng" in pdf_text(pdf)
    assert "GIẤY KHEN" in pdf_text(pdf)


def test_certificate_fonts_are_embedded():
    fonts = embedded_fonts(render_certificate_pdf(BANG_KHEN_SOURCE, sample_certificate()))
    assert any("Noto-Serif" in name for name in fonts)
    assert all(fonts.values())


def test_certificate_is_a4_landscape_by_default():
    page = pdf_pages(render_certificate_pdf(BANG_KHEN_SOURCE, sample_certificate()))[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (
        297,
        210,
    )


def test_certificate_page_size_follows_the_template():
    source = BANG_KHEN_SOURCE.replace("size: 297mm 210mm", "size: 400mm 300mm")
    page = pdf_pages(render_certificate_pdf(source, sample_certificate()))[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (
        400,
        300,
    )


def test_chunk_has_one_page_per_certificate_in_order():
    chunk = render_chunk(BANG_KHEN_SOURCE, certificates())
    pages = pdf_pages(chunk.pdf)
    assert len(pages) == 5
    assert chunk.page_ranges == ((0, 1), (1, 2), (2, 3), (3, 4), (4, 5))
    assert [NAMES[i] in pages[i].extract_text() for i in range(5)] == [True] * 5


def test_split_gives_one_single_page_file_per_certificate():
    files = render_chunk(BANG_KHEN_SOURCE, certificates()).split()
    assert len(files) == 5
    assert [len(pdf_pages(pdf)) for pdf in files] == [1] * 5
    assert [name in pdf_text(pdf) for name, pdf in zip(NAMES, files, strict=True)] == [True] * 5


def test_split_file_carries_only_its_own_qr_code():
    chunk = render_chunk(BANG_KHEN_SOURCE, certificates())
    assert image_count(chunk.pdf) == 5
    assert [image_count(pdf) for pdf in chunk.split()] == [1] * 5


def test_split_file_of_a_template_with_transparency_carries_its_own_qr_code():
    # WeasyPrint draws a transparent block as a group with resources of its own.
    source = BANG_KHEN_SOURCE.replace(".record {", ".record { opacity: 0.8;")
    assert [image_count(pdf) for pdf in render_chunk(source, certificates()).split()] == [1] * 5


def test_split_file_keeps_its_fonts_embedded():
    files = render_chunk(BANG_KHEN_SOURCE, certificates()).split()
    assert all(embedded_fonts(files[2]).values())


def test_name_of_120_characters_stays_on_one_page():
    name = ("Tôn Nữ Hoàng Khánh Linh Phương Thảo Nguyễn Thị Hằng " * 3)[:120].strip()
    pdf = render_certificate_pdf(BANG_KHEN_SOURCE, sample_certificate(awardee_name=name))
    assert len(pdf_pages(pdf)) == 1
    assert name in pdf_text(pdf)


def test_name_outside_the_fonts_stays_on_one_page():
    name = "Nguyễn Ωμέγα Ещё שלום عربي 阮氏恒 😀 Hằng"
    pdf = render_certificate_pdf(BANG_KHEN_SOURCE, sample_certificate(awardee_name=name))
    assert len(pdf_pages(pdf)) == 1
    # Letters that no font has print as boxes, and still extract as text. (pypdf misreads the
    # font's encoding when a box is drawn; poppler's pdftotext reads it right.)
    text = poppler_text(pdf)
    assert [part in text for part in ("Nguyễn Ωμέγα Ещё", "שלום", "عربي", "阮氏恒 😀 Hằng")] == [
        True
    ] * 4
    assert all(embedded_fonts(pdf).values())


def test_long_texts_everywhere_stay_on_one_page():
    long = "Công đoàn cơ sở Trường Trung học phổ thông chuyên Hà Nội – Amsterdam " * 4
    certificate = sample_certificate(
        awardee_name="Nguyễn Thị Hằng " * 8,
        unit_name=long,
        position=long,
        achievement=long * 2,
        issuing_body=long,
        award_name="Bằng khen của Ban Chấp hành Tổng Liên đoàn Lao động Việt Nam",
    )
    assert len(pdf_pages(render_certificate_pdf(BANG_KHEN_SOURCE, certificate))) == 1


def test_html_in_a_name_prints_as_text():
    pdf = render_certificate_pdf(BANG_KHEN_SOURCE, sample_certificate(awardee_name="<b>x</b>"))
    assert "<b>x</b>" in pdf_text(pdf)


def test_template_too_tall_for_one_page_is_refused_naming_the_awardee():
    source = '<p style="height: 250mm">{{ certificate.awardee_name }}</p><p>Điều 1.</p>'
    with pytest.raises(ValidationError) as error:
        render_chunk(source, certificates(["Lê Minh Anh"]))
    assert error.value.code == "one_page"
    assert "Lê Minh Anh" in error.value.messages[0]


def test_template_with_a_syntax_error_is_a_validation_error():
    with pytest.raises(ValidationError) as error:
        render_chunk("{% if %}", [sample_certificate()])
    assert error.value.code == "template_syntax"


def test_template_cannot_include_a_file():
    with pytest.raises(ValidationError) as error:
        render_chunk('{% include "/etc/passwd" %}', [sample_certificate()])
    assert error.value.code == "template_render"


def test_template_cannot_load_other_tag_libraries():
    with pytest.raises(ValidationError) as error:
        render_chunk("{% load static %}", [sample_certificate()])
    assert error.value.code == "template_syntax"


def test_empty_chunk_is_refused():
    with pytest.raises(ValidationError) as error:
        render_chunk(BANG_KHEN_SOURCE, [])
    assert error.value.code == "empty"


def test_merge_keeps_every_page_in_order():
    first = render_chunk(BANG_KHEN_SOURCE, certificates(NAMES[:2])).pdf
    second = render_chunk(BANG_KHEN_SOURCE, certificates(NAMES[2:])).pdf
    output = io.BytesIO()
    merge_pdfs([first, second], output)
    pages = PdfReader(io.BytesIO(output.getvalue())).pages
    assert [NAMES[i] in pages[i].extract_text() for i in range(5)] == [True] * 5
    assert len(pages) == 5


def test_render_batch_stores_each_certificate_and_writes_the_print_file(tmp_path):
    stored = {}

    def store(index, pdf):
        stored[index] = pdf

    count = render_batch(
        BANG_KHEN_SOURCE,
        certificates(),
        store_certificate=store,
        output=tmp_path / "print.pdf",
        chunk_size=2,
    )
    assert count == 5
    assert sorted(stored) == [0, 1, 2, 3, 4]
    assert [NAMES[i] in pdf_text(stored[i]) for i in range(5)] == [True] * 5
    printed = (tmp_path / "print.pdf").read_bytes()
    assert len(pdf_pages(printed)) == 5
    assert [NAMES[i] in pdf_pages(printed)[i].extract_text() for i in range(5)] == [True] * 5


def test_decision_pdf_has_number_bases_articles_and_annex():
    pdf = render_decision_pdf(sample_decision(count=3))
    text = pdf_text(pdf)
    assert "Số: 45/QĐ-CĐVC" in text
    assert "QUYẾT ĐỊNH" in text
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15" in text
    assert "Điều 1. Tặng Bằng khen" in text
    assert "Điều 3." in text
    assert "Phan Văn Anh" in text
    assert "(Kèm theo Quyết định số 45/QĐ-CĐVC ngày 04/09/2024" in text
    assert [name in text for name in ["Nguyễn Thị Hằng", "Trần Văn Hùng", "Lê Minh Anh"]] == [
        True
    ] * 3
    assert all(embedded_fonts(pdf).values())


def test_decision_pdf_is_a4_portrait():
    page = pdf_pages(render_decision_pdf(sample_decision(count=1)))[0]
    assert (round(float(page.mediabox.width) / MM), round(float(page.mediabox.height) / MM)) == (
        210,
        297,
    )


def test_decision_annex_of_many_awardees_lists_them_all():
    decision = sample_decision(count=60)
    text = pdf_text(render_decision_pdf(decision))
    assert [row.register_number in text for row in decision.awardees] == [True] * 60


def test_decision_escapes_html_in_an_awardee_name():
    decision = sample_decision(
        awardees=(AnnexRow(name="<script>x</script>", award_name="Bằng khen"),)
    )
    assert "<script>x</script>" in pdf_text(render_decision_pdf(decision))


def test_template_with_a_wrong_fit_size_argument_is_a_validation_error():
    with pytest.raises(ValidationError) as error:
        render_chunk('{% fit_size certificate.awardee_name "wide" 20 %}', [sample_certificate()])
    assert error.value.code == "template_render"
    assert "fit_size" in error.value.messages[0]


@pytest.mark.parametrize("template", ["bang_khen", "giay_khen"])
def test_certificate_with_the_issuers_emblem_prints_one_page(template):
    import base64

    from commendations.certificates import default_template_source
    from tests.factories import make_png

    emblem = "data:image/png;base64," + base64.b64encode(make_png((40, 40))).decode()
    certificate = sample_certificate(emblem=emblem)
    chunk = render_chunk(default_template_source(template), [certificate])
    assert len(pdf_pages(chunk.pdf)) == 1
    assert chunk.refused_urls == ()
    assert "Nguyễn Thị Hằng" in pdf_text(chunk.pdf)


# --- Fonts loaded once per process -----------------------------------------------------------


def test_chunk_with_the_shared_fonts_is_the_same_pdf_as_with_fonts_of_its_own():
    # The fonts are loaded once per thread and reused by every chunk: the file must be exactly
    # what WeasyPrint writes with a font configuration made for the one document.
    html = certificates_html(BANG_KHEN_SOURCE, certificates())
    lay_out(html, SEPARATE_PAGES)  # the shared configuration has laid out a chunk before
    shared = lay_out(html, SEPARATE_PAGES)[0].write_pdf()
    assert shared == raw_write_pdf(html)


def test_fonts_a_template_declares_do_not_reach_another_templates_certificates():
    # DejaVu Sans Bold under a family name of the template's own; a second template asks for
    # that family without declaring it, and must print with the default fonts.
    declaring = BANG_KHEN_SOURCE.replace(
        "<style>\n",
        '<style>@font-face { font-family: "Own"; src: url("fonts/DejaVuSans-Bold.ttf"); }\n'
        ".awardee { font-family: Own; }\n",
        1,
    )
    asking = BANG_KHEN_SOURCE.replace("<style>\n", "<style>.awardee { font-family: Own; }\n", 1)
    first = render_certificate_pdf(declaring, sample_certificate(awardee_name="Lan Anh"))
    assert any("Own" in name for name in embedded_fonts(first))
    second = render_certificate_pdf(asking, sample_certificate(awardee_name="Lan Anh"))
    assert not any("Own" in name for name in embedded_fonts(second))
