"""Benchmark: check and import a generated file of N members (docs/benchmarks.md).

Runs against the configured database inside a transaction that is rolled back at the end, so it
leaves nothing behind: a throwaway unit and account are created for the run.
"""

import io
import time
from datetime import date, timedelta

import openpyxl
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from unions.imports import COLUMNS, check_rows, import_rows, read_file
from unions.models import Gender, Member, Role, RoleAssignment, Unit, UnitLevel

TARGET_SECONDS = 10.0


class _Rollback(Exception):
    pass


def members_file(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([column.vi for column in COLUMNS])
    for number in range(rows):
        sheet.append(
            [
                f"Nguyễn Thị Hằng {number}",
                "Nữ" if number % 2 else "Nam",
                date(1970, 1, 1) + timedelta(days=number % 15000),
                "Chuyên viên chính",
                f"BENCH{number:07d}",
                f"{1 + number % 28:02d}/{1 + number % 12:02d}/2015",
                "Đang sinh hoạt",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Time the check and the import of a generated .xlsx of --rows members (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)

    def handle(self, *args, rows, **options):
        data = members_file(rows)
        self.stdout.write(f"{rows} rows, {len(data) // 1024} KB .xlsx, target {TARGET_SECONDS} s")
        for case in ("new members", "every member updated"):
            try:
                with transaction.atomic():
                    self._run(case, data, rows)
                    raise _Rollback
            except _Rollback:
                pass

    def _run(self, case, data, rows):
        root = Unit.objects.add_root(
            {"code": "BENCH", "name": "Bench", "level": UnitLevel.NATIONAL}
        )
        unit = Unit.objects.add_child(
            root, {"code": "BENCH-1", "name": "Bench 1", "level": UnitLevel.GRASSROOTS}
        )
        officer = get_user_model().objects.create(username="bench.officer")
        RoleAssignment.objects.create(user=officer, unit=unit, role=Role.OFFICER)
        if case == "every member updated":
            existing = [
                Member(unit=unit, full_name=f"Trần Văn Hùng {n}", gender=Gender.OTHER,
                       card_number=f"BENCH{n:07d}")
                for n in range(rows)
            ]  # fmt: skip
            for member in existing:
                member.prepare_for_save()
            Member.objects.bulk_create(existing, batch_size=2000)
        started = time.perf_counter()
        checked = check_rows(unit, read_file(data, "bench.xlsx"), viewer=officer)
        checked_in = time.perf_counter() - started
        started = time.perf_counter()
        import_rows(unit=unit, data=data, file_name="bench.xlsx", actor=officer)
        imported_in = time.perf_counter() - started
        total = checked_in + imported_in
        assert not checked.errors and len(checked.creates) + len(checked.updates) == rows
        self.stdout.write(
            f"  {case}: check {checked_in:.2f} s, import {imported_in:.2f} s, "
            f"total {total:.2f} s ({rows / total:,.0f} rows/s, {total / TARGET_SECONDS:.0%} "
            f"of the {TARGET_SECONDS:.0f} s budget)"
        )
