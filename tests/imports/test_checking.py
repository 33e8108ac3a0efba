"""Each row is checked before anything is written: what would be created, updated, refused."""

import unicodedata
from datetime import date, datetime, timedelta

import pytest

from tests.factories import MemberFactory
from tests.imports.conftest import HEADERS_EN, csv_bytes, member_row, xlsx_bytes
from unions.imports import check_rows, read_file, row_error_message
from unions.models import Gender, MemberStatus


def check(unit, data, name="members.xlsx", viewer=None):
    return check_rows(unit, read_file(data, name), viewer=viewer)


def errors_of(checked):
    return [(e["row"], e["column"], e["code"]) for e in checked.errors]


def test_check_rows_good_file_creates_every_row(tree):
    data = xlsx_bytes(
        [
            member_row(card="C1"),
            member_row(name="Trần Văn Hùng", gender="Nam", born=date(1990, 2, 3), card="C2"),
            member_row(name="Lê Thu Hà", gender="Khác", born="", position="", card=""),
        ]
    )
    checked = check(tree.unit_a, data)
    assert checked.errors == []
    assert [member.full_name for _row, member in checked.creates] == [
        "Nguyễn Thị Hằng",
        "Trần Văn Hùng",
        "Lê Thu Hà",
    ]
    hung = checked.creates[1][1]
    assert (hung.gender, hung.date_of_birth, hung.joined_on) == (
        Gender.MALE,
        date(1990, 2, 3),
        date(2010, 3, 1),
    )
    assert checked.creates[2][1].card_number is None


def test_check_rows_every_kind_of_row_error_names_row_and_column(tree):
    MemberFactory(unit=tree.unit_b, card_number="B-1")
    tomorrow = (date.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    data = xlsx_bytes(
        [
            member_row(name="", card="E1"),  # row 2: missing name
            member_row(born="31/02/1990", card="E2"),  # row 3: no such date
            member_row(born="1990", card="E3"),  # row 4: not a date
            member_row(gender="Trai", card="E4"),  # row 5: unknown gender
            member_row(gender="", card="E5"),  # row 6: missing gender
            member_row(card="E6"),  # row 7
            member_row(card="E6"),  # row 8: card repeated in the file
            member_row(card="B-1"),  # row 9: card of another unit
            member_row(status="Nghỉ hưu sớm", card="E9"),  # row 10: unknown status
            member_row(joined=tomorrow, card="E10"),  # row 11: in the future
            member_row(born="01/01/2000", joined="01/01/1999", card="E11"),  # row 12
            member_row(name="A" * 151, card="E12"),  # row 13: too long
        ]
    )
    checked = check(tree.unit_a, data)
    assert errors_of(checked) == [
        (2, "Họ và tên", "name_missing"),
        (3, "Ngày sinh", "date_invalid"),
        (4, "Ngày sinh", "date_invalid"),
        (5, "Giới tính", "gender_unknown"),
        (6, "Giới tính", "gender_missing"),
        (8, "Số thẻ đoàn viên", "card_repeated"),
        (9, "Số thẻ đoàn viên", "card_other_unit"),
        (10, "Trạng thái", "status_unknown"),
        (11, "Ngày vào công đoàn", "date_out_of_range"),
        (12, "Ngày vào công đoàn", "joined_before_birth"),
        (13, "Họ và tên", "too_long"),
    ]
    assert [row for row, _member in checked.creates] == [7]


def test_check_rows_error_messages_say_what_is_wrong(tree):
    MemberFactory(unit=tree.unit_b, card_number="B-1")
    data = xlsx_bytes(
        [member_row(born="31/02/1990", card="X1"), member_row(card="X1"), member_row(card="B-1")]
    )
    checked = check(tree.unit_a, data, viewer=None)
    assert [row_error_message(error) for error in checked.errors] == [
        "“31/02/1990” is not a date: write it as dd/mm/yyyy.",
        "The card number X1 is already in row 2 of this file.",
        "The card number B-1 belongs to a member of another unit (Công đoàn cơ sở B): move the "
        "member first, or correct the number.",
    ]


def test_check_rows_names_the_other_unit_only_to_who_may_read_it(tree, users):
    MemberFactory(unit=tree.unit_b, card_number="B-1")
    data = xlsx_bytes([member_row(card="B-1")])
    (error,) = check(tree.unit_a, data, viewer=users.city_officer).errors
    assert (error["code"], error["params"]) == (
        "card_other_unit",
        {"card": "B-1", "unit": tree.unit_b.pk},
    )
    assert "Công đoàn cơ sở B" in row_error_message(error, {tree.unit_b.pk: "Công đoàn cơ sở B"})
    assert row_error_message(error, {}) == (
        "The card number B-1 belongs to a member of another unit: correct the number."
    )


def test_check_rows_does_not_tell_whether_a_card_exists_outside_the_viewer_scope(tree, users):
    """Officer A may not read unit B, nor the other city: a card number held there reads as a
    new one, exactly as a number no one holds."""
    MemberFactory(unit=tree.unit_b, card_number="B-1")
    MemberFactory(unit=tree.unit_c, card_number="C-1")
    for card in ("B-1", "C-1"):
        held = check(tree.unit_a, xlsx_bytes([member_row(card=card)]), viewer=users.officer_a)
        free = check(tree.unit_a, xlsx_bytes([member_row(card="FREE")]), viewer=users.officer_a)
        assert held.errors == free.errors == []
        assert held.preview()["creates"] == [
            {**row, "card_number": card} for row in free.preview()["creates"]
        ]
        assert held.hidden_conflicts == 1


def test_check_rows_card_of_a_member_in_a_group_below_is_another_unit(tree):
    MemberFactory(unit=tree.group_a1, card_number="A1-1")
    checked = check(tree.unit_a, xlsx_bytes([member_row(card="A1-1")]))
    assert errors_of(checked) == [(2, "Số thẻ đoàn viên", "card_other_unit")]


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("17/05/1985", date(1985, 5, 17)),
        ("7/5/1985", date(1985, 5, 7)),
        ("17-05-1985", date(1985, 5, 17)),
        ("17.05.1985", date(1985, 5, 17)),
        ("1985-05-17", date(1985, 5, 17)),
        (date(1985, 5, 17), date(1985, 5, 17)),
        (datetime(1985, 5, 17, 0, 0), date(1985, 5, 17)),
    ],
)
def test_check_rows_accepts_text_and_spreadsheet_dates(tree, cell, expected):
    checked = check(tree.unit_a, xlsx_bytes([member_row(born=cell)]))
    assert checked.creates[0][1].date_of_birth == expected


@pytest.mark.parametrize(
    "words, gender, status",
    [
        (("Nam", "Đang sinh hoạt"), Gender.MALE, MemberStatus.ACTIVE),
        (("NỮ", "đã chuyển đi"), Gender.FEMALE, MemberStatus.TRANSFERRED),
        (("nu", "da thoi sinh hoat"), Gender.FEMALE, MemberStatus.LEFT),
        (("Khác", ""), Gender.OTHER, MemberStatus.ACTIVE),
        (("female", "LEFT"), Gender.FEMALE, MemberStatus.LEFT),
        ((" Male ", "Active"), Gender.MALE, MemberStatus.ACTIVE),
        (("Other", "transferred"), Gender.OTHER, MemberStatus.TRANSFERRED),
    ],
)
def test_check_rows_accepts_gender_and_status_words_in_both_languages(tree, words, gender, status):
    checked = check(tree.unit_a, xlsx_bytes([member_row(gender=words[0], status=words[1])]))
    member = checked.creates[0][1]
    assert (member.gender, member.status) == (gender, status)


def test_check_rows_normalises_names_to_nfc_and_trims_spaces(tree):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hằng")
    checked = check(
        tree.unit_a, csv_bytes([member_row(name=f"  {decomposed}  ", card=" C7 ")]), "a.csv"
    )
    member = checked.creates[0][1]
    assert member.full_name == "Nguyễn Thị Hằng"
    assert unicodedata.is_normalized("NFC", member.full_name)
    assert member.card_number == "C7"


def test_check_rows_reads_numeric_card_numbers_as_text(tree):
    checked = check(tree.unit_a, xlsx_bytes([member_row(card=12345)]))
    assert checked.creates[0][1].card_number == "12345"


def test_check_rows_matches_own_members_by_card_number(tree):
    member = MemberFactory(
        unit=tree.unit_a,
        card_number="A-1",
        full_name="Nguyễn Thị Hằng",
        gender=Gender.FEMALE,
        position="Chuyên viên",
    )
    MemberFactory(
        unit=tree.unit_a, card_number="A-2", full_name="Lê Minh Anh", gender=Gender.FEMALE
    )
    data = xlsx_bytes(
        [
            member_row(card="A-1", position="Trưởng phòng", born="17/05/1985"),
            member_row(
                name="Lê Minh Anh",
                gender="Nữ",
                born="17/05/1985",
                position="Chuyên viên",
                card="A-2",
                joined="",
                status="",
            ),  # fmt: skip
        ],
    )
    checked = check(tree.unit_a, data)
    assert checked.errors == []
    assert checked.creates == []
    ((row, updated, changes),) = checked.updates
    assert (row, updated.pk) == (2, member.pk)
    assert changes == {
        "position": ("Chuyên viên", "Trưởng phòng"),
        "joined_on": (None, date(2010, 3, 1)),
    }
    assert checked.unchanged == 1


def test_check_rows_with_english_template_headers(tree):
    data = csv_bytes([member_row(gender="Female", status="Active")], headers=HEADERS_EN)
    assert len(check(tree.unit_a, data, "a.csv").creates) == 1
