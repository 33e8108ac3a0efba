"""The review queue at scale: its default page is awaiting_decision_by() alone, the unit filter
is searched instead of listed, and the page's queries do not grow with the queue.

tests/awards/test_views.py tests what the queue holds and its filters; this module tests the
shapes the national dataset needed (docs/benchmarks.md, "National scale").
"""

import json

import pytest
from django.urls import reverse

from awards import scoping, services
from awards.forms import AWAITING
from awards.models import NominationState
from awards.views.refusals import PER_PAGE
from tests.factories import MemberFactory, make_unit, nominate, register
from unions.models import UnitLevel

S = NominationState


@pytest.fixture
def interface_language():
    return "en"


@pytest.fixture
def scene(users, tree, round_, kinds, member_a, member_b, member_c, reviewer_a):
    """Nominations in every state a committee sees, at every level of the named tree."""
    city = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    forwarded = nominate(round_, kinds.bk_national, actor=users.officer_b, member=member_b,
                         submit=True)  # fmt: skip
    services.forward_nomination(forwarded, actor=users.city_reviewer)
    # One achievement, one award: the returned Bằng khen is another member's.
    member_a2 = MemberFactory(unit=tree.unit_a, full_name="Đỗ Văn Nam")
    register(round_, member_a2)
    returned = nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a2,
                        submit=True)  # fmt: skip
    services.return_nomination(returned, actor=users.city_reviewer, reason="Bổ sung")
    own = nominate(round_, kinds.ldtt, actor=users.officer_a, member=member_a, submit=True)
    other_city = nominate(round_, kinds.bk_city, actor=users.outsider, member=member_c,
                          submit=True)  # fmt: skip
    member_b2 = MemberFactory(unit=tree.unit_b, full_name="Vũ Thị Lan")
    register(round_, member_b2)
    draft = nominate(round_, kinds.bk_city, actor=users.officer_b, member=member_b2)
    return [city, forwarded, returned, own, other_city, draft]


def test_what_awaits_a_committee_has_reached_it(users, scene, reviewer_a, superuser):
    """The queue's default page lists awaiting_decision_by() without the queue's own filter:
    that is right only while everything awaiting a committee is in its queue."""
    reviewers = [users.city_reviewer, users.national_reviewer, reviewer_a, superuser]
    for reviewer in reviewers:
        awaiting = set(scoping.awaiting_decision_by(reviewer).values_list("pk", flat=True))
        queue = set(scoping.review_queue_for(reviewer).values_list("pk", flat=True))
        assert awaiting <= queue, reviewer
    assert set(scoping.awaiting_decision_by(users.national_reviewer)) == {scene[1]}


def test_the_default_page_lists_what_awaits_the_committee(client_for, users, scene):
    response = client_for(users.city_reviewer).get(reverse("awards:review_queue"))
    assert [n.pk for n in response.context["page_obj"]] == [scene[0].pk]


def _units_below_the_city(tree, count):
    return [
        make_unit(
            tree.city,
            name=f"Công đoàn cơ sở số {n}",
            code=f"HN-S{n:03d}",
            level=UnitLevel.GRASSROOTS,
        )  # fmt: skip
        for n in range(count)
    ]


def test_the_unit_filter_carries_only_the_chosen_unit(client_for, users, tree, scene):
    _units_below_the_city(tree, 40)
    client = client_for(users.city_reviewer)
    page = client.get(reverse("awards:review_queue")).content.decode()
    select = page.split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 1  # "---------" only, not the 43 units
    assert f'data-search-url="{reverse("awards:review_queue_units")}"' in select.split(">", 1)[0]

    chosen = client.get(reverse("awards:review_queue"), {"unit": tree.unit_b.pk, "state": ""})
    select = chosen.content.decode().split('name="unit"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 2 and "Công đoàn cơ sở B" in select
    assert [n.pk for n in chosen.context["page_obj"]] == [scene[1].pk]


def test_the_unit_search_answers_within_the_queue_units(client_for, users, tree):
    _units_below_the_city(tree, 30)
    client = client_for(users.city_reviewer)
    url = reverse("awards:review_queue_units")

    found = json.loads(client.get(url, {"q": "co so so 1"}).content)["results"]
    assert [unit["text"] for unit in found][:2] == [
        "HN-S001 · Công đoàn cơ sở số 1",
        "HN-S010 · Công đoàn cơ sở số 10",
    ]
    assert len(found) == 12  # 1, 10 to 19 and 21
    assert json.loads(client.get(url, {"q": "hn-s02"}).content)["results"][0]["id"]
    assert json.loads(client.get(url, {"q": ""}).content)["results"] == []
    # Grassroots C lies in another city: not among this reviewer's queue units.
    assert json.loads(client.get(url, {"q": tree.unit_c.code}).content)["results"] == []
    many = json.loads(client.get(url, {"q": "cong doan"}).content)["results"]
    assert len(many) == 20  # at most 20


def test_the_unit_search_is_for_signed_in_users(client, tree):
    response = client.get(reverse("awards:review_queue_units"), {"q": "a"})
    assert response.status_code == 302


def _many(users, tree, round_, kinds, count):
    for _ in range(count):
        member = MemberFactory(unit=tree.unit_a)
        register(round_, member)
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True)


@pytest.mark.parametrize("rows", [1, 30])
@pytest.mark.parametrize(
    "params",
    [{}, {"state": ""}, {"state": S.SUBMITTED, "sort": "-submitted"}, {"page": "2"}],
)
def test_review_queue_queries_do_not_grow(client_for, users, tree, round_, kinds, rows, params,
                                          django_assert_num_queries):  # fmt: skip
    _many(users, tree, round_, kinds, rows)
    client = client_for(users.city_reviewer)
    # The same at 1 and at 30 rows, in every state filter and on a later page: the page's ids,
    # then its rows (with their units, award and round); the unit filter reads its chosen unit
    # only, and a row reads no column it left out (QUEUE_ROW_FIELDS). "Awaiting our decision"
    # has one query fewer: each of its rows awaits the user's decision, which the other states
    # ask the database about.
    awaiting = params.get("state", AWAITING) == AWAITING
    with django_assert_num_queries(13 if awaiting else 14):  # with the navigation's badges
        response = client.get(reverse("awards:review_queue"), {"unit": tree.unit_a.pk, **params})
    on_page = rows - PER_PAGE if params.get("page") == "2" and rows > PER_PAGE else rows
    assert len(response.context["page_obj"]) == min(on_page, PER_PAGE)


def test_the_filter_choices_are_read_once_and_keep_the_chosen_one(client_for, users, scene):
    """The movements, rounds and awards are plain choices (no server-side cursor per select),
    the chosen one still selected and still validated against what the reviewer may see."""
    nomination = scene[0]
    client = client_for(users.city_reviewer)
    params = {"state": "", "round": nomination.round_id, "award_kind": nomination.award_kind_id}
    page = client.get(reverse("awards:review_queue"), params).content.decode()
    for name, value in (("round", nomination.round_id), ("award_kind", nomination.award_kind_id)):
        select = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{value}" selected>' in select
    refused = client.get(reverse("awards:review_queue"), {"award_kind": 99999999})
    assert refused.context["form"].errors["award_kind"]
