"""The permission matrix of every decision and register page and action.

Users: the named users of tests/named_world.py and the anonymous visitor. Objects: decisions
of the city union of Hanoi ("inside": the city's clerk drafts and issues them) and of the other
city ("outside"), each as a draft and issued with its certificates rendered. Certificate
templates have their own matrix in tests/commendations/test_certificate_templates.py.

200 (or, for a POST, a redirect that is not to the sign-in page): allowed and done. 403: the user
reads the object and may not act on it. 404: outside the user's scope, as if it did not exist.
302 to the sign-in page: anonymous.
"""

from datetime import date

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from awards import services as award_services
from commendations import services
from config.celery import app as celery_app
from tests.factories import MemberFactory, UserFactory, backdate_approvals, kind, nominate, register
from tests.named_world import build_movement, build_tree, build_users
from unions.models import UnitLevel

SIDES = ["inside", "outside"]
USERS = ["officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
         "outsider", "nobody", None]  # fmt: skip


def pair(inside, outside):
    return {"inside": inside, "outside": outside}


ANONYMOUS = pair(302, 302)
# Reading a decision, its files and the issuing unit's register: whoever reads the issuing unit.
READ = {
    "officer_a": pair(404, 404),
    "officer_b": pair(404, 404),
    "city_officer": pair(200, 404),
    "city_reviewer": pair(200, 404),
    "national_reviewer": pair(200, 200),
    "clerk": pair(200, 404),
    "outsider": pair(404, 404),  # an officer of a grassroots union below the other city
    "nobody": pair(404, 404),
    None: ANONYMOUS,
}
# A certificate: its decision's readers, and the readers of the unit that proposed it (the
# outcome comes back: officer_a proposed the inside awardees, the outsider the outside ones).
CERTIFICATE = {
    **READ,
    "officer_a": pair(200, 404),
    "outsider": pair(404, 200),
}
# Editing, issuing, rendering, revoking: the clerks of the issuing unit.
ACT = {
    "officer_a": pair(404, 404),
    "officer_b": pair(404, 404),
    "city_officer": pair(403, 404),
    "city_reviewer": pair(403, 404),
    "national_reviewer": pair(403, 403),
    "clerk": pair(200, 404),
    "outsider": pair(404, 404),
    "nobody": pair(404, 404),
    None: ANONYMOUS,
}


def _approved(round_, award_kind, unit, proposer, superuser, count):
    approved = []
    for _index in range(count):
        member = MemberFactory(unit=unit)
        register(round_, member)
        nomination = nominate(round_, award_kind, actor=proposer, member=member, submit=True)
        approved.append(award_services.approve_nomination(nomination, actor=superuser))
    return backdate_approvals(approved)


def _decision(issuing_unit, award_kind, nominations, superuser, number):
    return services.create_decision(
        actor=superuser,
        issuing_unit=issuing_unit,
        award_kind=award_kind,
        nominations=nominations,
        number=number,
        date=date(2025, 5, 19),
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )


class World:
    def __init__(self, tree, users):
        superuser = UserFactory(username="admin", is_superuser=True, is_staff=True)
        round_ = build_movement(tree).rounds.get()
        self.kinds = pair(kind("BK-HN", UnitLevel.PROVINCIAL), kind("BK-CDVC", UnitLevel.NATIONAL))
        city_kind, other_kind = self.kinds["inside"], kind("BK-DN", UnitLevel.PROVINCIAL)
        approved = {
            "inside": _approved(round_, city_kind, tree.unit_a, users.officer_a, superuser, 3),
            "outside": _approved(round_, other_kind, tree.unit_c, users.outsider, superuser, 3),
        }
        units = pair(tree.city, tree.other_city)
        kinds = pair(city_kind, other_kind)
        self.drafts, self.issued = {}, {}
        for side in SIDES:
            self.drafts[side] = _decision(
                units[side], kinds[side], approved[side][:2], superuser, f"1/QĐ-{side}"
            )
            decision = _decision(
                units[side], kinds[side], approved[side][2:], superuser, f"2/QĐ-{side}"
            )
            # Issued, and its certificates rendered in this process as a worker would.
            with TestCase.captureOnCommitCallbacks(execute=True):
                decision = services.issue_decision(decision, actor=superuser)
            decision.refresh_from_db()
            assert decision.render_state == "done", decision.render_error
            self.issued[side] = decision


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """The named users and the decisions, built once for this module's cases; each case reads
    them, or changes them inside its own transaction, rolled back."""
    with django_db_blocker.unblock():
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            tree = build_tree()
            users = build_users(tree)
            world = World(tree, users)
        finally:
            celery_app.conf.task_always_eager = eager
        yield users, world
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def users(built, db):
    return built[0]


@pytest.fixture
def world(built, db):
    return built[1]


def _decision_url(name):
    return lambda decision: reverse(f"commendations:{name}", args=[decision.pk])


def _commendation_url(name):
    def build(decision):
        return reverse(
            f"commendations:{name}", args=[decision.pk, decision.commendations.first().pk]
        )

    return build


def _unit_url(name):
    return lambda decision: reverse(f"commendations:{name}", args=[decision.issuing_unit_id])


# page -> (method, which decision, its URL, the expected table)
PAGES = {
    "decision_detail": ("get", "issued", _decision_url("decision_detail"), READ),
    "decision_detail_draft": ("get", "drafts", _decision_url("decision_detail"), READ),
    "decision_progress": ("get", "issued", _decision_url("decision_progress"), READ),
    "decision_pdf": ("get", "issued", _decision_url("decision_pdf"), READ),
    "decision_annex_xlsx": ("get", "issued", _decision_url("decision_annex_xlsx"), READ),
    "decision_prizes_xlsx": ("get", "issued", _decision_url("decision_prizes_xlsx"), READ),
    "decision_print_file": ("get", "issued", _decision_url("decision_print_file"), READ),
    "decision_zip": ("get", "issued", _decision_url("decision_zip"), READ),
    "certificate_download": (
        "get",
        "issued",
        _commendation_url("certificate_download"),
        CERTIFICATE,
    ),  # fmt: skip
    "register": ("get", "issued", _unit_url("register"), READ),
    "register_xlsx": ("get", "issued", _unit_url("register_xlsx"), READ),
    "decision_edit": ("get", "drafts", _decision_url("decision_edit"), ACT),
    "decision_edit_post": ("post", "drafts", _decision_url("decision_edit"), ACT),
    "decision_awardees": ("post", "drafts", _decision_url("decision_awardees"), ACT),
    "decision_issue_confirm": ("get", "drafts", _decision_url("decision_issue"), ACT),
    "decision_issue": ("post", "drafts", _decision_url("decision_issue"), ACT),
    "decision_delete": ("post", "drafts", _decision_url("decision_delete"), ACT),
    "decision_render": ("post", "issued", _decision_url("decision_render"), ACT),
    "commendation_revoke": ("get", "issued", _commendation_url("commendation_revoke"), ACT),
    "commendation_revoke_post": ("post", "issued", _commendation_url("commendation_revoke"), ACT),
}

POSTED = {
    "decision_edit": {
        "number": "1/QĐ-sửa",
        "date": "19/05/2025",
        "place": "Hà Nội",
        "signer_name": "Phan Văn Anh",
    },
    "commendation_revoke": {"number": "9/QĐ-TH", "date": "20/05/2025", "reason": "Hồ sơ giả"},
}


def _code(client, method, url, data=None):
    """The status; a POST that redirects elsewhere than the sign-in page is done: 200."""
    response = getattr(client, method)(url, data or {})
    if response.status_code == 302 and not response.url.startswith(reverse("account_login")):
        return 200 if method == "post" else 302
    return response.status_code


@pytest.mark.parametrize("user_name", USERS)
@pytest.mark.parametrize("page", list(PAGES))
def test_decision_pages_permission_matrix(client_for, users, world, page, user_name):
    method, which, url_for, expected = PAGES[page]
    client = client_for(getattr(users, user_name) if user_name else None)
    data = POSTED.get(page.removesuffix("_post")) if method == "post" else None
    codes = {side: _code(client, method, url_for(getattr(world, which)[side]), data)
             for side in SIDES}  # fmt: skip
    assert codes == expected[user_name]


def test_a_commendation_of_another_decision_is_not_found(client_for, users, world):
    inside, outside = world.issued["inside"], world.issued["outside"]
    url = reverse(
        "commendations:certificate_download",
        args=[inside.pk, outside.commendations.first().pk],
    )
    assert client_for(users.national_reviewer).get(url).status_code == 404
