"""Dashboards: the numbers of the known dataset (conftest.py) counted by hand, who may see
them, and a number of queries that does not grow with the units and members below."""

import json
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import services
from awards.models import NominationState
from commendations import services as commendation_services
from commendations.models import Commendation
from movements.models import Movement, MovementKind, MovementState
from reports import dashboards, views
from tests.factories import (
    MemberFactory,
    backdate_approvals,
    make_movement,
    make_unit,
    nominate,
    register,
)
from unions.models import Gender, Unit

S = NominationState
THIS_YEAR = timezone.localdate().year


def _build(movement, unit, round_=None):
    return dashboards.build(dashboards.Scope(movement=movement, unit=unit, round=round_))


def _children(dashboard):
    return [
        (
            row.unit.code,
            row.is_self,
            row.nominations,
            row.awaiting,
            row.approved,
            row.registered,
            row.registered_members,
            row.members,
            row.member_coverage,
        )
        for row in dashboard.children
    ]


# --- The numbers ------------------------------------------------------------------------------


def test_city_dashboard_counts_nominations_by_state(tree, movement, dataset):
    dashboard = _build(movement, tree.city)
    assert {row["state"]: row["count"] for row in dashboard.states} == {
        S.DRAFT: 1,
        S.SUBMITTED: 0,
        S.UNDER_REVIEW: 0,
        S.FORWARDED: 0,
        S.SENT_BACK: 0,
        S.RETURNED: 1,
        S.APPROVED: 2,
        S.REJECTED: 1,
        S.WITHDRAWN: 0,
    }
    assert dashboard.total == 5


def test_city_dashboard_counts_by_child_unit_and_registration_coverage(tree, movement, dataset):
    dashboard = _build(movement, tree.city)
    assert _children(dashboard) == [
        ("HN-A", False, 3, 0, 1, True, 3, 4, 75.0),
        ("HN-B", False, 2, 0, 1, True, 1, 2, 50.0),
    ]
    assert dashboard.coverage == {
        "units": 2,
        "registered_units": 2,
        "units_percent": 100.0,
        "members": 6,
        "registered_members": 4,
        "members_percent": 66.7,
    }


def test_grassroots_dashboard_has_a_row_for_the_unit_itself(tree, movement, dataset):
    dashboard = _build(movement, tree.unit_a)
    assert _children(dashboard) == [
        ("HN-A", True, 2, 0, 1, True, 2, 3, 66.7),
        ("HN-A-1", False, 1, 0, 0, True, 1, 1, 100.0),
    ]
    assert dashboard.coverage["registered_units"] == 1
    assert dashboard.coverage["units"] == 1


def test_national_dashboard_includes_every_city(tree, movement, dataset):
    dashboard = _build(movement, tree.national)
    assert _children(dashboard) == [
        ("HN", False, 5, 0, 2, True, 4, 6, 66.7),
        ("DN", False, 1, 1, 0, True, 1, 1, 100.0),
    ]
    assert dashboard.total == 6


def test_city_dashboard_counts_by_award_kind(tree, movement, dataset):
    dashboard = _build(movement, tree.city)
    assert [(row["code"], row["count"], row["approved"]) for row in dashboard.award_kinds] == [
        ("BK-HN", 2, 1),
        ("BK-CDVC", 1, 1),
        ("LDTT", 1, 0),
        ("TTLDTT", 1, 0),
    ]


def test_city_dashboard_counts_by_gender(tree, movement, dataset):
    dashboard = _build(movement, tree.city)
    assert [
        (row["gender"], row["members"], row["members_percent"], row["nominations"], row["approved"])
        for row in dashboard.genders
    ] == [
        (Gender.FEMALE, 4, 66.7, 2, 2),
        (Gender.MALE, 2, 33.3, 2, 0),
        ("collective", None, None, 1, 0),
    ]


def test_city_dashboard_approval_rate_per_level(tree, movement, dataset):
    dashboard = _build(movement, tree.city)
    assert [
        (
            row["level"],
            row["approved"],
            row["forwarded"],
            row["returned"],
            row["rejected"],
            row["rate"],
        )
        for row in dashboard.levels
    ] == [
        ("provincial", 1, 1, 1, 1, 50.0),
        ("national", 1, 0, 0, 0, 100.0),
    ]


def test_dashboard_counts_approved_awards_per_year_over_the_phase(tree, movement, dataset):
    dashboard = _build(movement, tree.city)
    assert dashboard.years == [
        {"year": year, "count": 2 if year == THIS_YEAR else 0, "commended": 0}
        for year in range(2019, THIS_YEAR + 1)
    ]


def test_dashboard_counts_standing_commendations_per_year_of_their_decision(
    users, tree, kinds, movement, dataset
):
    n1 = backdate_approvals([dataset.nominations["n1"]], datetime(2024, 5, 2, tzinfo=UTC))[0]
    decision = commendation_services.create_decision(
        actor=users.clerk,
        issuing_unit=tree.city,
        award_kind=kinds.bk_city,
        nominations=[n1],
        number="45/QĐ-CĐVCHN",
        date=date(2024, 5, 19),
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )
    commendation_services.issue_decision(decision, actor=users.clerk)
    years = {row["year"]: row["commended"] for row in _build(movement, tree.city).years}
    assert (years[2024], sum(years.values())) == (1, 1)
    assert _build(movement, tree.unit_b).years[5]["commended"] == 0
    commendation_services.revoke_commendation(
        Commendation.objects.get(nomination=n1),
        actor=users.clerk,
        number="60/QĐ-CĐVCHN",
        date=date(2024, 7, 1),
        reason="Thành tích không đúng sự thật",
    )
    years = {row["year"]: row["commended"] for row in _build(movement, tree.city).years}
    assert sum(years.values()) == 0


def test_dashboard_of_one_round_counts_only_that_round(tree, movement, round_, dataset):
    other = movement.rounds.create(name="Đợt 2", year=THIS_YEAR + 1, opens_on=round_.opens_on)
    assert _build(movement, tree.city, other).total == 0
    assert _build(movement, tree.city, other).years == [
        {"year": THIS_YEAR + 1, "count": 0, "commended": 0}
    ]
    assert _build(movement, tree.city, round_).total == 5


def test_dashboard_of_another_movement_counts_nothing_of_this_one(tree, movement, dataset):
    other = Movement.objects.create(
        code="KHAC",
        title_vi="Phong trào khác",
        launching_unit=tree.city,
        kind=MovementKind.REGULAR,
        starts_on=timezone.localdate(),
        state=MovementState.OPEN,
    )
    dashboard = _build(other, tree.city)
    assert (dashboard.total, dashboard.coverage["registered_members"]) == (0, 0)
    assert dashboard.coverage["members"] == 6


def test_dashboard_page_shows_the_numbers_in_tables_and_chart_data(
    client_for, users, tree, movement, dataset
):
    response = client_for(users.city_reviewer).get(
        reverse("reports:unit_dashboard", args=[tree.city.pk]), {"movement": movement.pk}
    )
    assert response.status_code == 200
    charts = response.context["charts"]
    assert charts["children"]["labels"] == ["Công đoàn cơ sở A", "Công đoàn cơ sở B"]
    assert charts["children"]["series"][0]["data"] == [3, 2]
    assert charts["levels"]["series"][0]["data"] == [50.0, 100.0]
    content = response.content.decode()
    embedded = content.split('<script id="dashboard-charts" type="application/json">')[1]
    assert json.loads(embedded.split("</script>")[0]) == charts
    assert 'data-testid="table-children"' in content
    assert "/static/vendor/chart.umd.min." in content


def test_dashboard_page_escapes_unit_names(client_for, users, tree, movement, dataset):
    tree.unit_b.name = '<script>alert("x")</script>'
    tree.unit_b.save()
    content = (
        client_for(users.city_reviewer)
        .get(reverse("reports:unit_dashboard", args=[tree.city.pk]), {"movement": movement.pk})
        .content.decode()
    )
    assert '<script>alert("x")</script>' not in content
    assert "\\u003Cscript\\u003E" in content  # in the chart data, escaped by json_script


def test_dashboard_page_defaults_to_the_latest_movement(client_for, users, tree, movement):
    response = client_for(users.officer_a).get(
        reverse("reports:unit_dashboard", args=[tree.unit_a.pk])
    )
    assert response.context["dashboard"].scope.movement == movement


def test_dashboard_page_opens_on_the_latest_movement_the_unit_takes_part_in(
    client_for, users, tree, movement, kinds, member_a
):
    register(movement.rounds.first(), member_a)
    newer = make_movement(tree.national, code="MOI")
    newer.starts_on = movement.starts_on
    newer.save()
    response = client_for(users.officer_a).get(
        reverse("reports:unit_dashboard", args=[tree.unit_a.pk])
    )
    assert response.context["dashboard"].scope.movement == movement
    register(newer.rounds.first(), member_a)
    response = client_for(users.officer_a).get(
        reverse("reports:unit_dashboard", args=[tree.unit_a.pk])
    )
    assert response.context["dashboard"].scope.movement == newer


def test_dashboard_page_without_any_movement_says_so(client_for, users, tree):
    response = client_for(users.officer_a).get(
        reverse("reports:unit_dashboard", args=[tree.unit_a.pk])
    )
    assert response.status_code == 200
    assert (response.context["dashboard"], response.context["no_movement"]) == (None, True)


def test_dashboard_page_refuses_a_movement_the_user_may_not_read(client_for, users, tree):
    draft = Movement.objects.create(
        code="NHAP",
        title_vi="Phong trào đang soạn",
        launching_unit=tree.national,
        kind=MovementKind.REGULAR,
        starts_on=timezone.localdate(),
        state=MovementState.DRAFT,
    )
    response = client_for(users.officer_a).get(
        reverse("reports:unit_dashboard", args=[tree.unit_a.pk]), {"movement": draft.pk}
    )
    assert response.status_code == 200
    assert response.context["dashboard"] is None
    assert response.context["form"].errors["movement"]


# --- Who sees a dashboard ---------------------------------------------------------------------


# The permission matrix of the dashboards: each named user and the anonymous visitor, on unit A
# and on unit C of the other city ("inside" and "outside" for the city's staff), and on a
# movement launched by the city of Hanoi and one launched by the other city. "opens": the
# movement's dashboard redirects to the unit dashboard where the user starts; "login": sent to
# sign in.
DASHBOARD_MATRIX = {
    # user: (unit A, unit C), (Hanoi's movement, the other city's)
    "officer_a": ((200, 404), ("opens", 404)),
    "officer_b": ((404, 404), ("opens", 404)),
    "city_officer": ((200, 404), ("opens", 404)),
    "city_reviewer": ((200, 404), ("opens", 404)),
    "national_reviewer": ((200, 200), ("opens", "opens")),
    "clerk": ((200, 404), ("opens", 404)),
    "outsider": ((404, 200), (404, "opens")),
    "nobody": ((404, 404), (404, 404)),
    None: (("login", "login"), ("login", "login")),
}


def _outcome(response):
    if response.status_code == 302:
        if response["Location"].startswith(reverse("account_login")):
            return "login"
        assert response["Location"].startswith("/units/")
        return "opens"
    return response.status_code


@pytest.mark.parametrize("user_name", list(DASHBOARD_MATRIX))
def test_dashboards_permission_matrix(client_for, users, tree, movement, user_name):
    movements = [
        Movement.objects.create(
            code=code, title_vi=code, launching_unit=unit, kind=MovementKind.REGULAR,
            starts_on=timezone.localdate(), state=MovementState.OPEN,
        )
        for code, unit in (("HN-2025", tree.city), ("DN-2025", tree.other_city))
    ]  # fmt: skip
    client = client_for(getattr(users, user_name) if user_name else None)
    units, movements_expected = DASHBOARD_MATRIX[user_name]
    got = tuple(
        _outcome(client.get(reverse("reports:unit_dashboard", args=[unit.pk])))
        for unit in (tree.unit_a, tree.unit_c)
    )
    assert got == units
    got = tuple(
        _outcome(client.get(reverse("reports:movement_dashboard", args=[m.pk]))) for m in movements
    )
    assert got == movements_expected


@pytest.mark.parametrize(
    ("user", "unit", "status"),
    [
        ("city_reviewer", "city", 200),
        ("city_officer", "unit_a", 200),
        ("clerk", "unit_b", 200),
        ("officer_a", "unit_a", 200),
        ("officer_a", "group_a1", 200),
        ("officer_a", "unit_b", 404),
        ("officer_a", "city", 404),
        ("officer_b", "unit_a", 404),
        ("city_reviewer", "national", 404),
        ("city_reviewer", "other_city", 404),
        ("national_reviewer", "national", 200),
        ("national_reviewer", "unit_c", 200),
        ("outsider", "unit_c", 200),
        ("outsider", "city", 404),
        ("nobody", "unit_a", 404),
    ],
)
def test_unit_dashboard_is_shown_to_readers_of_the_unit_only(
    client_for, users, tree, movement, user, unit, status
):
    url = reverse("reports:unit_dashboard", args=[getattr(tree, unit).pk])
    response = client_for(getattr(users, user)).get(url, {"movement": movement.pk})
    assert response.status_code == status


def test_unit_dashboard_of_an_unknown_unit_is_404(client_for, users, tree):
    response = client_for(users.city_reviewer).get(reverse("reports:unit_dashboard", args=[999999]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("user", "unit"),
    [
        ("national_reviewer", "national"),
        ("city_reviewer", "city"),
        ("officer_a", "unit_a"),
        ("outsider", "unit_c"),
    ],
)
def test_movement_dashboard_opens_at_the_highest_unit_the_user_reads(
    client_for, users, tree, movement, user, unit
):
    response = client_for(getattr(users, user)).get(
        reverse("reports:movement_dashboard", args=[movement.pk])
    )
    expected = reverse("reports:unit_dashboard", args=[getattr(tree, unit).pk])
    assert response.status_code == 302
    assert response["Location"] == f"{expected}?movement={movement.pk}"


def test_movement_dashboard_is_404_for_a_user_who_may_not_read_the_movement(
    client_for, users, tree, movement
):
    launched_in_hanoi = Movement.objects.create(
        code="HN-2025",
        title_vi="Phong trào của Hà Nội",
        launching_unit=tree.city,
        kind=MovementKind.REGULAR,
        starts_on=timezone.localdate(),
        state=MovementState.OPEN,
    )
    url = reverse("reports:movement_dashboard", args=[launched_in_hanoi.pk])
    assert client_for(users.outsider).get(url).status_code == 404
    assert client_for(users.nobody).get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["reports:dashboard_index", "reports:movement_dashboard", "reports:unit_dashboard"]
)
def test_dashboards_send_anonymous_users_to_sign_in(client_for, tree, movement, name):
    args = [] if name == "reports:dashboard_index" else [tree.city.pk]
    response = client_for(None).get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_dashboard_index_lists_the_movements_the_user_may_read(client_for, users, movement):
    response = client_for(users.officer_a).get(reverse("reports:dashboard_index"))
    assert list(response.context["page_obj"]) == [movement]
    response = client_for(users.nobody).get(reverse("reports:dashboard_index"))
    assert list(response.context["page_obj"]) == []


def test_unit_page_links_to_its_dashboard(client_for, users, tree):
    content = client_for(users.officer_a).get(tree.unit_a.get_absolute_url()).content.decode()
    assert reverse("reports:unit_dashboard", args=[tree.unit_a.pk]) in content


# --- The cost does not grow with the subtree --------------------------------------------------


def _grow(users, tree, round_, kinds, units):
    """`units` more grassroots unions under the city, each with members, registrations and a
    nomination approved by the city."""
    for number in range(units):
        unit = make_unit(tree.city, name=f"Công đoàn cơ sở {number}")
        members = [
            MemberFactory(unit=unit, gender=Gender.FEMALE if i % 2 else Gender.MALE)
            for i in range(3)
        ]
        for member in members[:2]:
            register(round_, member)
        nomination = nominate(
            round_, kinds.bk_city, actor=users.city_officer, member=members[0], submit=True
        )
        services.approve_nomination(nomination, actor=users.city_reviewer)


@pytest.mark.parametrize("units", [1, 15])
def test_dashboard_query_count_does_not_grow_with_units_and_members(
    client_for, users, tree, movement, round_, kinds, units, django_assert_num_queries
):
    _grow(users, tree, round_, kinds, units)
    client = client_for(users.city_reviewer)
    url = reverse("reports:unit_dashboard", args=[tree.city.pk])
    # With the navigation's badges (one query) and the dashboards' data version (one): the
    # first request counts (five queries), the next reads the counts from the cache. The
    # filter's movements and rounds are read once each, as plain choices.
    with django_assert_num_queries(17):
        response = client.get(url, {"movement": movement.pk})
    assert len(response.context["dashboard"].children) == units + 2
    assert response.context["dashboard"].total == units
    with django_assert_num_queries(12):
        again = client.get(url, {"movement": movement.pk})
    assert again.context["dashboard"].total == units
    assert again.context["dashboard"].coverage == response.context["dashboard"].coverage


def _table_units(content, testid):
    table = content.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return [row.split("</td>")[0] for row in body.split("<tr>")[1:]]


def test_dashboard_tables_of_the_units_below_are_paginated(
    client_for, users, tree, movement, round_, kinds, monkeypatch, django_assert_num_queries
):
    """A province has hundreds of units directly below it: the tables show one page of them,
    the next page the rest, at the same cost; the charts and the totals still count them all."""
    monkeypatch.setattr(views, "CHILDREN_PER_PAGE", 3)
    _grow(users, tree, round_, kinds, 2)  # with units A and B: four units below the city
    client = client_for(users.city_reviewer)
    url = reverse("reports:unit_dashboard", args=[tree.city.pk])
    first = client.get(url, {"movement": movement.pk})
    with django_assert_num_queries(12):  # the same as one page of all the units (above)
        second = client.get(url, {"movement": movement.pk, "page": 2})
    pages = [first.content.decode(), second.content.decode()]
    names = [unit.display_name for unit in Unit.objects.get_children(tree.city).order_by("path")]
    assert len(names) == 4
    for testid in ("table-children", "table-coverage"):
        shown = [_table_units(content, testid) for content in pages]
        assert [len(rows) for rows in shown] == [3, 1]
        assert [next(n for n in names if n in row) for row in shown[0] + shown[1]] == names
    # The charts and the totals do not depend on the page.
    assert first.context["charts"] == second.context["charts"]
    assert len(first.context["charts"]["children"]["labels"]) == 4
    assert second.context["dashboard"].coverage["units"] == 4
    # The pages' links keep the movement; a unit's link drops the page number.
    assert f"?movement={movement.pk}&amp;page=2" in pages[0]
    assert second.context["children_page"].number == 2 and "Trang 2/2" in pages[1]
    assert "page=2" not in pages[1].split('data-testid="table-children"')[1].split("</tbody>")[0]
    assert client.get(url, {"movement": movement.pk, "page": "x"}).status_code == 404


@pytest.mark.parametrize("rows", [1, 30])
def test_dashboard_index_query_count_does_not_grow(
    client_for, users, tree, rows, django_assert_num_queries
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
    client = client_for(users.officer_a)
    with django_assert_num_queries(7):  # with the navigation's badges (one query)
        response = client.get(reverse("reports:dashboard_index"))
    assert len(response.context["page_obj"]) == min(rows, 25)


def test_bar_charts_of_many_units_show_the_busiest_and_the_most_lagging():
    rows = [
        dashboards.ChildRow(
            unit=Unit(path=f"0001{n:04d}", name=f"CĐCS {n}"),
            nominations=n,
            registered_members=n,
            members=100,
        )
        for n in range(dashboards.CHART_LIMIT + 5)
    ]
    dashboard = dashboards.Dashboard(scope=None, children=rows)
    charts = dashboard.charts()
    assert dashboard.children_truncated is True
    limit = dashboards.CHART_LIMIT
    assert charts["children"]["series"][0]["data"] == list(range(5, limit + 5))
    assert charts["coverage"]["series"][0]["data"] == [float(n) for n in range(limit)]
    assert (
        len(dashboards.Dashboard(scope=None, children=rows[:30]).charts()["children"]["labels"])
        == 30
    )
