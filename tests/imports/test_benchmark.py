"""A file of 10,000 rows is checked and imported in under 10 seconds (docs/benchmarks-import.md).

Two cases: 10,000 new members, and the same 10,000 members imported again with every column
changed (an exported list edited and imported back). Run with -s to see the figures:
    .venv/bin/pytest tests/imports/test_benchmark.py -s
"""

import time
from datetime import date, timedelta

import pytest

from tests.imports.conftest import member_row, xlsx_bytes
from unions.imports import check_rows, import_rows, read_file
from unions.models import Gender, Member

ROWS = 10_000


def ten_thousand_rows():
    """10,000 member rows with every column filled; birth dates as date cells."""
    return xlsx_bytes(
        member_row(
            name=f"Nguyễn Thị Hằng {number}",
            gender="Nữ" if number % 2 else "Nam",
            born=date(1970, 1, 1) + timedelta(days=number),
            position="Chuyên viên chính",
            card=f"HN{number:07d}",
            joined=f"{1 + number % 28:02d}/{1 + number % 12:02d}/2015",
            status="Đang sinh hoạt",
        )
        for number in range(ROWS)
    )


def existing_members(unit):
    """The same card numbers, every other column different."""
    members = [
        Member(
            unit=unit,
            full_name=f"Trần Văn Hùng {number}",
            gender=Gender.OTHER,
            date_of_birth=date(1960, 1, 1),
            position="Cũ",
            card_number=f"HN{number:07d}",
        )
        for number in range(ROWS)
    ]
    for member in members:
        member.prepare_for_save()
    Member.objects.bulk_create(members, batch_size=1000)


@pytest.mark.parametrize("case", ["new members", "every member updated"])
def test_ten_thousand_rows_check_and_import_in_under_ten_seconds(tree, users, case):
    if case == "every member updated":
        existing_members(tree.unit_a)
    data = ten_thousand_rows()

    started = time.perf_counter()
    checked = check_rows(tree.unit_a, read_file(data, "10000.xlsx"), viewer=users.officer_a)
    checked_in = time.perf_counter() - started
    started = time.perf_counter()
    import_rows(unit=tree.unit_a, data=data, file_name="10000.xlsx", actor=users.officer_a)
    imported_in = time.perf_counter() - started

    print(
        f"\n{ROWS} rows ({case}), {len(data) // 1024} KB: check {checked_in:.2f} s, "
        f"import (check again under lock, then write) {imported_in:.2f} s, "
        f"total {checked_in + imported_in:.2f} s"
    )
    assert len(checked.creates) + len(checked.updates) == ROWS
    assert checked.errors == []
    assert Member.objects.filter(unit=tree.unit_a, position="Chuyên viên chính").count() == ROWS
    assert checked_in + imported_in < 10
