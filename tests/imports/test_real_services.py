"""The import against the real services: PostgreSQL's locks and a Celery worker through Redis."""

import threading
import time

import pytest
from django.db import connection

from tests.imports.conftest import member_row, xlsx_bytes
from unions import imports
from unions.models import Member, MemberImport, MemberImportStatus


def _checked(unit, actor, data):
    # With transactional_db the on_commit callbacks run at once: the file is checked here.
    upload = imports.create_member_import(unit=unit, actor=actor, file_name="ds.xlsx", data=data)
    upload.refresh_from_db()
    return upload


@pytest.mark.django_db(transaction=True)
def test_two_imports_adding_the_same_card_number_at_once_write_one(postgresql, users, tree):
    data = xlsx_bytes([member_row(card="SAME-1"), member_row(name="Lê Minh Anh", card="")])
    first = _checked(tree.unit_a, users.officer_a, data)
    second = _checked(tree.unit_b, users.officer_b, data)
    assert (first.status, second.status) == (MemberImportStatus.READY, MemberImportStatus.READY)
    for upload, officer in ((first, users.officer_a), (second, users.officer_b)):
        MemberImport.objects.filter(pk=upload.pk).update(
            status=MemberImportStatus.IMPORTING, confirmed_by=officer
        )

    barrier = threading.Barrier(2)

    def run(import_id):
        try:
            barrier.wait(timeout=10)
            imports.run_member_import(import_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in (first.pk, second.pk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = sorted(MemberImport.objects.values_list("status", flat=True))
    assert statuses == [MemberImportStatus.FAILED, MemberImportStatus.IMPORTED]
    assert Member.objects.filter(card_number="SAME-1").count() == 1
    assert Member.objects.count() == 2  # the loser's row without a card was rolled back too


@pytest.mark.real_worker
def test_large_import_is_checked_and_written_by_the_worker(
    celery_worker_process, users, tree, monkeypatch
):
    monkeypatch.setattr(imports, "INLINE_MAX_BYTES", 0)
    monkeypatch.setattr(imports, "INLINE_MAX_ROWS", 0)
    rows = [member_row(name=f"Người số {n}", card=f"W{n}") for n in range(3000)]
    upload = imports.create_member_import(
        unit=tree.unit_a, actor=users.officer_a, file_name="ds.xlsx", data=xlsx_bytes(rows)
    )

    def wait_while(status):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            upload.refresh_from_db()
            if upload.status != status:
                return upload.status
            time.sleep(0.2)
        pytest.fail(f"the worker left the import {status}")

    assert wait_while(MemberImportStatus.VALIDATING) == MemberImportStatus.READY
    assert upload.create_count == 3000
    imports.confirm_member_import(upload, actor=users.officer_a)
    assert wait_while(MemberImportStatus.IMPORTING) == MemberImportStatus.IMPORTED
    assert Member.objects.filter(unit=tree.unit_a).count() == 3000
