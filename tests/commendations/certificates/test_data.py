import base64
import io
import unicodedata
from datetime import date

import pytest
import qrcode
from django.core.exceptions import ValidationError
from PIL import Image

from commendations.certificates import (
    BANG_KHEN,
    GIAY_KHEN,
    AnnexRow,
    default_template_name,
    default_template_source,
    sample_certificate,
)
from commendations.certificates.fonts import fit_font_size, text_width_em
from commendations.certificates.qr import qr_data_uri
from commendations.certificates.templating import long_date, short_date


def test_certificate_data_stores_names_in_nfc_with_single_spaces():
    certificate = sample_certificate(
        awardee_name=unicodedata.normalize("NFD", "  Nguyễn   Thị\tHằng "),
        unit_name=unicodedata.normalize("NFD", "Công đoàn cơ sở A"),
    )
    assert certificate.awardee_name == "Nguyễn Thị Hằng"
    assert unicodedata.is_normalized("NFC", certificate.awardee_name) is True
    assert certificate.unit_name == "Công đoàn cơ sở A"


def test_certificate_data_keeps_the_lines_of_the_signer_title():
    certificate = sample_certificate(signer_title=" TM. Ban  Thường vụ \n\n Chủ tịch ")
    assert certificate.signer_title == "TM. Ban Thường vụ\nChủ tịch"


def test_certificate_data_signed_on_defaults_to_the_decision_date():
    assert sample_certificate(decision_date=date(2025, 1, 2)).signed_on == date(2025, 1, 2)


def test_certificate_data_without_a_name_is_refused():
    with pytest.raises(ValidationError) as error:
        sample_certificate(awardee_name="   ")
    assert error.value.code == "missing"
    assert "awardee_name" in error.value.messages[0]


def test_certificate_data_with_a_non_http_verification_link_is_refused():
    with pytest.raises(ValidationError) as error:
        sample_certificate(verification_url="javascript:alert(1)")
    assert error.value.code == "verification_url"


def test_annex_row_without_an_award_is_refused():
    with pytest.raises(ValidationError):
        AnnexRow(name="Lê Minh Anh", award_name="")


def test_default_template_is_giay_khen_for_a_grassroots_kind():
    assert default_template_name(granting_level="grassroots") == GIAY_KHEN


def test_default_template_is_bang_khen_for_a_city_or_national_kind():
    assert default_template_name(granting_level="provincial") == BANG_KHEN
    assert default_template_name(granting_level="national") == BANG_KHEN


def test_default_template_follows_the_award_name():
    assert default_template_name(granting_level="national", award_name="Giấy khen") == GIAY_KHEN
    decomposed = unicodedata.normalize("NFD", "Bằng khen của Công đoàn")
    assert default_template_name(granting_level="grassroots", award_name=decomposed) == BANG_KHEN


def test_unknown_default_template_lists_the_known_ones():
    with pytest.raises(ValidationError) as error:
        default_template_source("diploma")
    assert "bang_khen, giay_khen" in error.value.messages[0]


def test_long_date_pads_days_below_ten_and_the_first_two_months():
    assert long_date(date(2024, 9, 4)) == "ngày 04 tháng 9 năm 2024"
    assert long_date(date(2025, 2, 15)) == "ngày 15 tháng 02 năm 2025"
    assert long_date(date(2025, 12, 31)) == "ngày 31 tháng 12 năm 2025"


def test_short_date_is_day_month_year():
    assert short_date(date(2024, 9, 4)) == "04/09/2024"


def test_fit_font_size_keeps_the_largest_size_for_a_short_name():
    assert fit_font_size("Lê Minh Anh", width_mm=235, max_pt=26, min_pt=9, lines=2) == 26.0


def test_fit_font_size_shrinks_a_long_name_to_fit_its_lines():
    name = "Tôn Nữ Hoàng Khánh Linh Phương Thảo " * 3
    size = fit_font_size(name, width_mm=235, max_pt=26, min_pt=9, lines=2)
    width_mm = text_width_em(name) * size * 25.4 / 72
    assert 9 < size < 26
    assert width_mm <= 2 * 235


def test_text_width_counts_letters_no_font_has_as_one_em():
    assert text_width_em("阮氏") == 2.0


def test_qr_code_image_is_the_code_of_the_verification_url():
    url = "https://thidua.example.vn/xac-minh/7Q2K-9D4M-XA3T"
    image = Image.open(io.BytesIO(base64.b64decode(qr_data_uri(url).split(",", 1)[1])))
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, mask_pattern=0
    )
    code.add_data(url)
    matrix = code.get_matrix()
    pixels = image.convert("1").load()
    dark = [[pixels[x, y] == 0 for x in range(image.width)] for y in range(image.height)]
    assert image.size == (len(matrix), len(matrix))
    assert dark == matrix
