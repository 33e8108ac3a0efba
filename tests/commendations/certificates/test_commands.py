import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from movements.models import AwardCategory, AwardKind, Beneficiary
from tests.commendations.certificates.conftest import pdf_pages, pdf_text
from unions.models import UnitLevel


def award_kind(code, name, level):
    return AwardKind.objects.create(
        code=code,
        name_vi=name,
        category=AwardCategory.COMMENDATION,
        beneficiary=Beneficiary.INDIVIDUAL,
        granting_level=level,
    )


def preview(**options):
    out = io.StringIO()
    # The messages are asserted in English, the source language.
    with translation.override("en"):
        call_command("certificate_preview", stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
def test_certificate_preview_writes_one_page_with_the_name_and_the_award(tmp_path):
    award_kind("BK-CDVC", "Bằng khen", UnitLevel.NATIONAL)
    output = preview(award_kind="BK-CDVC", name="Nguyễn Thị Hằng", out=str(tmp_path / "s.pdf"))
    pdf = (tmp_path / "s.pdf").read_bytes()
    assert len(pdf_pages(pdf)) == 1
    assert "Nguyễn Thị Hằng" in pdf_text(pdf)
    assert "BẰNG KHEN" in pdf_text(pdf)
    assert "bang_khen" in output


@pytest.mark.django_db
def test_certificate_preview_chooses_giay_khen_for_a_grassroots_kind(tmp_path):
    award_kind("GK-CS", "Giấy khen", UnitLevel.GRASSROOTS)
    output = preview(award_kind="GK-CS", out=str(tmp_path / "s.pdf"))
    assert "giay_khen" in output
    assert "GIẤY KHEN" in pdf_text((tmp_path / "s.pdf").read_bytes())


@pytest.mark.django_db
def test_certificate_preview_template_option_overrides_the_kind(tmp_path):
    award_kind("GK-CS", "Giấy khen", UnitLevel.GRASSROOTS)
    output = preview(award_kind="GK-CS", template="bang_khen", out=str(tmp_path / "s.pdf"))
    assert "bang_khen" in output


@pytest.mark.django_db
def test_certificate_preview_reads_a_template_file(tmp_path):
    (tmp_path / "mine.html").write_text("<p>Tặng {{ certificate.awardee_name }}</p>")
    preview(template=str(tmp_path / "mine.html"), name="Lê Minh Anh", out=str(tmp_path / "s.pdf"))
    assert pdf_text((tmp_path / "s.pdf").read_bytes()) == "Tặng Lê Minh Anh"


@pytest.mark.django_db
def test_certificate_preview_unknown_code_lists_the_known_codes(tmp_path):
    award_kind("BK-CDVC", "Bằng khen", UnitLevel.NATIONAL)
    award_kind("GK-CS", "Giấy khen", UnitLevel.GRASSROOTS)
    with pytest.raises(CommandError) as error:
        preview(award_kind="NOPE", out=str(tmp_path / "s.pdf"))
    assert "NOPE" in str(error.value)
    assert "BK-CDVC, GK-CS" in str(error.value)
    assert not (tmp_path / "s.pdf").exists()


@pytest.mark.django_db
def test_certificate_preview_unknown_code_without_any_kind_says_so(tmp_path):
    with pytest.raises(CommandError) as error:
        preview(award_kind="NOPE", out=str(tmp_path / "s.pdf"))
    assert "no award kinds" in str(error.value)


@pytest.mark.django_db
def test_certificate_preview_unknown_template_is_an_error(tmp_path):
    with pytest.raises(CommandError) as error:
        preview(template="diploma", out=str(tmp_path / "s.pdf"))
    assert "bang_khen, giay_khen" in str(error.value)


@pytest.mark.django_db
def test_certificate_preview_broken_template_is_a_clear_error(tmp_path):
    (tmp_path / "broken.html").write_text("{% if %}")
    with pytest.raises(CommandError) as error:
        preview(template=str(tmp_path / "broken.html"), out=str(tmp_path / "s.pdf"))
    assert "template" in str(error.value)


def test_bench_certificates_prints_the_three_measures():
    # A smoke test of the script (no timing is asserted): the figures are in docs/.
    out = io.StringIO()
    call_command("bench_certificates", count=3, chunk_size=2, stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines if "certificates/s" in line] == [
        "Pipeline (chunks, split, files, print file)",
        "Raw WeasyPrint, one document",
        "Raw WeasyPrint, one document per certificate",
    ]
    assert "3 certificate files and a print file" in out.getvalue()
