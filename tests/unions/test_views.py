import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MemberFactory, make_unit
from unions.models import Gender, Member, Role, RoleAssignment


@pytest.fixture
def member_a(tree):
    return MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng")


# --- The permission matrix: (user, URL) -> expected status ------------------------------------
# 200: may see (and act); 403: may see, may not act; 404: outside scope; 302: sign in first.
# Each page of unit A (and of a member of A) and of unit C, in another city (and of a member of C).

READ_URLS = {
    "unit_detail": lambda u, m: reverse("unions:unit_detail", args=[u.pk]),
    "unit_children": lambda u, m: reverse("unions:unit_children", args=[u.pk]),
    "member_list": lambda u, m: reverse("unions:member_list", args=[u.pk]),
    "member_detail": lambda u, m: reverse("unions:member_detail", args=[m.pk]),
    "unit_roles": lambda u, m: reverse("unions:unit_roles", args=[u.pk]),
    "unit_activity": lambda u, m: reverse("unions:unit_activity", args=[u.pk]),
    "unit_activity_export": lambda u, m: reverse("unions:unit_activity_export", args=[u.pk]),
}
MANAGE_URLS = {
    "member_create": lambda u, m: reverse("unions:member_create", args=[u.pk]),
    "member_edit": lambda u, m: reverse("unions:member_edit", args=[m.pk]),
    "member_move": lambda u, m: reverse("unions:member_move", args=[m.pk]),
}
# What each named user gets: (read pages, manage pages) of unit A, then of unit C.
EXPECTED = {
    "officer_a": ((200, 200), (404, 404)),  # own unit
    "officer_b": ((404, 404), (404, 404)),  # sibling
    "city_officer": ((200, 200), (404, 404)),  # parent officer manages its subtree
    "city_reviewer": ((200, 403), (404, 404)),  # parent reviewer reads, may not edit
    "national_reviewer": ((200, 403), (200, 403)),  # two levels up, over both cities
    "clerk": ((200, 403), (404, 404)),
    "outsider": ((404, 404), (200, 200)),  # unrelated branch; officer of unit C
    "nobody": ((404, 404), (404, 404)),
    None: ((302, 302), (302, 302)),  # anonymous
}


@pytest.mark.parametrize("user_name", list(EXPECTED))
@pytest.mark.parametrize("url_name", list(READ_URLS) + list(MANAGE_URLS))
def test_unions_pages_permission_matrix(
    client_for, users, tree, member_a, member_c, user_name, url_name
):
    user = getattr(users, user_name) if user_name else None
    client = client_for(user)
    url = {**READ_URLS, **MANAGE_URLS}[url_name]
    for (read, manage), unit, member in zip(
        EXPECTED[user_name], (tree.unit_a, tree.unit_c), (member_a, member_c), strict=True
    ):
        expected = read if url_name in READ_URLS else manage
        response = client.get(url(unit, member))
        assert (unit.code, response.status_code) == (unit.code, expected)
        if expected == 302:
            assert response.url.startswith(reverse("account_login"))


# Revoking a role: an officer of a unit above the role's unit. Officer A's role at unit A, and
# the outsider's at unit C. 302 back to the roles page: revoked.
REVOKE = {
    "officer_a": (403, 404),  # not above its own unit
    "officer_b": (404, 404),
    "city_officer": (302, 404),
    "city_reviewer": (403, 404),
    "national_reviewer": (403, 403),
    "clerk": (403, 404),
    "outsider": (404, 403),
    "nobody": (404, 404),
    None: (302, 302),
}


@pytest.mark.parametrize("user_name", list(REVOKE))
def test_role_revoke_permission_matrix(client_for, users, tree, user_name):
    user = getattr(users, user_name) if user_name else None
    client = client_for(user)
    for expected, holder in zip(REVOKE[user_name], (users.officer_a, users.outsider), strict=True):
        assignment = RoleAssignment.objects.get(user=holder)
        url = reverse("unions:role_revoke", args=[assignment.pk])
        assert client.get(url).status_code == (302 if user is None else 405)
        response = client.post(url)
        assert (holder.username, response.status_code) == (holder.username, expected)
        if user is None:
            assert response.url.startswith(reverse("account_login"))
        revoked = not RoleAssignment.objects.filter(pk=assignment.pk).exists()
        assert revoked == (expected == 302 and user is not None)


def test_unknown_unit_is_not_found(client_for, users):
    assert client_for(users.national_reviewer).get("/units/999999/").status_code == 404


def test_parent_unit_is_not_found_for_grassroots_officer(client_for, users, tree):
    response = client_for(users.officer_a).get(reverse("unions:unit_detail", args=[tree.city.pk]))
    assert response.status_code == 404


# --- Member pages -----------------------------------------------------------------------------


def test_member_list_search_without_accents_finds_the_member(client_for, users, tree, member_a):
    MemberFactory(unit=tree.unit_a, full_name="Trần Văn Hùng")
    response = client_for(users.officer_a).get(
        reverse("unions:member_list", args=[tree.unit_a.pk]), {"q": "nguyen thi hang"}
    )
    assert list(response.context["page_obj"]) == [member_a]


def test_member_list_is_in_vietnamese_order(client_for, users, tree):
    for name in ["Nguyễn Văn Bình", "Trần Thị An", "Lê Văn Đức", "Lê Văn Dũng"]:
        MemberFactory(unit=tree.unit_a, full_name=name)
    response = client_for(users.officer_a).get(reverse("unions:member_list", args=[tree.unit_a.pk]))
    names = [member.full_name for member in response.context["page_obj"]]
    assert names == ["Trần Thị An", "Nguyễn Văn Bình", "Lê Văn Dũng", "Lê Văn Đức"]


def test_member_list_of_city_lists_the_whole_subtree(client_for, users, tree):
    MemberFactory(unit=tree.unit_a)
    MemberFactory(unit=tree.group_a1)
    MemberFactory(unit=tree.unit_b)
    MemberFactory(unit=tree.unit_c)
    response = client_for(users.city_reviewer).get(
        reverse("unions:member_list", args=[tree.city.pk])
    )
    assert response.context["page_obj"].paginator.count == 3


@pytest.mark.parametrize("rows", [1, 60])
def test_member_list_query_count_does_not_grow(
    client_for, users, tree, rows, django_assert_num_queries
):
    MemberFactory.create_batch(rows, unit=tree.unit_a)
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(9):  # 8, and the navigation's badges (one query)
        response = client.get(reverse("unions:member_list", args=[tree.city.pk]), {"q": "a"})
    assert response.status_code == 200


@pytest.fixture
def small_cap(monkeypatch):
    """Count at most 3 members, 2 a page: a province's list past the cap, in five rows."""
    monkeypatch.setattr("unions.paging.COUNT_CAP", 3)
    monkeypatch.setattr("unions.views.MEMBERS_PER_PAGE", 2)


def test_member_list_past_the_count_cap_says_more_than_and_pages_on(
    client_for, users, tree, small_cap
):
    names = ["Trần Thị An", "Nguyễn Văn Bình", "Lê Văn Dũng", "Lê Văn Đức", "Phạm Thị Em"]
    for name in names:
        MemberFactory(unit=tree.unit_a, full_name=name)
    client = client_for(users.city_reviewer)
    url = reverse("unions:member_list", args=[tree.city.pk])
    seen = []
    for number, has_next in [(1, True), (2, True), (3, False)]:
        response = client.get(url, {"page": number})
        page = response.context["page_obj"]
        assert (page.number, page.has_next(), page.has_previous()) == (
            number,
            has_next,
            number > 1,
        )
        assert "Tìm thấy hơn 3 đoàn viên" in response.content.decode()
        seen += [member.full_name for member in page]
    assert seen == names
    # Past the end: an empty page that leads back, not an error.
    response = client.get(url, {"page": 9})
    assert list(response.context["page_obj"]) == []
    assert "?page=8" in response.content.decode()


def test_member_list_within_the_count_cap_is_numbered(client_for, users, tree, small_cap):
    MemberFactory.create_batch(3, unit=tree.unit_a)
    response = client_for(users.city_reviewer).get(
        reverse("unions:member_list", args=[tree.city.pk])
    )
    page = response.context["page_obj"]
    assert (page.paginator.count, page.paginator.num_pages) == (3, 2)
    assert "Tìm thấy 3 đoàn viên" in response.content.decode()
    assert "Trang 1/2" in response.content.decode()


@pytest.mark.parametrize("cap", [3, 100])
@pytest.mark.parametrize("q", ["", "nguyen thi", "Hằng"])
def test_member_list_pages_are_the_search_in_vietnamese_order(
    client_for, users, tree, small_cap, monkeypatch, cap, q
):
    """Paged on ids (unions.paging, rows=): page after page, past the cap or within it, the
    list shows exactly the members of the subtree that the search finds, in Vietnamese order,
    namesakes by id."""
    monkeypatch.setattr("unions.paging.COUNT_CAP", cap)
    names = ["Nguyễn Thị Hằng", "Trần Thị An", "Nguyễn Thị Hằng", "Lê Văn Đức", "Nguyễn Thị An"]
    for index, name in enumerate(names):
        MemberFactory(unit=[tree.unit_a, tree.group_a1, tree.unit_b][index % 3], full_name=name)
    MemberFactory(unit=tree.unit_c, full_name="Nguyễn Thị Hằng")  # outside the city
    expected = list(
        Member.objects.filter(unit__path__startswith=tree.city.path).search(q).in_vietnamese_order()
    )
    client = client_for(users.city_reviewer)
    url = reverse("unions:member_list", args=[tree.city.pk])
    seen, number = [], 1
    while True:
        page = client.get(url, {"q": q, "page": number}).context["page_obj"]
        seen += list(page)
        if not page.has_next():
            break
        number += 1
    assert seen == expected and len(expected) > 1


@pytest.mark.parametrize("rows", [1, 12])
def test_member_list_past_the_count_cap_query_count_does_not_grow(
    client_for, users, tree, rows, small_cap, django_assert_num_queries
):
    MemberFactory.create_batch(rows, unit=tree.unit_a, full_name="Nguyễn Thị Hằng")
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(9):  # the same as within the cap
        response = client.get(
            reverse("unions:member_list", args=[tree.city.pk]), {"q": "nguyen thi", "page": 2}
        )
    assert response.status_code == 200


@pytest.mark.parametrize("children", [1, 40])
def test_unit_detail_and_tree_query_counts_do_not_grow(
    client_for, users, tree, children, django_assert_num_queries
):
    for _ in range(children):
        unit = make_unit(tree.unit_b)
        MemberFactory(unit=unit)
    tree.unit_b.refresh_from_db()
    client = client_for(users.city_reviewer)
    # A full page: the navigation's badges (one query); the unit's page, its commendations.
    for url, queries in [
        (reverse("unions:unit_detail", args=[tree.unit_b.pk]), 13),
        (reverse("unions:unit_children", args=[tree.unit_b.pk]), 6),
        (reverse("unions:unit_tree"), 7),
        (reverse("home"), 10),
    ]:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_unit_detail_totals_count_the_active_members_of_the_subtree(client_for, users, tree):
    MemberFactory.create_batch(2, unit=tree.unit_a, gender=Gender.FEMALE)
    MemberFactory(unit=tree.group_a1, gender=Gender.MALE)
    MemberFactory(unit=tree.unit_b, gender=Gender.FEMALE, status="left")
    MemberFactory(unit=tree.unit_c, gender=Gender.FEMALE)
    response = client_for(users.city_reviewer).get(
        reverse("unions:unit_detail", args=[tree.city.pk])
    )
    assert response.context["totals"] == {"members": 3, "women": 2}
    assert round(response.context["women_share"], 1) == 66.7
    response = client_for(users.city_reviewer).get(
        reverse("unions:unit_detail", args=[tree.unit_b.pk])
    )
    assert (response.context["totals"], response.context["women_share"]) == (
        {"members": 0, "women": 0},
        0,
    )


def test_unit_children_show_subtree_member_counts(client_for, users, tree):
    MemberFactory.create_batch(2, unit=tree.unit_a)
    MemberFactory.create_batch(3, unit=tree.group_a1)
    response = client_for(users.city_reviewer).get(
        reverse("unions:unit_children", args=[tree.city.pk])
    )
    counts = {unit.code: unit.member_count for unit in response.context["units"]}
    assert counts == {"HN-A": 5, "HN-B": 0}


def test_member_create_by_officer(client_for, users, tree):
    response = client_for(users.officer_a).post(
        reverse("unions:member_create", args=[tree.unit_a.pk]),
        {
            "full_name": "  Phạm   Thu Hà ",
            "gender": Gender.FEMALE,
            "date_of_birth": "17/05/1988",
            "status": "active",
        },
    )
    member = Member.objects.get()
    assert response.status_code == 302
    assert (member.full_name, member.unit, member.date_of_birth.isoformat()) == (
        "Phạm Thu Hà",
        tree.unit_a,
        "1988-05-17",
    )


def test_member_create_with_bad_date_changes_nothing(client_for, users, tree):
    response = client_for(users.officer_a).post(
        reverse("unions:member_create", args=[tree.unit_a.pk]),
        {"full_name": "Phạm Thu Hà", "gender": Gender.FEMALE, "date_of_birth": "31/02/1988",
         "status": "active"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "date_of_birth" in response.context["form"].errors
    assert Member.objects.count() == 0


def test_member_name_with_html_is_escaped(client_for, users, tree):
    member = MemberFactory(unit=tree.unit_a, full_name="<script>alert(1)</script> Hà")
    client = client_for(users.officer_a)
    for url in [
        reverse("unions:member_detail", args=[member.pk]),
        reverse("unions:member_list", args=[tree.unit_a.pk]),
    ]:
        content = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Hà" in content


def test_member_move_by_city_officer(client_for, users, tree, member_a):
    response = client_for(users.city_officer).post(
        reverse("unions:member_move", args=[member_a.pk]),
        {"to_unit": tree.unit_b.pk, "note": "Chuyển công tác"},
    )
    member_a.refresh_from_db()
    assert response.status_code == 302
    assert member_a.unit == tree.unit_b


def test_member_move_offers_only_managed_units(client_for, users, tree, member_a):
    response = client_for(users.officer_a).post(
        reverse("unions:member_move", args=[member_a.pk]), {"to_unit": tree.unit_b.pk}
    )
    member_a.refresh_from_db()
    assert response.status_code == 200
    assert "to_unit" in response.context["form"].errors
    assert member_a.unit == tree.unit_a


# --- Accounts: created by an officer of the level above, invited by email ---------------------


def test_invitation_creates_account_role_and_email(
    client_for, users, tree, django_user_model, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(users.city_officer).post(
            reverse("unions:unit_roles", args=[tree.unit_a.pk]),
            {
                "full_name": "Đỗ Minh Châu",
                "username": "chau.do",
                "email": "Chau.Do@example.vn",
                "role": Role.OFFICER,
            },
        )
    assert response.status_code == 302
    invited = django_user_model.objects.get(username="chau.do")
    assert not invited.has_usable_password()
    assert RoleAssignment.objects.filter(user=invited, unit=tree.unit_a, role="officer").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chau.do@example.vn"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_invitation_link_lets_the_user_set_a_password(
    client_for, users, tree, django_capture_on_commit_callbacks
):
    client = client_for(users.city_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("unions:unit_roles", args=[tree.unit_a.pk]),
            {"full_name": "Đỗ Minh Châu", "username": "chau.do", "email": "chau@example.vn",
             "role": Role.OFFICER},
        )  # fmt: skip
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    client.logout()
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    response = client.post(
        form_url, {"password1": "Hoa-sen-2026!", "password2": "Hoa-sen-2026!"}, follow=True
    )
    assert response.status_code == 200
    assert client.login(username="chau.do", password="Hoa-sen-2026!")


def test_invitation_by_officer_of_same_level_is_forbidden(
    client_for, users, tree, django_user_model
):
    response = client_for(users.officer_b).post(
        reverse("unions:unit_roles", args=[tree.unit_b.pk]),
        {"full_name": "X", "username": "x", "email": "x@example.vn", "role": Role.OFFICER},
    )
    assert response.status_code == 403
    assert not django_user_model.objects.filter(username="x").exists()


def test_invitation_with_taken_username_changes_nothing(client_for, users, tree):
    response = client_for(users.city_officer).post(
        reverse("unions:unit_roles", args=[tree.unit_a.pk]),
        {"full_name": "X", "username": "officer_b", "email": "new@example.vn", "role": "officer"},
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert len(mail.outbox) == 0


def test_open_signup_is_closed(client, db, django_user_model):
    client.post(
        reverse("account_signup"),
        {"username": "intruder", "email": "i@example.vn", "password1": "Xx-123456!",
         "password2": "Xx-123456!"},
    )  # fmt: skip
    assert not django_user_model.objects.filter(username="intruder").exists()


def test_login_by_email_works(client, users):
    response = client.post(
        reverse("account_login"), {"login": "officer_a@example.vn", "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == users.officer_a


def test_revoke_role_by_officer_above(client_for, users, tree):
    assignment = users.officer_a.role_assignments.get()
    response = client_for(users.city_officer).post(
        reverse("unions:role_revoke", args=[assignment.pk])
    )
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_revoke_role_outside_scope_is_not_found(client_for, users):
    assignment = users.officer_a.role_assignments.get()
    response = client_for(users.outsider).post(reverse("unions:role_revoke", args=[assignment.pk]))
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


# --- Hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", [{"status": "99999999999999999999"}, {"page": "abc"}, {"page": "99999999999999999999"}]
)
def test_member_list_filter_or_page_that_does_not_exist_is_not_found(
    client_for, users, tree, member_a, query
):
    url = reverse("unions:member_list", args=[tree.unit_a.pk])
    assert client_for(users.officer_a).get(url, query).status_code == 404


def test_member_list_search_too_long_says_so(client_for, users, tree, member_a):
    response = client_for(users.officer_a).get(
        reverse("unions:member_list", args=[tree.unit_a.pk]), {"q": "x" * 101}
    )
    assert response.status_code == 200
    assert "text-danger" in response.content.decode()
    assert response.context["form"].errors["q"]


@pytest.mark.parametrize("typed", ["CD  0012345", "CD\u200b 0012345", "\u202eCD 0012345"])
def test_member_card_number_taken_once_cleaned_is_refused_on_the_form(
    client_for, users, tree, typed
):
    """It was checked as typed and stored cleaned: the save then failed on the constraint."""
    MemberFactory(unit=tree.unit_b, card_number="CD 0012345")
    response = client_for(users.officer_a).post(
        reverse("unions:member_create", args=[tree.unit_a.pk]),
        {"full_name": "Lê Văn An", "gender": Gender.MALE, "status": "active", "card_number": typed},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["card_number"]
    assert not tree.unit_a.members.exists()


def test_member_name_made_of_invisible_characters_is_required(client_for, users, tree):
    response = client_for(users.officer_a).post(
        reverse("unions:member_create", args=[tree.unit_a.pk]),
        {"full_name": "\u200b\u202e\ufeff", "gender": Gender.MALE, "status": "active"},
    )
    assert response.context["form"].errors["full_name"]
    assert not tree.unit_a.members.exists()


@pytest.mark.parametrize("born", ["31/12/1899", "01/01/2101", "01/01/0001", "31/12/9999"])
def test_member_date_of_birth_outside_1900_2100_is_refused(client_for, users, tree, born):
    response = client_for(users.officer_a).post(
        reverse("unions:member_create", args=[tree.unit_a.pk]),
        {"full_name": "Lê Văn An", "gender": Gender.MALE, "status": "active",
         "date_of_birth": born},
    )  # fmt: skip
    assert response.context["form"].errors["date_of_birth"] == [
        "Hãy nhập một ngày trong khoảng từ năm 1900 đến năm 2100."
    ]
    assert not tree.unit_a.members.exists()
