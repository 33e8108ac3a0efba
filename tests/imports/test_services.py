"""Writing an import: every row or none, through the service functions, with an activity row."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import MemberFactory
from tests.imports.conftest import member_row, xlsx_bytes
from unions import imports
from unions.imports import FileRefused, RowsInvalid, import_rows
from unions.models import Activity, Gender, Member, MemberImport, MemberImportStatus


def good_file():
    return xlsx_bytes(
        [
            member_row(card="C1"),
            member_row(name="Trần Văn Hùng", gender="Nam", card="C2"),
            member_row(name="Lê Thu Hà", card=""),
        ]
    )


def test_import_rows_writes_members_and_one_activity_row(tree, users):
    import_rows(unit=tree.unit_a, data=good_file(), file_name="ds.xlsx", actor=users.officer_a)
    members = Member.objects.filter(unit=tree.unit_a).order_by("full_name")
    assert [(m.full_name, m.card_number) for m in members] == [
        ("Lê Thu Hà", None),
        ("Nguyễn Thị Hằng", "C1"),
        ("Trần Văn Hùng", "C2"),
    ]
    hung = members.get(card_number="C2")
    assert (hung.name_folded, hung.date_of_birth) == ("tran van hung", date(1985, 5, 17))
    activity = Activity.objects.get(action="members.imported")
    assert (activity.unit, activity.actor) == (tree.unit_a, users.officer_a)
    assert activity.data == {"file": "ds.xlsx", "created": 3, "updated": 0, "unchanged": 0}


def test_import_rows_again_updates_by_card_number(tree, users):
    import_rows(unit=tree.unit_a, data=good_file(), file_name="ds.xlsx", actor=users.officer_a)
    again = xlsx_bytes(
        [
            member_row(card="C1", position="Trưởng phòng", status="Đã chuyển đi"),
            member_row(name="Trần Văn Hùng", gender="Nam", card="C2"),
        ]
    )
    checked = import_rows(unit=tree.unit_a, data=again, file_name="ds2.xlsx", actor=users.officer_a)
    assert (len(checked.creates), len(checked.updates), checked.unchanged) == (0, 1, 1)
    assert Member.objects.filter(unit=tree.unit_a).count() == 3
    hang = Member.objects.get(card_number="C1")
    assert (hang.position, hang.status) == ("Trưởng phòng", "transferred")


def test_import_rows_keeps_current_values_for_empty_cells(tree, users):
    MemberFactory(unit=tree.unit_a, card_number="K1", full_name="Lê Minh Anh", position="Kế toán")
    data = xlsx_bytes([member_row(name="Lê Minh Anh Thư", card="K1", position="", born="")])
    import_rows(unit=tree.unit_a, data=data, file_name="a.xlsx", actor=users.officer_a)
    member = Member.objects.get(card_number="K1")
    assert (member.full_name, member.position, member.date_of_birth) == (
        "Lê Minh Anh Thư",
        "Kế toán",
        date(1985, 5, 17),
    )
    assert member.name_folded == "le minh anh thu"


def test_import_rows_with_a_bad_row_writes_nothing(tree, users):
    data = xlsx_bytes([member_row(card="C1"), member_row(gender="?", card="C2")])
    with pytest.raises(RowsInvalid) as caught:
        import_rows(unit=tree.unit_a, data=data, file_name="a.xlsx", actor=users.officer_a)
    assert caught.value.messages == ["1 error was found in the file: nothing was written."]
    assert Member.objects.count() == 0
    assert Activity.objects.filter(action="members.imported").count() == 0


def test_import_rows_rolls_back_every_row_when_writing_fails(tree, users, monkeypatch):
    existing = MemberFactory(unit=tree.unit_a, card_number="C1", position="Kế toán")
    rows = [member_row(card="C1", position="Trưởng phòng")]
    rows += [member_row(name=f"Người số {n}", card=f"N{n}") for n in range(2500)]

    def broken(**kwargs):
        raise RuntimeError("the activity could not be recorded")

    monkeypatch.setattr(imports, "record_activity", broken)
    with pytest.raises(RuntimeError):
        import_rows(unit=tree.unit_a, data=xlsx_bytes(rows), file_name="a.xlsx", actor=None)
    assert list(Member.objects.all()) == [existing]
    existing.refresh_from_db()
    assert existing.position == "Kế toán"


def test_import_rows_refuses_bad_file_and_writes_nothing(tree, users):
    with pytest.raises(FileRefused):
        import_rows(unit=tree.unit_a, data=b"not a sheet", file_name="a.pdf", actor=None)
    assert Member.objects.count() == 0


def test_import_rows_needs_a_manager_of_the_unit(tree, users):
    for user in (users.officer_b, users.city_reviewer):
        with pytest.raises(PermissionDenied):
            import_rows(unit=tree.unit_a, data=good_file(), file_name="a.xlsx", actor=user)
    assert Member.objects.count() == 0


def test_import_rows_into_a_unit_without_members_is_refused(tree, users):
    with pytest.raises(ValidationError):
        import_rows(unit=tree.city, data=good_file(), file_name="a.xlsx", actor=users.city_officer)
    assert Member.objects.count() == 0


# --- The web flow: upload, check, confirm -----------------------------------------------------


def test_create_member_import_checks_the_file_and_keeps_a_preview(tree, users, run_on_commit):
    upload = run_on_commit(
        imports.create_member_import,
        unit=tree.unit_a,
        actor=users.officer_a,
        file_name="ds.xlsx",
        data=good_file(),
    )
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.READY
    assert (upload.row_count, upload.create_count, upload.error_count) == (3, 3, 0)
    assert [row["full_name"] for row in upload.preview["creates"]] == [
        "Nguyễn Thị Hằng",
        "Trần Văn Hùng",
        "Lê Thu Hà",
    ]
    assert Member.objects.count() == 0


def test_create_member_import_refuses_bad_file_at_once(tree, users):
    with pytest.raises(FileRefused):
        imports.create_member_import(
            unit=tree.unit_a, actor=users.officer_a, file_name="a.xls", data=b"\xd0\xcf\x11\xe0"
        )
    assert MemberImport.objects.count() == 0


def test_validate_member_import_keeps_the_refusal_of_a_formula(tree, users, run_on_commit):
    data = xlsx_bytes([member_row(born="=TODAY()")])
    upload = run_on_commit(
        imports.create_member_import,
        unit=tree.unit_a,
        actor=users.officer_a,
        file_name="a.xlsx",
        data=data,
    )
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.REFUSED
    assert bytes(upload.file_data) == b""
    assert imports.refusal_message(upload.preview["refusal"]) == (
        "The file contains formulas (C2 “Ngày sinh”): copy the cells and paste them as values "
        "only, then upload the file again."
    )


def _checked_upload(tree, users, run_on_commit, data):
    upload = run_on_commit(
        imports.create_member_import,
        unit=tree.unit_a,
        actor=users.officer_a,
        file_name="ds.xlsx",
        data=data,
    )
    upload.refresh_from_db()
    return upload


def test_confirm_member_import_writes_the_rows(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    run_on_commit(imports.confirm_member_import, upload, actor=users.officer_a)
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.IMPORTED
    assert (upload.confirmed_by, upload.create_count) == (users.officer_a, 3)
    assert bytes(upload.file_data) == b""
    assert Member.objects.filter(unit=tree.unit_a).count() == 3
    activity = Activity.objects.get(action="members.imported")
    assert (activity.target_type, activity.target_id) == ("unions.memberimport", upload.pk)


def test_confirm_member_import_with_errors_is_refused(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, xlsx_bytes([member_row(gender="")]))
    with pytest.raises(ValidationError) as caught:
        imports.confirm_member_import(upload, actor=users.officer_a)
    assert caught.value.messages == [
        "Rows with errors cannot be imported: correct the file and upload it again."
    ]
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.READY
    assert Member.objects.count() == 0


def test_confirm_member_import_twice_imports_once(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    run_on_commit(imports.confirm_member_import, upload, actor=users.officer_a)
    with pytest.raises(ValidationError):
        imports.confirm_member_import(upload, actor=users.officer_a)
    assert Member.objects.count() == 3


def test_run_member_import_fails_cleanly_when_data_changed_since_the_check(
    tree, users, run_on_commit
):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    MemberFactory(unit=tree.unit_b, card_number="C2", gender=Gender.MALE)
    run_on_commit(imports.confirm_member_import, upload, actor=users.officer_a)
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.FAILED
    assert upload.preview == {"failure": {"code": "card_taken"}}
    assert imports.failure_message(upload.preview["failure"]).startswith(
        "Some card numbers in the file belong to members outside the units you manage: nothing "
        "was written."
    )
    assert Member.objects.filter(unit=tree.unit_a).count() == 0


def test_run_member_import_names_a_unit_the_officer_reads_when_data_changed(
    tree, users, run_on_commit
):
    upload = run_on_commit(
        imports.create_member_import,
        unit=tree.unit_a,
        actor=users.city_officer,
        file_name="ds.xlsx",
        data=good_file(),
    )
    MemberFactory(unit=tree.unit_b, card_number="C2", gender=Gender.MALE)
    run_on_commit(imports.confirm_member_import, upload, actor=users.city_officer)
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.FAILED
    assert upload.preview["errors"][0]["code"] == "card_other_unit"
    assert Member.objects.filter(unit=tree.unit_a).count() == 0


def test_confirm_member_import_by_a_reader_is_denied(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    with pytest.raises(PermissionDenied):
        imports.confirm_member_import(upload, actor=users.city_reviewer)
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.READY


def test_cancel_member_import_drops_the_file(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    imports.cancel_member_import(upload, actor=users.officer_a)
    upload.refresh_from_db()
    assert (upload.status, bytes(upload.file_data)) == (MemberImportStatus.CANCELLED, b"")
    with pytest.raises(ValidationError):
        imports.confirm_member_import(upload, actor=users.officer_a)
    assert Member.objects.count() == 0


def test_large_import_runs_as_a_task_with_progress(tree, users, run_on_commit, monkeypatch):
    monkeypatch.setattr(imports, "INLINE_MAX_BYTES", 0)
    monkeypatch.setattr(imports, "INLINE_MAX_ROWS", 0)
    rows = [member_row(name=f"Người số {n}", card=f"N{n}") for n in range(1200)]
    upload = _checked_upload(tree, users, run_on_commit, xlsx_bytes(rows))
    assert (upload.status, imports.progress_of(upload)) == (MemberImportStatus.READY, 100)
    run_on_commit(imports.confirm_member_import, upload, actor=users.officer_a)
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.IMPORTED
    assert Member.objects.filter(unit=tree.unit_a).count() == 1200


def test_cancel_of_an_import_never_written_stops_its_task(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    MemberImport.objects.filter(pk=upload.pk).update(
        status=MemberImportStatus.IMPORTING, confirmed_by=users.officer_a
    )
    imports.cancel_member_import(upload, actor=users.officer_a)
    imports.run_member_import(upload.pk)  # the task arriving late
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.CANCELLED
    assert Member.objects.count() == 0


def test_cancel_of_a_written_import_is_refused(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    run_on_commit(imports.confirm_member_import, upload, actor=users.officer_a)
    with pytest.raises(ValidationError):
        imports.cancel_member_import(upload, actor=users.officer_a)
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.IMPORTED


def test_run_member_import_fails_when_the_officer_lost_the_role(tree, users, run_on_commit):
    upload = _checked_upload(tree, users, run_on_commit, good_file())
    MemberImport.objects.filter(pk=upload.pk).update(
        status=MemberImportStatus.IMPORTING, confirmed_by=users.officer_b
    )
    imports.run_member_import(upload.pk)
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.FAILED
    assert imports.failure_message(upload.preview["failure"]) == "You no longer manage this unit."
    assert Member.objects.count() == 0
