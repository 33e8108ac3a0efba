"""The public honour roll: only published, standing commendations of issued decisions, with
their citation escaped, filtered by unit and year, paginated, open to everyone."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import Nomination
from commendations import services as commendation_services
from commendations.models import Commendation, Decision
from movements.models import Movement, MovementKind, MovementState
from reports.views import HONOUR_ROLL_PER_PAGE
from tests.factories import MemberFactory, backdate_approvals, nominate, register

XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def no_rendering(settings, tmp_path):
    """Issuing queues the certificates' rendering on commit; these tests never commit, and any
    file would go to a folder of the test's own."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


def _approved(users, tree, round_, kinds, name, unit, **fields):
    member = MemberFactory(unit=unit, full_name=name)
    register(round_, member)
    officer = users.officer_a if unit == tree.unit_a else users.officer_b
    nomination = nominate(
        round_, kinds.bk_city, actor=officer, member=member, submit=True, **fields
    )
    approved = services.approve_nomination(nomination, actor=users.city_reviewer)
    # Decided before the decisions below are dated.
    return backdate_approvals([approved], datetime(2024, 11, 1, tzinfo=UTC))[0]


def _issue(users, tree, kinds, nominations, number, day):
    decision = commendation_services.create_decision(
        actor=users.clerk,
        issuing_unit=tree.city,
        award_kind=kinds.bk_city,
        nominations=nominations,
        number=number,
        date=day,
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )
    return commendation_services.issue_decision(decision, actor=users.clerk)


@pytest.fixture
def honoured(users, tree, round_, kinds):
    """Hằng (published, 2025), Hùng (not publishable), Anh (published, then revoked),
    Bình (published, 2024), Mai (published, approved, in a draft decision only)."""

    def approved(name, unit, publishable=True, citation=""):
        return _approved(
            users, tree, round_, kinds, name, unit,
            publishable=publishable, public_citation=citation,
        )  # fmt: skip

    hang = approved("Nguyễn Thị Hằng", tree.unit_a, citation=f"Nhiều sáng kiến {XSS}")
    hung = approved("Trần Văn Hùng", tree.unit_a, publishable=False, citation="Không công bố")
    anh = approved("Lê Minh Anh", tree.unit_b, citation="Đã bị thu hồi")
    binh = approved("Hoàng Văn Bình", tree.unit_b, citation="Gương mẫu")
    mai = approved("Vũ Thị Mai", tree.unit_b, citation="Chưa có quyết định")
    _issue(users, tree, kinds, [hang, hung, anh], "45/QĐ-CĐVCHN", date(2025, 5, 19))
    _issue(users, tree, kinds, [binh], "12/QĐ-CĐVCHN", date(2024, 12, 1))
    commendation_services.create_decision(
        actor=users.clerk,
        issuing_unit=tree.city,
        award_kind=kinds.bk_city,
        nominations=[mai],
        number="50/QĐ-CĐVCHN",
        date=date(2025, 6, 1),
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )
    commendation_services.revoke_commendation(
        anh.commendation,
        actor=users.clerk,
        number="60/QĐ-CĐVCHN",
        date=date(2025, 7, 1),
        reason="Thành tích không đúng sự thật",
    )
    return {"hang": hang, "hung": hung, "anh": anh, "binh": binh, "mai": mai}


def _names(response):
    return [c.awardee_name for c in response.context["page_obj"]]


def _roll(client, movement, **params):
    return client.get(reverse("reports:honour_roll", args=[movement.pk]), params)


def test_honour_roll_lists_only_published_standing_commendations(client_for, movement, honoured):
    response = _roll(client_for(None), movement)
    assert response.status_code == 200
    assert _names(response) == ["Nguyễn Thị Hằng", "Hoàng Văn Bình"]
    content = response.content.decode()
    for hidden in ("Trần Văn Hùng", "Không công bố", "Lê Minh Anh", "Vũ Thị Mai"):
        assert hidden not in content


def test_honour_roll_shows_unit_award_citation_and_a_link_to_verification(
    client_for, movement, honoured
):
    content = _roll(client_for(None), movement).content.decode()
    commendation = honoured["hang"].commendation
    assert commendation.unit_name in content
    assert "Bằng khen CĐVC thành phố" in content
    assert "Nhiều sáng kiến &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert XSS not in content
    assert reverse("commendations:verify", args=[commendation.verification_code]) in content
    assert "45/QĐ-CĐVCHN" in content and "19/05/2025" in content


def test_unpublishable_commendation_never_appears_under_any_filter(
    client_for, tree, movement, honoured
):
    client = client_for(None)
    for params in ({}, {"year": 2025}, {"unit": tree.city.pk}, {"page": 2}):
        assert "Trần Văn Hùng" not in _names(_roll(client, movement, **params))


def test_revoked_commendation_never_appears(client_for, movement, honoured):
    assert Commendation.objects.get(nomination=honoured["anh"]).is_revoked
    assert "Lê Minh Anh" not in _names(_roll(client_for(None), movement, year=2025))


def test_honour_roll_filters_by_year(client_for, movement, honoured):
    client = client_for(None)
    assert _names(_roll(client, movement, year=2025)) == ["Nguyễn Thị Hằng"]
    assert _names(_roll(client, movement, year=2024)) == ["Hoàng Văn Bình"]
    assert _roll(client, movement).context["form"].fields["year"].choices == [
        ("", "Tất cả các năm"),
        (2025, "2025"),
        (2024, "2024"),
    ]


def test_honour_roll_filters_by_province(client_for, tree, movement, honoured):
    client = client_for(None)
    assert _names(_roll(client, movement, unit=tree.city.pk)) == [
        "Nguyễn Thị Hằng",
        "Hoàng Văn Bình",
    ]
    assert _names(_roll(client, movement, unit=tree.other_city.pk)) == []


def test_honour_roll_refuses_a_unit_outside_the_movement_and_shows_nothing(
    client_for, tree, movement, honoured
):
    response = _roll(client_for(None), movement, unit=tree.unit_a.pk, year="abc")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"unit", "year"}
    assert _names(response) == []


def test_honour_roll_of_a_draft_or_unknown_movement_is_404(client_for, tree, movement):
    draft = Movement.objects.create(
        code="NHAP",
        title_vi="Phong trào đang soạn",
        launching_unit=tree.national,
        kind=MovementKind.REGULAR,
        starts_on=timezone.localdate(),
        state=MovementState.DRAFT,
    )
    client = client_for(None)
    assert _roll(client, draft).status_code == 404
    assert client.get(reverse("reports:honour_roll", args=[999999])).status_code == 404


@pytest.mark.parametrize("user", [None, "nobody", "outsider", "officer_a", "national_reviewer"])
def test_honour_roll_is_public(client_for, users, movement, honoured, user):
    client = client_for(getattr(users, user) if user else None)
    assert _names(_roll(client, movement)) == ["Nguyễn Thị Hằng", "Hoàng Văn Bình"]
    assert client.get(reverse("reports:honour_roll_index")).status_code == 200


def test_public_movement_list_counts_only_published_standing_commendations(
    client_for, tree, movement, honoured
):
    Movement.objects.create(
        code="NHAP",
        title_vi="Phong trào đang soạn",
        launching_unit=tree.national,
        kind=MovementKind.REGULAR,
        starts_on=timezone.localdate(),
        state=MovementState.DRAFT,
    )
    response = client_for(None).get(reverse("reports:honour_roll_index"))
    assert [(m.code, m.honoured) for m in response.context["page_obj"]] == [("TMGPVT", 2)]
    assert reverse("reports:honour_roll", args=[movement.pk]) in response.content.decode()


def test_honour_roll_is_paginated(client_for, users, tree, round_, kinds, movement):
    nominations = [
        _approved(users, tree, round_, kinds, f"Người {n:02d}", tree.unit_a, publishable=True)
        for n in range(HONOUR_ROLL_PER_PAGE + 2)
    ]
    _issue(users, tree, kinds, nominations, "1/QĐ-CĐVCHN", date(2025, 1, 2))
    client = client_for(None)
    assert len(_names(_roll(client, movement))) == HONOUR_ROLL_PER_PAGE
    assert len(_names(_roll(client, movement, page=2))) == 2


@pytest.mark.parametrize("rows", [1, 12])
def test_honour_roll_query_count_does_not_grow(
    client_for, users, tree, round_, kinds, movement, rows, django_assert_num_queries
):
    nominations = [
        _approved(users, tree, round_, kinds, f"Người {n:02d}", tree.unit_a, publishable=True)
        for n in range(rows)
    ]
    _issue(users, tree, kinds, nominations, "1/QĐ-CĐVCHN", date(2025, 1, 2))
    client = client_for(None)
    # The public data's version, the movement, its years, the unit of the filter, the roll's
    # length and page, the units of the filter's choices.
    with django_assert_num_queries(7):
        response = _roll(client, movement, year=2025, unit=tree.city.pk)
    assert len(_names(response)) == rows
    # Until what the public pages show changes, the years, the length and the page come from
    # the cache.
    with django_assert_num_queries(4):
        response = _roll(client, movement, year=2025, unit=tree.city.pk)
    assert len(_names(response)) == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_public_movement_list_query_count_does_not_grow(
    client_for, tree, rows, django_assert_num_queries
):
    for number in range(rows):
        Movement.objects.create(
            code=f"PT{number}",
            title_vi=f"Phong trào {number}",
            launching_unit=tree.national,
            kind=MovementKind.REGULAR,
            starts_on=timezone.localdate(),
            state=MovementState.OPEN,
        )
    client = client_for(None)
    with django_assert_num_queries(4):  # the version, the movements, their count, the counts
        response = client.get(reverse("reports:honour_roll_index"))
    assert len(response.context["page_obj"]) == rows
    # Until what the public pages show changes, how many each movement honours is cached.
    with django_assert_num_queries(3):
        response = client.get(reverse("reports:honour_roll_index"))
    assert len(response.context["page_obj"]) == rows


# --- Quick commendations (khen thưởng đột xuất): a roll of their own, outside any movement ---


def _quick_commendation(users, tree, kinds, name, *, publishable, citation=""):
    kinds.bk_city.allows_quick = True
    kinds.bk_city.save(update_fields=["allows_quick"])
    nomination = services.create_quick_nomination(
        actor=users.officer_a,
        proposing_unit=tree.unit_a,
        award_kind=kinds.bk_city,
        deed="trong việc cứu người bị đuối nước",
        deed_date=timezone.localdate() - timedelta(days=10),
        achievement="Đã cứu hai học sinh.",
        member=MemberFactory(unit=tree.unit_a, full_name=name),
        publishable=publishable,
        public_citation=citation,
    )
    nomination = services.submit_nomination(nomination, actor=users.officer_a)
    return services.approve_nomination(nomination, actor=users.city_reviewer)


@pytest.fixture
def quick_honoured(users, tree, kinds):
    """Dũng (published) and Hoa (not publishable), commended by one issued decision."""
    dung = _quick_commendation(
        users, tree, kinds, "Đỗ Văn Dũng", publishable=True, citation=f"Dũng cảm {XSS}"
    )
    hoa = _quick_commendation(users, tree, kinds, "Phạm Thị Hoa", publishable=False)
    _issue(users, tree, kinds, [dung, hoa], "70/QĐ-CĐVCHN", timezone.localdate())
    return {"dung": dung, "hoa": hoa}


def test_published_quick_commendations_have_their_own_roll(client_for, quick_honoured):
    client = client_for(None)
    response = client.get(reverse("reports:honour_roll_quick"))
    assert response.status_code == 200
    assert _names(response) == ["Đỗ Văn Dũng"]
    content = response.content.decode()
    assert "Phạm Thị Hoa" not in content
    assert "Dũng cảm &lt;script&gt;" in content and XSS not in content
    code = quick_honoured["dung"].commendation.verification_code
    assert reverse("commendations:verify", args=[code]) in content
    year = timezone.localdate().year
    assert _names(client.get(reverse("reports:honour_roll_quick"), {"year": year})) == [
        "Đỗ Văn Dũng"
    ]
    refused = client.get(reverse("reports:honour_roll_quick"), {"year": 1999})
    assert refused.status_code == 200 and _names(refused) == []


def test_the_index_links_the_quick_roll_with_its_count_only_when_it_has_someone(
    client_for, users, tree, kinds
):
    client = client_for(None)
    index = client.get(reverse("reports:honour_roll_index")).content.decode()
    assert 'data-testid="quick-honour-roll"' not in index
    dung = _quick_commendation(users, tree, kinds, "Đỗ Văn Dũng", publishable=True)
    _issue(users, tree, kinds, [dung], "71/QĐ-CĐVCHN", timezone.localdate())
    index = client.get(reverse("reports:honour_roll_index")).content.decode()
    assert 'data-testid="quick-honour-roll"' in index
    assert reverse("reports:honour_roll_quick") in index


def test_a_revoked_quick_commendation_leaves_the_roll(client_for, users, quick_honoured):
    commendation_services.revoke_commendation(
        quick_honoured["dung"].commendation,
        actor=users.clerk,
        number="72/QĐ-CĐVCHN",
        date=timezone.localdate(),
        reason="Thành tích không đúng sự thật",
    )
    assert _names(client_for(None).get(reverse("reports:honour_roll_quick"))) == []


@pytest.mark.parametrize("rows", [1, 6])
def test_quick_honour_roll_query_count_does_not_grow(
    client_for, users, tree, kinds, rows, django_assert_num_queries
):
    nominations = [
        _quick_commendation(users, tree, kinds, f"Người {n:02d}", publishable=True)
        for n in range(rows)
    ]
    _issue(users, tree, kinds, nominations, "73/QĐ-CĐVCHN", timezone.localdate())
    client = client_for(None)
    year = timezone.localdate().year
    with django_assert_num_queries(4):  # the version, the years, the length, the page
        response = client.get(reverse("reports:honour_roll_quick"), {"year": year})
    assert len(_names(response)) == rows
    # Until what the public pages show changes: the version only.
    with django_assert_num_queries(1):
        response = client.get(reverse("reports:honour_roll_quick"), {"year": year})
    assert len(_names(response)) == rows


# --- The public pages' cache follows every change of what they show ---------------------------


def _index_counts(client):
    page = client.get(reverse("reports:honour_roll_index")).context["page_obj"]
    return {movement.code: movement.honoured for movement in page}


def test_cached_public_pages_show_a_change_at_once(client_for, users, tree, movement, honoured):
    """Each write goes through the services or the ORM the way the app makes it; the next
    request shows it without waiting for any cache to expire."""
    client = client_for(None)
    assert _names(_roll(client, movement)) == ["Nguyễn Thị Hằng", "Hoàng Văn Bình"]
    assert _index_counts(client) == {"TMGPVT": 2}
    # A commendation revoked.
    commendation_services.revoke_commendation(
        honoured["binh"].commendation,
        actor=users.clerk,
        number="61/QĐ-CĐVCHN",
        date=date(2025, 7, 2),
        reason="Thành tích không đúng sự thật",
    )
    assert _names(_roll(client, movement)) == ["Nguyễn Thị Hằng"]
    assert _index_counts(client) == {"TMGPVT": 1}
    assert [c for c, _label in _roll(client, movement).context["form"].fields["year"].choices][
        1:
    ] == [2025]
    # A decision issued (Mai's draft).
    draft = Decision.objects.get(number="50/QĐ-CĐVCHN")
    commendation_services.issue_decision(draft, actor=users.clerk)
    assert _names(_roll(client, movement)) == ["Vũ Thị Mai", "Nguyễn Thị Hằng"]
    # A nomination no longer publishable, and a citation changed, by a queryset update.
    Nomination.objects.filter(pk=honoured["mai"].pk).update(publishable=False)
    assert _names(_roll(client, movement)) == ["Nguyễn Thị Hằng"]
    Nomination.objects.filter(pk=honoured["hang"].pk).update(public_citation="Tấm gương mới")
    assert "Tấm gương mới" in _roll(client, movement).content.decode()
    assert _index_counts(client) == {"TMGPVT": 1}
    # A movement taken back to draft leaves the index.
    Movement.objects.filter(pk=movement.pk).update(state=MovementState.DRAFT)
    assert _index_counts(client) == {}


def test_a_review_step_elsewhere_keeps_the_public_pages_cached(
    client_for, users, tree, round_, kinds, movement, honoured, django_assert_num_queries
):
    """Nominations change state all day long: that does not change what the public pages show,
    so they keep their counts and pages (a nomination is saved whole at each step)."""
    client = client_for(None)
    _roll(client, movement)
    member = MemberFactory(unit=tree.unit_a, full_name="Người mới")
    register(round_, member)
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True)
    services.approve_nomination(nomination, actor=users.city_reviewer)
    with django_assert_num_queries(3):  # the version, the movement, the filter's units
        response = _roll(client, movement)
    assert _names(response) == ["Nguyễn Thị Hằng", "Hoàng Văn Bình"]
