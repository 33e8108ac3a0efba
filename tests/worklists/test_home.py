"""Each role's home page is its worklist, and the navigation's badges count it: scoped to the
named users' units, in a number of queries that does not grow with the rows."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import scoping as award_scoping
from awards import services as award_services
from commendations import services as decision_services
from commendations.models import DecisionState, RenderState
from movements.models import Registration, RegistrationState, RoundDeadline
from tests.factories import (
    DecisionFactory,
    MemberFactory,
    UserFactory,
    grant,
    make_movement,
    nominate,
    register,
)
from unions.models import Role, UnitLevel


def _member(unit, round_, name):
    member = MemberFactory(unit=unit, full_name=name)
    register(round_, member)
    return member


def build_work(users, tree, round_, kinds, n):
    """`n` of each kind of work: drafts, returned and decided nominations of grassroots A,
    nominations of B awaiting the city committee, registrations of A to send, decisions of the
    city being drafted and failing to render."""
    officer, reviewer = users.officer_a, users.city_reviewer
    for index in range(n):
        nominate(round_, kinds.bk_city, actor=officer,
                 member=_member(tree.unit_a, round_, f"Nháp {index}"))  # fmt: skip
        returned = nominate(round_, kinds.bk_city, actor=officer, submit=True,
                            member=_member(tree.unit_a, round_, f"Trả lại {index}"))  # fmt: skip
        award_services.return_nomination(returned, actor=reviewer, reason=f"Thiếu biên bản {index}")
        approved = nominate(round_, kinds.bk_city, actor=officer, submit=True,
                            member=_member(tree.unit_a, round_, f"Đã duyệt {index}"))  # fmt: skip
        award_services.approve_nomination(approved, actor=reviewer)
        nominate(round_, kinds.bk_city, actor=users.officer_b, submit=True,
                 member=_member(tree.unit_b, round_, f"Chờ xét {index}"))  # fmt: skip
        Registration.objects.create(
            round=round_, unit=tree.unit_a, member=MemberFactory(unit=tree.unit_a),
            target_award=kinds.ldtt, state=RegistrationState.DRAFT,
        )  # fmt: skip
        DecisionFactory(issuing_unit=tree.city, award_kind=kinds.bk_city)
        DecisionFactory(issuing_unit=tree.city, award_kind=kinds.bk_city,
                        state=DecisionState.ISSUED, render_state=RenderState.FAILED)  # fmt: skip


@pytest.fixture
def soon(round_):
    """The grassroots and provincial deadlines of the round fall within the next 14 days."""
    RoundDeadline.objects.filter(round=round_, level=UnitLevel.GRASSROOTS).update(
        deadline=timezone.now() + timedelta(days=5)
    )
    RoundDeadline.objects.filter(round=round_, level=UnitLevel.PROVINCIAL).update(
        deadline=timezone.now() + timedelta(days=9)
    )


def home(client_for, user):
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_officers_worklist(client_for, users, tree, round_, kinds, soon):
    build_work(users, tree, round_, kinds, 1)
    page = home(client_for, users.officer_a)
    assert 'data-testid="worklist-officer"' in page
    assert "Nháp 0" in page  # being prepared
    assert "Trả lại 0" in page and "Thiếu biên bản 0" in page  # returned, with the reason
    deadline = round_.deadlines.get(level=UnitLevel.GRASSROOTS).deadline
    assert f"Send it again by {timezone.localtime(deadline):%d/%m/%Y %H:%M}" in page
    assert "Đã duyệt 0" in page  # a recent outcome
    assert 'data-testid="registrations-to-file"' in page  # a registration to send
    assert f"{timezone.localtime(deadline):%d/%m/%Y %H:%M}</strong>" in page  # deadline ahead
    assert 'data-testid="worklist-reviewer"' not in page
    assert 'data-testid="worklist-clerk"' not in page


def test_a_recent_outcome_shows_the_commendation(client_for, users, tree, round_, kinds):
    member = _member(tree.unit_a, round_, "Nguyễn Thị Hằng")
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True)
    award_services.approve_nomination(nomination, actor=users.city_reviewer)
    decision = decision_services.create_decision(
        actor=users.clerk, issuing_unit=tree.city, award_kind=kinds.bk_city,
        nominations=[nomination], number="12/QĐ-CĐVC", date=timezone.localdate(), place="Hà Nội",
        signer_name="Phan Văn Anh",
    )  # fmt: skip
    decision_services.issue_decision(decision, actor=users.clerk)
    page = home(client_for, users.officer_a)
    assert 'data-state="commended"' in page and "decision 12/QĐ-CĐVC" in page


def test_the_reviewers_worklist(client_for, users, tree, round_, kinds, soon):
    build_work(users, tree, round_, kinds, 2)
    kinds.bk_city.vote_threshold = "0.6667"
    kinds.bk_city.save()
    page = home(client_for, users.city_reviewer)
    assert 'data-testid="worklist-reviewer"' in page
    assert page.count('data-testid="awaiting-round"') == 1  # one movement and round
    assert page.index("Chờ xét 0") < page.index("Chờ xét 1")  # oldest first
    provincial = round_.deadlines.get(level=UnitLevel.PROVINCIAL).deadline
    assert f"deadline {timezone.localtime(provincial):%d/%m/%Y}" in page
    assert "2 nominations await your committee" in page
    assert "you still owe 2 scores" in page
    assert "2 council votes to record" in page
    assert "Nháp 0" not in page  # A's drafts are not the committee's business
    # The national committee has nothing yet.
    assert "0 nominations await your committee" in home(client_for, users.national_reviewer)


def test_a_score_given_is_no_longer_owed(client_for, users, tree, round_, kinds):
    build_work(users, tree, round_, kinds, 1)
    nomination = award_scoping.awaiting_decision_by(users.city_reviewer).get()
    scores = {c.pk: (10, "") for c in award_services.criteria_for(round_, "individual")}
    award_services.record_review_scores(nomination, actor=users.city_reviewer, scores=scores)
    assert "still owe" not in home(client_for, users.city_reviewer)


def test_the_clerks_worklist(client_for, users, tree, round_, kinds):
    build_work(users, tree, round_, kinds, 2)
    page = home(client_for, users.clerk)
    assert 'data-testid="worklist-clerk"' in page
    assert 'data-testid="awaiting-decision-count">2<' in page
    assert "Bằng khen CĐVC thành phố" in page
    assert page.count('data-state="failed"') == 2
    assert 'data-testid="worklist-officer"' not in page


def test_nobody_sees_another_units_work(client_for, users, tree, round_, kinds, soon):
    build_work(users, tree, round_, kinds, 1)
    for name in ("officer_b", "outsider", "nobody", "national_reviewer"):
        page = home(client_for, getattr(users, name))
        for word in ("Nháp 0", "Trả lại 0", "Thiếu biên bản", "Đã duyệt 0"):
            assert word not in page, (name, word)
    assert "Chờ xét 0" not in home(client_for, users.outsider)
    assert 'data-testid="worklist-clerk"' not in home(client_for, users.city_officer)


# --- The navigation's badges -----------------------------------------------------------------


BADGE = re.compile(r'data-testid="nav-badge-([a-z-]+)"[^>]*>(?:<span[^>]*>[^<]*</span>)?(\d+)')


def badges(page):
    return dict(BADGE.findall(page))


def test_the_navigation_counts_each_roles_work(client_for, users, tree, round_, kinds):
    build_work(users, tree, round_, kinds, 2)
    assert badges(home(client_for, users.officer_a)) == {
        "total": "4", "to-complete": "4", "registrations": "2",
    }  # fmt: skip
    assert badges(home(client_for, users.city_reviewer)) == {"total": "2", "awaiting": "2"}
    assert badges(home(client_for, users.clerk)) == {"total": "2", "to-decide": "2"}
    assert badges(home(client_for, users.outsider)) == {}


# --- Queries: the same number for one row of each kind as for many, in one movement or many ---

# The home page's queries: the session, the user and their roles (3), the navigation's badges and
# unread count, which the cards reuse (1: unions/nav_counts.py), the units of the roles, which the
# "my roles" and the "my units" cards share (1), the member totals of the "my units" card (the
# version of the counters, their sums coming from the cache on a second visit: 1), then each
# app's card: movements (the open movements, the deadlines of the
# next 14 days, and for an officer the registrations to send: 1 to 3), awards (officer: the counts
# of drafts and returned, the ids of the recent outcomes, then drafts, returned with their reason
# and deadline, outcomes: 2 to 5; reviewer: the counts and the queue with its deadlines: 1 to 2),
# commendations (clerk: 3). At most 20 for someone holding every role; the target at national
# scale is 20 (docs/benchmarks.md).
EXPECTED_QUERIES = {
    "officer_a": 14,
    "city_reviewer": 10,
    "clerk": 10,
    "guided_reviewer": 10,
    "every_role": 19,
}


def build_many(users, tree, round_, kinds, rows, movements):
    """`rows` of each kind of work in `movements` open movements of two rounds each (the named
    movement's one round counting for the first), on both lines of the tree: besides
    `build_work`, nominations of grassroots G for the national union's Bằng khen waiting for the
    guided union's committee."""
    rounds = [round_]
    for number in range(1, movements):
        movement = make_movement(tree.national, code=f"PT-HOME-{number}", rounds=2,
                                 requires_registration=True)  # fmt: skip
        movement.criteria.update(max_points=100)  # build_work scores 50 points
        rounds.extend(movement.rounds.all())
    for each in rounds:
        RoundDeadline.objects.filter(round=each).update(deadline=timezone.now() + timedelta(days=5))
        build_work(users, tree, each, kinds, rows)
        for index in range(rows):
            nominate(each, kinds.bk_national, actor=users.officer_g, submit=True,
                     member=_member(tree.unit_g, each, f"Tuyến hướng dẫn {index}"))  # fmt: skip


@pytest.fixture
def every_role(users, tree):
    """One account holding every role: officer of A, reviewer and clerk of the city (as the
    benchmark's grassroots officer does at national scale)."""
    account = UserFactory(username="every_role")
    grant(account, tree.unit_a, Role.OFFICER)
    grant(account, tree.city, Role.REVIEWER)
    grant(account, tree.city, Role.CLERK)
    users.every_role = account
    return account


def _home_queries(client, user):
    client.force_login(user)
    client.get(reverse("home"))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("movements", [1, 3])
@pytest.mark.parametrize("rows", [1, 3])
@pytest.mark.parametrize("user_name", list(EXPECTED_QUERIES))
def test_home_queries_do_not_grow_with_the_rows_or_the_movements(
    client, users, tree, round_, kinds, every_role, user_name, rows, movements
):
    build_many(users, tree, round_, kinds, rows, movements)
    assert _home_queries(client, getattr(users, user_name)) == EXPECTED_QUERIES[user_name]


def test_the_guiding_reviewer_sees_the_guided_lines_work_and_deadlines(client_for, users, tree,
                                                                      round_, kinds):  # fmt: skip
    build_many(users, tree, round_, kinds, 1, 1)
    page = home(client_for, users.guided_reviewer)
    assert "Tuyến hướng dẫn 0" in page and "Chờ xét 0" not in page
    upper = round_.deadlines.get(level=UnitLevel.UPPER_GRASSROOTS).deadline
    assert f"{timezone.localtime(upper):%d/%m/%Y %H:%M}</strong>" in page
    assert "Tuyến hướng dẫn 0" not in home(client_for, users.federation_reviewer)
