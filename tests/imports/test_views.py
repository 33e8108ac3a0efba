"""The import pages: who may use them, the upload-preview-confirm journey, their query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import MemberFactory
from tests.imports.conftest import member_row, xlsx_bytes, zip_with_declared_size
from unions import imports
from unions.models import Gender, Member, MemberImport, MemberImportStatus


def upload_file(data, name="ds.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def checked_import(tree, users, run_on_commit):
    """A checked import of unit A, waiting for confirmation."""
    data = xlsx_bytes([member_row(card="C1"), member_row(name="Trần Văn Hùng", gender="Nam")])
    upload = run_on_commit(
        imports.create_member_import,
        unit=tree.unit_a,
        actor=users.officer_a,
        file_name="ds.xlsx",
        data=data,
    )
    upload.refresh_from_db()
    return upload


# --- Permissions ------------------------------------------------------------------------------

# What each named user gets on the import pages of unit A, then of unit C in another city:
# 200 may import, 403 may read but not import, 404 outside their scope, 302 sign in first.
EXPECTED = {
    "officer_a": (200, 404),
    "officer_b": (404, 404),
    "city_officer": (200, 404),
    "city_reviewer": (403, 404),
    "national_reviewer": (403, 403),
    "clerk": (403, 404),
    "outsider": (404, 200),
    "nobody": (404, 404),
    None: (302, 302),
}


def _checked(unit, actor, run_on_commit):
    data = xlsx_bytes([member_row(card=f"{unit.code}-1")])
    upload = run_on_commit(
        imports.create_member_import, unit=unit, actor=actor, file_name="ds.xlsx", data=data
    )
    upload.refresh_from_db()
    return upload


@pytest.fixture
def checked_imports(tree, users, run_on_commit):
    """A checked import of unit A and one of unit C, each waiting for confirmation."""
    return (
        _checked(tree.unit_a, users.officer_a, run_on_commit),
        _checked(tree.unit_c, users.outsider, run_on_commit),
    )


def _expect(response, expected):
    if expected == 302:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("user_name", list(EXPECTED))
def test_import_pages_permission_matrix(client_for, users, tree, checked_imports, user_name):
    user = getattr(users, user_name) if user_name else None
    client = client_for(user)
    for expected, unit, upload in zip(
        EXPECTED[user_name], (tree.unit_a, tree.unit_c), checked_imports, strict=True
    ):
        for url in [
            reverse("unions:member_import", args=[unit.pk]),
            reverse("unions:member_import_detail", args=[upload.pk]),
        ]:
            _expect(client.get(url), expected)


@pytest.mark.parametrize("user_name", list(EXPECTED))
@pytest.mark.parametrize("action", ["member_import_confirm", "member_import_cancel"])
def test_import_actions_permission_matrix(
    client_for, users, tree, checked_imports, action, user_name
):
    """Confirming or cancelling: whoever may import into the unit (a redirect: done)."""
    user = getattr(users, user_name) if user_name else None
    client = client_for(user)
    done = {"member_import_confirm": MemberImportStatus.IMPORTING,  # written on commit
            "member_import_cancel": MemberImportStatus.CANCELLED}[action]  # fmt: skip
    for expected, upload in zip(EXPECTED[user_name], checked_imports, strict=True):
        url = reverse(f"unions:{action}", args=[upload.pk])
        assert client.get(url).status_code == (302 if user is None else 405)
        response = client.post(url)
        if expected == 200:
            assert response.status_code == 302
        else:
            _expect(response, expected)
        upload.refresh_from_db()
        assert upload.status == (done if expected == 200 else MemberImportStatus.READY)


# Exporting the member list: whoever reads the unit.
EXPORT = {
    "officer_a": (200, 404),
    "officer_b": (404, 404),
    "city_officer": (200, 404),
    "city_reviewer": (200, 404),
    "national_reviewer": (200, 200),
    "clerk": (200, 404),
    "outsider": (404, 200),
    "nobody": (404, 404),
    None: (302, 302),
}


@pytest.mark.parametrize("user_name", list(EXPORT))
def test_member_export_permission_matrix(client_for, users, tree, user_name):
    MemberFactory(unit=tree.unit_a)
    MemberFactory(unit=tree.unit_c)
    user = getattr(users, user_name) if user_name else None
    client = client_for(user)
    for expected, unit in zip(EXPORT[user_name], (tree.unit_a, tree.unit_c), strict=True):
        response = client.get(reverse("unions:member_export", args=[unit.pk]))
        _expect(response, expected)
        if expected == 200:
            assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("user_name", ["officer_b", "city_reviewer", "outsider"])
def test_import_actions_by_others_change_nothing(client_for, users, checked_import, user_name):
    client = client_for(getattr(users, user_name))
    expected = 403 if user_name == "city_reviewer" else 404
    for action in ("member_import_confirm", "member_import_cancel"):
        response = client.post(reverse(f"unions:{action}", args=[checked_import.pk]))
        assert response.status_code == expected
    checked_import.refresh_from_db()
    assert checked_import.status == MemberImportStatus.READY
    assert Member.objects.count() == 0


def test_officer_a_cannot_upload_into_unit_b(client_for, users, tree):
    response = client_for(users.officer_a).post(
        reverse("unions:member_import", args=[tree.unit_b.pk]),
        {"file": upload_file(xlsx_bytes([member_row()]))},
    )
    assert response.status_code == 404
    assert MemberImport.objects.count() == 0


def test_city_reviewer_cannot_upload(client_for, users, tree):
    response = client_for(users.city_reviewer).post(
        reverse("unions:member_import", args=[tree.unit_a.pk]),
        {"file": upload_file(xlsx_bytes([member_row()]))},
    )
    assert response.status_code == 403
    assert MemberImport.objects.count() == 0


def test_import_page_of_a_unit_without_members_sends_back(client_for, users, tree):
    response = client_for(users.city_officer).get(
        reverse("unions:member_import", args=[tree.city.pk])
    )
    assert response.status_code == 302
    assert response.url == tree.city.get_absolute_url()


# --- The journey ------------------------------------------------------------------------------


def test_upload_preview_confirm_imports_the_members(
    client_for, users, tree, django_capture_on_commit_callbacks
):
    MemberFactory(unit=tree.unit_a, card_number="A-1", gender=Gender.FEMALE, position="Kế toán")
    data = xlsx_bytes(
        [
            member_row(card="A-1", position="Trưởng phòng"),
            member_row(name="Trần Văn Hùng", gender="Nam", card="N-2"),
        ]
    )
    client = client_for(users.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("unions:member_import", args=[tree.unit_a.pk]), {"file": upload_file(data)}
        )
    upload = MemberImport.objects.get()
    assert response.url == upload.get_absolute_url()
    assert Member.objects.count() == 1

    preview = client.get(upload.get_absolute_url(), {"show": "updates"})
    content = preview.content.decode()
    assert (upload.create_count, upload.update_count, upload.error_count) == (1, 1, 0)
    assert "Kế toán → Trưởng phòng" in content
    assert "Confirm the import" in content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("unions:member_import_confirm", args=[upload.pk]))
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == MemberImportStatus.IMPORTED
    assert sorted(Member.objects.values_list("card_number", "position")) == [
        ("A-1", "Trưởng phòng"),
        ("N-2", "Chuyên viên"),
    ]


def test_a_card_held_outside_the_officer_scope_is_not_told_by_the_preview(
    client_for, users, tree, django_capture_on_commit_callbacks
):
    """The preview reads as for a new number; only writing it is refused, without naming it."""
    MemberFactory(unit=tree.unit_c, card_number="DN-1")
    client = client_for(users.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("unions:member_import", args=[tree.unit_a.pk]),
            {"file": upload_file(xlsx_bytes([member_row(card="DN-1")]))},
        )
    upload = MemberImport.objects.get()
    content = client.get(upload.get_absolute_url()).content.decode()
    assert (upload.create_count, upload.error_count) == (1, 0)
    assert "DN-1" in content and "another unit" not in content and "Đà Nẵng" not in content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("unions:member_import_confirm", args=[upload.pk]))
    content = client.get(upload.get_absolute_url()).content.decode()
    assert "belong to members outside the units you manage" in content
    assert "DN-1" not in content and "Đà Nẵng" not in content
    assert not tree.unit_a.members.exists()


def test_preview_names_the_unit_holding_a_card_only_to_who_may_read_it(
    client_for, users, tree, django_capture_on_commit_callbacks
):
    """An import checked for the city's officer names unit B; officer A, who may open the same
    import of unit A but may not read unit B, does not learn its name."""
    MemberFactory(unit=tree.unit_b, card_number="B-1")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users.city_officer).post(
            reverse("unions:member_import", args=[tree.unit_a.pk]),
            {"file": upload_file(xlsx_bytes([member_row(card="B-1")]))},
        )
    upload = MemberImport.objects.get()
    for user, expected in [
        (users.city_officer, "The card number B-1 belongs to a member of another unit "
                             "(Công đoàn cơ sở B): move the member first, or correct the number."),
        (users.officer_a, "The card number B-1 belongs to a member of another unit: correct "
                          "the number."),
    ]:  # fmt: skip
        response = client_for(user).get(upload.get_absolute_url())
        assert [row["message"] for row in response.context["page_obj"]] == [expected]
        if user == users.officer_a:
            assert "Công đoàn cơ sở B" not in response.content.decode()


def test_preview_lists_errors_with_row_column_and_problem(
    client_for, users, tree, django_capture_on_commit_callbacks
):
    data = xlsx_bytes([member_row(card="C1"), member_row(born="32/13/1990", gender="Trai")])
    client = client_for(users.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("unions:member_import", args=[tree.unit_a.pk]), {"file": upload_file(data)}
        )
    upload = MemberImport.objects.get()
    response = client.get(upload.get_absolute_url())
    rows = [(row["row"], row["column"], row["message"]) for row in response.context["page_obj"]]
    assert rows == [
        (3, "Giới tính", "Unknown gender “Trai”: write Nam, Nữ or Khác (Male, Female, Other)."),
        (3, "Ngày sinh", "“32/13/1990” is not a date: write it as dd/mm/yyyy."),
    ]
    assert "Confirm the import" not in response.content.decode()


def test_uploading_a_bad_file_shows_why_and_keeps_nothing(client_for, users, tree):
    response = client_for(users.officer_a).post(
        reverse("unions:member_import", args=[tree.unit_a.pk]),
        {"file": upload_file(b"%PDF-1.4 not a sheet", "ds.pdf")},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This is not a spreadsheet: upload an .xlsx file (Excel 2007 or later) or a .csv file."
    ]
    assert MemberImport.objects.count() == 0


def test_refused_file_page_shows_the_reason(
    client_for, users, tree, django_capture_on_commit_callbacks
):
    client = client_for(users.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("unions:member_import", args=[tree.unit_a.pk]),
            {"file": upload_file(xlsx_bytes([member_row(name="=1+1")]))},
        )
    upload = MemberImport.objects.get()
    assert upload.status == MemberImportStatus.REFUSED
    response = client.get(upload.get_absolute_url())
    assert "The file contains formulas (A2 “Họ và tên”)" in response.content.decode()


def test_preview_escapes_what_the_file_contains(client_for, users, tree, run_on_commit):
    data = xlsx_bytes([member_row(name="<script>alert(1)</script>", card="<b>X</b>")])
    upload = run_on_commit(
        imports.create_member_import,
        unit=tree.unit_a,
        actor=users.officer_a,
        file_name="<i>ds</i>.xlsx",
        data=data,
    )
    content = client_for(users.officer_a).get(upload.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<b>X</b>" not in content
    assert "<i>ds</i>" not in content


def test_progress_shows_while_a_task_checks_the_file(client_for, users, tree):
    upload = MemberImport.objects.create(
        unit=tree.unit_a, file_name="big.xlsx", file_data=b"x", created_by=users.officer_a
    )
    response = client_for(users.officer_a).get(upload.get_absolute_url())
    assert response.context["in_progress"] is True
    assert 'http-equiv="refresh"' in response.content.decode()
    assert 'data-testid="import-progress"' in response.content.decode()


def test_cancel_sends_back_to_the_upload_page(client_for, users, tree, checked_import):
    response = client_for(users.officer_a).post(
        reverse("unions:member_import_cancel", args=[checked_import.pk])
    )
    assert response.url == reverse("unions:member_import", args=[tree.unit_a.pk])
    checked_import.refresh_from_db()
    assert checked_import.status == MemberImportStatus.CANCELLED


def test_template_downloads_in_both_languages(client_for, users):
    client = client_for(users.officer_a)
    url = reverse("unions:member_import_template")
    vi = imports.read_file(client.get(url).content, "t.xlsx")
    en = imports.read_file(client.get(url, {"lang": "en"}).content, "t.xlsx")
    assert vi.headers["full_name"] == "Họ và tên"
    assert en.headers["full_name"] == "Full name"
    assert vi.rows[0][1]["gender"] == "Nữ"
    assert en.rows[0][1]["gender"] == "Female"


def test_member_list_shows_import_and_export_buttons_to_officer(client_for, users, tree):
    content = (
        client_for(users.officer_a)
        .get(reverse("unions:member_list", args=[tree.unit_a.pk]), {"q": "hằng", "page": "1"})
        .content.decode()
    )
    assert reverse("unions:member_import", args=[tree.unit_a.pk]) in content
    export = reverse("unions:member_export", args=[tree.unit_a.pk])
    assert f'href="{export}?q=h%E1%BA%B1ng"' in content


def test_member_list_shows_only_export_to_reviewer(client_for, users, tree):
    content = (
        client_for(users.city_reviewer)
        .get(reverse("unions:member_list", args=[tree.unit_a.pk]))
        .content.decode()
    )
    assert reverse("unions:member_import", args=[tree.unit_a.pk]) not in content
    assert reverse("unions:member_export", args=[tree.unit_a.pk]) in content


# --- Query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 120])
@pytest.mark.parametrize("show", ["creates", "errors", "updates"])
def test_preview_query_count_does_not_grow(
    client_for, users, tree, run_on_commit, rows, show, django_assert_num_queries
):
    MemberFactory.create_batch(rows, unit=tree.unit_a)
    cards = list(Member.objects.values_list("card_number", flat=True))
    data = xlsx_bytes(
        [member_row(name=f"Người {n}", card=f"N{n}") for n in range(rows)]
        + [member_row(gender="?") for _ in range(rows)]
        + [member_row(card=card, position="Trưởng phòng") for card in cards]
    )
    upload = run_on_commit(
        imports.create_member_import,
        unit=tree.unit_a,
        actor=users.officer_a,
        file_name="ds.xlsx",
        data=data,
    )
    client = client_for(users.officer_a)
    with django_assert_num_queries(7):  # 6, and the navigation's badges (one query)
        response = client.get(upload.get_absolute_url(), {"show": show})
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == min(rows, 50)


@pytest.mark.parametrize("imports_count", [1, 12])
def test_upload_page_query_count_does_not_grow(
    client_for, users, tree, imports_count, django_assert_num_queries
):
    for _ in range(imports_count):
        MemberImport.objects.create(
            unit=tree.unit_a, file_name="a.xlsx", created_by=users.officer_a
        )
    client = client_for(users.officer_a)
    with django_assert_num_queries(8):  # 7, and the navigation's badges (one query)
        response = client.get(reverse("unions:member_import", args=[tree.unit_a.pk]))
    assert len(response.context["recent"]) == min(imports_count, 10)


BAD_FILES = {
    "not a spreadsheet": ("ds.pdf", lambda: b"%PDF-1.4 not a sheet", "This is not a spreadsheet"),
    "password-protected": (
        "ds.xlsx",
        lambda: bytes.fromhex("D0CF11E0A1B11AE1") + "EncryptedPackage".encode("utf-16-le"),
        "The file is protected by a password",
    ),
    "bomb": (
        "ds.xlsx",
        lambda: zip_with_declared_size(
            xlsx_bytes([member_row()]), "xl/worksheets/sheet1.xml", 4 * 1024**3 - 1
        ),
        "The file would expand to far more than its size",
    ),
    "100,000 rows": (
        "ds.csv",
        lambda: ("Họ và tên,Giới tính\n" + "Lê Minh Anh,Nam\n" * 100_000).encode(),
        "The file has more than 20000 rows",
    ),
    "formulas": (
        "ds.xlsx",
        lambda: xlsx_bytes([member_row(born="=TODAY()")]),
        "The file contains formulas (C2 “Ngày sinh”)",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_with_a_clear_message_and_change_nothing(
    client_for, users, tree, django_capture_on_commit_callbacks, case
):
    MemberFactory(unit=tree.unit_a, card_number="A-1")
    name, data, message = BAD_FILES[case]
    client = client_for(users.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("unions:member_import", args=[tree.unit_a.pk]),
            {"file": upload_file(data(), name)},
        )
    if response.status_code == 302:  # refused while checking, after the upload
        response = client.get(response.url)
    assert message in response.content.decode()
    assert list(Member.objects.values_list("card_number", flat=True)) == ["A-1"]
    assert not MemberImport.objects.exclude(status=MemberImportStatus.REFUSED).exists()
