"""`manage.py import_members`: checks and prints errors, writes only with --commit."""

import pytest
from django.core.management import CommandError, call_command

from tests.factories import MemberFactory
from tests.imports.conftest import csv_bytes, member_row, xlsx_bytes
from unions.models import Activity, Member


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "hn-a.xlsx"
    path.write_bytes(xlsx_bytes([member_row(card="C1"), member_row(name="Trần Văn Hùng", card="")]))
    return path


@pytest.fixture
def bad_file(tmp_path):
    path = tmp_path / "hn-a.csv"
    path.write_bytes(csv_bytes([member_row(card="C1"), member_row(gender="Trai", born="1/1/85")]))
    return path


def test_import_members_without_commit_checks_and_writes_nothing(tree, good_file, capsys):
    call_command("import_members", str(good_file), unit="HN-A")
    out = capsys.readouterr().out
    assert "2 rows: 2 to add, 0 to update, 0 unchanged, 0 error(s)." in out
    assert "Nothing was written: run again with --commit to import." in out
    assert Member.objects.count() == 0


def test_import_members_with_commit_writes_the_members(tree, good_file, capsys):
    call_command("import_members", str(good_file), unit="HN-A", commit=True)
    assert "Imported into Công đoàn cơ sở A: 2 added, 0 updated." in capsys.readouterr().out
    assert sorted(Member.objects.filter(unit=tree.unit_a).values_list("full_name", flat=True)) == [
        "Nguyễn Thị Hằng",
        "Trần Văn Hùng",
    ]
    activity = Activity.objects.get(action="members.imported")
    assert activity.actor is None


def test_import_members_with_bad_rows_exits_1_and_prints_each_error(tree, bad_file, capsys):
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(bad_file), unit="HN-A", commit=True)
    assert caught.value.returncode == 1
    assert str(caught.value) == "2 errors were found in the file: nothing was written."
    errors = capsys.readouterr().err.splitlines()
    assert errors == [
        "Row 3, column “Giới tính”: Unknown gender “Trai”: write Nam, Nữ or Khác (Male, Female, "
        "Other).",
        "Row 3, column “Ngày sinh”: “1/1/85” is not a date: write it as dd/mm/yyyy.",
    ]
    assert Member.objects.count() == 0


def test_import_members_check_only_with_bad_rows_exits_1(tree, bad_file):
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(bad_file), unit="HN-A")
    assert (caught.value.returncode, str(caught.value)) == (
        1,
        "2 error(s) in hn-a.csv: nothing was written.",
    )


def test_import_members_refuses_a_bad_file(tree, tmp_path):
    path = tmp_path / "members.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + "EncryptedPackage".encode("utf-16-le"))
    with pytest.raises(CommandError) as caught:
        call_command("import_members", str(path), unit="HN-A", commit=True)
    assert caught.value.returncode == 1
    assert str(caught.value).startswith("The file is protected by a password")


def test_import_members_unknown_unit(tree, good_file):
    with pytest.raises(CommandError, match="No unit has the code NOPE."):
        call_command("import_members", str(good_file), unit="NOPE")


def test_import_members_into_a_unit_without_members(tree, good_file):
    with pytest.raises(CommandError, match="grassroots union or a union group"):
        call_command("import_members", str(good_file), unit="HN")


def test_import_members_as_a_user_needs_management_of_the_unit(tree, users, good_file):
    with pytest.raises(CommandError, match="officer_b does not manage Công đoàn cơ sở A."):
        call_command("import_members", str(good_file), unit="HN-A", commit=True, user="officer_b")
    call_command("import_members", str(good_file), unit="HN-A", commit=True, user="officer_a")
    assert Activity.objects.get(action="members.imported").actor == users.officer_a


def test_import_members_updates_by_card_number(tree, good_file):
    MemberFactory(unit=tree.unit_a, card_number="C1", full_name="Nguyễn Thị Hằng", position="Cũ")
    call_command("import_members", str(good_file), unit="HN-A", commit=True)
    assert Member.objects.get(card_number="C1").position == "Chuyên viên"
    assert Member.objects.count() == 2
