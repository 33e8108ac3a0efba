"""The permission matrix of every awards page and action.

Users: the named users of tests/conftest.py and the anonymous visitor. Nominations: proposed by
grassroots union A ("own", seen from officer_a), its union group A1 ("child"), A's sibling B
("sibling"), the city union ("parent") and grassroots union C of another city ("unrelated").

200 (or, for a POST-only action, a redirect back to the nomination): allowed. 403: the user
can see the nomination but may not act on it. 404: outside the user's scope, as if it did not
exist. 302 to the login page: anonymous.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from awards import services
from tests.factories import MemberFactory, UserFactory, kind, pdf_upload
from tests.named_world import build_movement, build_tree, build_users
from unions.models import UnitLevel

PROPOSERS = ["own", "child", "sibling", "parent", "unrelated"]
USERS = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody", None]  # fmt: skip


def row(own, child, sibling, parent, unrelated):
    return dict(zip(PROPOSERS, [own, child, sibling, parent, unrelated], strict=True))


ANONYMOUS = row(*[302] * 5)
READ = {
    "officer_a": row(200, 200, 404, 404, 404),
    "officer_b": row(404, 404, 200, 404, 404),
    "city_officer": row(200, 200, 200, 200, 404),
    "city_reviewer": row(200, 200, 200, 200, 404),
    "national_reviewer": row(200, 200, 200, 200, 200),
    "clerk": row(200, 200, 200, 200, 404),
    "outsider": row(404, 404, 404, 404, 200),
    "nobody": row(404, 404, 404, 404, 404),
    None: ANONYMOUS,
}
# Drafting, editing, submitting, withdrawing: the officers of the proposing unit or above it.
MANAGE = {
    "officer_a": row(200, 200, 404, 404, 404),
    "officer_b": row(404, 404, 200, 404, 404),
    "city_officer": row(200, 200, 200, 200, 404),
    "city_reviewer": row(403, 403, 403, 403, 404),
    "national_reviewer": row(403, 403, 403, 403, 403),
    "clerk": row(403, 403, 403, 403, 404),
    "outsider": row(404, 404, 404, 404, 200),
    "nobody": row(404, 404, 404, 404, 404),
    None: ANONYMOUS,
}
# Reviewing: the reviewers of the unit that holds the submitted nomination. A and B submit to
# the city, A1 to A (no named reviewer there), the city to the national union, C to its city.
REVIEW = {
    "officer_a": row(403, 403, 404, 404, 404),
    "officer_b": row(404, 404, 403, 404, 404),
    "city_officer": row(403, 403, 403, 403, 404),
    "city_reviewer": row(200, 403, 200, 403, 404),
    "national_reviewer": row(403, 403, 403, 200, 403),
    "clerk": row(403, 403, 403, 403, 404),
    "outsider": row(404, 404, 404, 404, 403),
    "nobody": row(404, 404, 404, 404, 404),
    None: ANONYMOUS,
}


class World:
    """For each proposer: its unit and a member; and, built when a test first asks for them, a
    draft ("draft"), a submitted nomination decided at the first level above ("submitted") and a
    submitted one to be forwarded further ("upward")."""

    # proposer -> (granting level of its first reviewer, the level above that)
    LEVELS = {
        "own": (UnitLevel.PROVINCIAL, UnitLevel.NATIONAL),
        "child": (UnitLevel.GRASSROOTS, UnitLevel.PROVINCIAL),
        "sibling": (UnitLevel.PROVINCIAL, UnitLevel.NATIONAL),
        "parent": (UnitLevel.NATIONAL, UnitLevel.CONFEDERATION),
        "unrelated": (UnitLevel.PROVINCIAL, UnitLevel.NATIONAL),
    }

    def __init__(self, tree, round_, superuser):
        self.tree, self.round, self.superuser = tree, round_, superuser
        round_.movement.requires_registration = False
        round_.movement.save()
        self.kinds = {
            "individual": {
                UnitLevel.GRASSROOTS: kind("LDTT", UnitLevel.GRASSROOTS),
                UnitLevel.PROVINCIAL: kind("BK-HN", UnitLevel.PROVINCIAL),
                UnitLevel.NATIONAL: kind("BK-CDVC", UnitLevel.NATIONAL),
            },
            "collective": {
                UnitLevel.NATIONAL: kind("CO-CDVC", UnitLevel.NATIONAL, beneficiary="collective"),
                UnitLevel.CONFEDERATION: kind(
                    "CO-TLD", UnitLevel.CONFEDERATION, beneficiary="collective"
                ),
            },
        }
        self.units = {
            "own": tree.unit_a,
            "child": tree.group_a1,
            "sibling": tree.unit_b,
            "parent": tree.city,
            "unrelated": tree.unit_c,
        }
        self.members = {
            key: MemberFactory(unit=unit) for key, unit in self.units.items() if unit.holds_members
        }
        self._built = {}

    def __getattr__(self, which):
        if which not in ("draft", "submitted", "upward"):
            raise AttributeError(which)
        if which not in self._built:
            self._built[which] = {key: self._make(key, which) for key in self.units}
        return self._built[which]

    def _make(self, key, which):
        unit = self.units[key]
        first, second = self.LEVELS[key]
        if unit.holds_members:
            award_kind = self.kinds["individual"][second if which == "upward" else first]
            nominee = {"member": MemberFactory(unit=unit)}
        else:  # a city union proposes collectives of its subtree
            award_kind = self.kinds["collective"][second if which == "upward" else first]
            nominee = {"unit": {"draft": unit, "submitted": self.tree.unit_a,
                                "upward": self.tree.unit_b}[which]}  # fmt: skip
        nomination = services.create_nomination(
            actor=self.superuser,
            proposing_unit=unit,
            round=self.round,
            award_kind=award_kind,
            achievement="Thành tích",
            self_scores={
                c.pk: (10, "") for c in services.criteria_for(self.round, award_kind.beneficiary)
            },
            files=[pdf_upload()] if which != "upward" else [],
            **nominee,
        )
        if which != "draft":
            nomination = services.submit_nomination(nomination, actor=self.superuser)
        return nomination


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The named users and the world of nominations, built once for this module's hundreds of
    cases. Each case reads them, or changes them inside its own transaction, rolled back."""
    with django_db_blocker.unblock():
        tree = build_tree()
        users = build_users(tree)
        round_ = build_movement(tree).rounds.get()
        superuser = UserFactory(username="admin", is_superuser=True, is_staff=True)
        world = World(tree, round_, superuser)
        world.draft, world.submitted, world.upward  # noqa: B018 - build them all now
        yield users, world
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def users(built, db):
    return built[0]


@pytest.fixture
def world(built, db):
    return built[1]


def _evidence(nomination):
    return nomination.evidence.get().pk


def url(name, evidence=False):
    def build(nomination):
        args = [nomination.pk, _evidence(nomination)] if evidence else [nomination.pk]
        return reverse(f"awards:{name}", args=args)

    return build


# page -> (method, which nomination, its URL, the expected table)
PAGES = {
    "detail": ("get", "submitted", url("nomination_detail"), READ),
    "evidence_download": ("get", "submitted", url("evidence_download", evidence=True), READ),
    "edit": ("get", "draft", url("nomination_edit"), MANAGE),
    "edit_post": ("post", "draft", url("nomination_edit"), MANAGE),
    "assessment": ("get", "draft", url("assessment_create"), MANAGE),
    "submit": ("post", "draft", url("nomination_submit"), MANAGE),
    "withdraw": ("get", "submitted", url("nomination_withdraw"), MANAGE),
    "withdraw_post": ("post", "submitted", url("nomination_withdraw"), MANAGE),
    "evidence_delete": ("post", "draft", url("evidence_delete", evidence=True), MANAGE),
    "start_review": ("post", "submitted", url("nomination_start_review"), REVIEW),
    "scores": ("get", "submitted", url("nomination_scores"), REVIEW),
    "vote": ("get", "submitted", url("nomination_vote"), REVIEW),
    "conflict_post": ("post", "submitted", url("nomination_conflict"), REVIEW),
    "approve": ("get", "submitted", url("nomination_approve"), REVIEW),
    "approve_post": ("post", "submitted", url("nomination_approve"), REVIEW),
    "forward": ("get", "upward", url("nomination_forward"), REVIEW),
    "forward_post": ("post", "upward", url("nomination_forward"), REVIEW),
    "return": ("get", "submitted", url("nomination_return"), REVIEW),
    "return_post": ("post", "submitted", url("nomination_return"), REVIEW),
    "reject": ("get", "submitted", url("nomination_reject"), REVIEW),
    "reject_post": ("post", "submitted", url("nomination_reject"), REVIEW),
}


def _code(client, method, url):
    """The status, with a successful POST (a redirect to the nomination) counted as 200."""
    response = getattr(client, method)(url, {"comment": "Ý kiến"} if method == "post" else None)
    if response.status_code == 302 and not response.url.startswith(reverse("account_login")):
        return 200 if method == "post" else 302
    return response.status_code


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize("page", list(PAGES))
def test_nomination_pages_permission_matrix(client_for, users, world, page, user_name):
    method, which, url_for, expected = PAGES[page]
    client = client_for(getattr(users, user_name) if user_name else None)
    codes = {key: _code(client, method, url_for(getattr(world, which)[key])) for key in PROPOSERS}
    assert codes == expected[user_name]


@pytest.mark.parametrize("user_name", USERS)
def test_nominate_pages_permission_matrix(client_for, users, world, user_name):
    client = client_for(getattr(users, user_name) if user_name else None)
    unit_codes = {
        key: _code(client, "get", reverse("awards:nominate_unit", args=[world.units[key].pk]))
        for key in PROPOSERS
    }
    member_codes = {
        key: _code(client, "get", reverse("awards:nominate_member", args=[member.pk]))
        for key, member in world.members.items()
    }
    expected = MANAGE[user_name]
    assert unit_codes == expected
    assert member_codes == {key: expected[key] for key in world.members}


@pytest.mark.parametrize("user_name", USERS)
def test_list_pages_need_sign_in_and_show_only_the_scope(client_for, users, world, user_name):
    client = client_for(getattr(users, user_name) if user_name else None)
    listed = {}
    for name in ("awards:nomination_list", "awards:review_queue", "movements:award_kind_list"):
        response = client.get(reverse(name), {"state": ""} if "queue" in name else None)
        if user_name is None:
            assert response.status_code == 302
            assert response.url.startswith(reverse("account_login"))
            continue
        assert response.status_code == 200
        if "page_obj" in response.context:
            listed[name] = {n.proposing_unit.code for n in response.context["page_obj"]}
    if user_name is None:
        return
    readable = {world.units[k].code for k, code in READ[user_name].items() if code == 200}
    assert listed["awards:nomination_list"] == readable


def test_review_queue_lists_what_came_up_to_the_reviewer(client_for, users, world):
    response = client_for(users.city_reviewer).get(reverse("awards:review_queue"))
    queued = {(n.proposing_unit.code, n.award_kind.code) for n in response.context["page_obj"]}
    assert queued == {
        ("HN-A", "BK-HN"),
        ("HN-A", "BK-CDVC"),
        ("HN-B", "BK-HN"),
        ("HN-B", "BK-CDVC"),
    }


def test_bulk_action_of_someone_else_s_queue_is_refused(client_for, users, world):
    nomination = world.submitted["own"]
    response = client_for(users.national_reviewer).post(
        reverse("awards:bulk_action"),
        {"action": "approve", "ids": [nomination.pk], "confirmed": "1"},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == "submitted"


def test_anonymous_bulk_action_redirects_to_login(client, world):
    response = client.post(reverse("awards:bulk_action"), {"action": "approve"})
    assert response.url.startswith(reverse("account_login"))


def test_evidence_of_another_nomination_is_not_found(client_for, users, world):
    mine, other = world.submitted["own"], world.submitted["sibling"]
    url = reverse("awards:evidence_download", args=[mine.pk, _evidence(other)])
    assert client_for(users.city_reviewer).get(url).status_code == 404


def test_unknown_nomination_is_not_found(client_for, users, world):
    url = reverse("awards:nomination_detail", args=[999999])
    assert client_for(users.national_reviewer).get(url).status_code == 404
