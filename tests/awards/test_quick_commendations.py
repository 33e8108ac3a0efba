"""Quick commendations (khen thưởng đột xuất): outside any round, a proposal goes straight to the
unit that grants the award, is reviewed there once, and is issued in a decision like any other
commendation.

On the named tree (tests/named_world.py): officer_a of grassroots A proposes; the city union
grants its Bằng khen, so city_reviewer reviews and the city's clerk decides; the national union
grants its own Bằng khen, to which a proposal of A skips the city; grassroots G's proposal for
the national union's Bằng khen travels the guidance line (G → guided union → national union).
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from awards import scoping
from awards import services as award_services
from awards.models import Nomination, NominationState, NominationTransition
from commendations import services as commendation_services
from movements import catalogue
from movements.models import AwardKind
from notifications.models import Notification
from tests.factories import MemberFactory, UserFactory, grant, nominate, pdf_upload, register
from unions.models import Role

S = NominationState
DEED = "trong việc cứu người bị đuối nước tại hồ Tây ngày 02/11"


@pytest.fixture
def quick_kinds(kinds):
    """The city's and the national union's Bằng khen allow the quick path; LĐTT does not."""
    for kind in (kinds.bk_city, kinds.bk_national):
        kind.allows_quick = True
        kind.save(update_fields=["allows_quick"])
    return kinds


@pytest.fixture
def hero(tree):
    """A member of grassroots A who registered for nothing (a quick path needs no round)."""
    return MemberFactory(unit=tree.unit_a, full_name="Đỗ Văn Dũng")


def propose(users, tree, kind, member, *, submit=False, actor=None, **fields):
    nomination = award_services.create_quick_nomination(
        actor=actor or users.officer_a,
        proposing_unit=fields.pop("proposing_unit", tree.unit_a),
        award_kind=kind,
        deed=fields.pop("deed", DEED),
        deed_date=fields.pop("deed_date", timezone.localdate() - timedelta(days=3)),
        achievement=fields.pop("achievement", "Đồng chí đã lao xuống hồ cứu hai học sinh."),
        member=member,
        **fields,
    )
    if submit:
        nomination = award_services.submit_nomination(nomination, actor=actor or users.officer_a)
    return nomination


# --- The catalogue ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_catalogue_allows_the_quick_path_for_the_unions_own_bang_khen_and_giay_khen():
    catalogue.load()
    quick = set(AwardKind.objects.filter(allows_quick=True).values_list("code", flat=True))
    assert quick == {"GK-CDCT", "BK-LDLD", "BK-TLD"}
    assert set(award_services.quick_award_kinds().values_list("code", flat=True)) == quick


@pytest.mark.django_db
def test_an_annual_title_or_an_outside_authoritys_award_cannot_allow_the_quick_path():
    catalogue.load()
    for code in ("LDTT", "GK-CQ", "CTD-TLD"):
        kind = AwardKind.objects.get(code=code)
        kind.allows_quick = True
        with pytest.raises(ValidationError) as error:
            kind.full_clean()
        assert "allows_quick" in error.value.message_dict


# --- The proposal ------------------------------------------------------------------------------


def test_a_quick_proposal_is_a_nomination_without_a_round(users, tree, quick_kinds, hero):
    nomination = propose(users, tree, quick_kinds.bk_city, hero, files=[pdf_upload()])
    assert nomination.quick and nomination.round is None
    assert nomination.state == S.DRAFT
    assert nomination.deed == DEED
    assert nomination.deciding_unit == tree.city  # the nearest unit that grants it
    assert nomination.guided_unit is None
    assert nomination.evidence.count() == 1
    assert nomination.transitions.get().to_state == S.DRAFT
    assert award_services.step_time_limit(nomination) is None  # no round, no deadline


def test_submitting_goes_straight_to_the_granting_unit_without_registration_or_scores(
    users, tree, quick_kinds, hero, round_
):
    # The national union's movement asks for registration, and its deadlines have all passed:
    # neither concerns a deed outside any round.
    assert round_.movement.requires_registration
    round_.deadlines.update(deadline=timezone.now() - timedelta(days=1))
    nomination = propose(users, tree, quick_kinds.bk_national, hero, submit=True)
    # The national union grants it: the city's committee on the way is skipped.
    assert nomination.state == S.SUBMITTED
    assert nomination.reviewing_unit == tree.national
    assert nomination.furthest_unit == tree.national
    sent = nomination.transitions.get(to_state=S.SUBMITTED)
    assert (sent.at_unit, sent.to_unit) == (tree.unit_a, tree.national)
    assert nomination.self_scores.count() == 0
    # The granting unit's committee is told; the committee skipped on the way is not.
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "national_reviewer" in told and "city_reviewer" not in told
    assert nomination in scoping.review_queue_for(users.national_reviewer)
    assert nomination not in scoping.review_queue_for(users.city_reviewer)
    assert award_services.refusal("approve_nomination", nomination, users.national_reviewer) is None
    with pytest.raises(PermissionDenied):
        award_services.refusal("approve_nomination", nomination, users.city_reviewer)


def test_the_proposer_may_choose_a_granting_unit_on_the_way_up(users, tree, quick_kinds, hero):
    # The city and the national union both grant a provincial/national Bằng khen kind.
    quick_kinds.bk_city.other_granting_level = "national"
    quick_kinds.bk_city.save()
    nomination = propose(users, tree, quick_kinds.bk_city, hero, granting_unit=tree.national)
    assert nomination.deciding_unit == tree.national


def refused(users, tree, kind, member, code=None, **fields):
    before = Nomination.objects.count()
    with pytest.raises(ValidationError) as error:
        propose(users, tree, kind, member, **fields)
    assert Nomination.objects.count() == before  # nothing was stored
    if code:
        assert error.value.code == code
    return " ".join(error.value.messages)


def test_a_kind_that_does_not_allow_the_quick_path_is_refused(users, tree, quick_kinds, hero):
    message = refused(users, tree, quick_kinds.ldtt, hero, code="not_quick")
    assert "cannot be proposed as a quick commendation" in message
    quick_kinds.bk_confederation.allows_quick = False
    quick_kinds.bk_confederation.save()
    refused(users, tree, quick_kinds.bk_confederation, hero, code="not_quick")


def test_a_deed_in_the_future_or_without_words_is_refused(users, tree, quick_kinds, hero):
    tomorrow = timezone.localdate() + timedelta(days=1)
    message = refused(users, tree, quick_kinds.bk_city, hero, deed_date=tomorrow)
    assert "cannot be in the future" in message
    assert "Say what the deed was" in refused(users, tree, quick_kinds.bk_city, hero, deed="  ")
    assert "date of the deed" in refused(users, tree, quick_kinds.bk_city, hero, deed_date=None)


def test_a_nominee_outside_the_officers_unit_is_refused(users, tree, quick_kinds, member_b):
    message = refused(users, tree, quick_kinds.bk_city, member_b)
    assert "is not a member of Công đoàn cơ sở A" in message
    with pytest.raises(PermissionDenied):  # officer_a does not manage B
        propose(users, tree, quick_kinds.bk_city, member_b, proposing_unit=tree.unit_b)
    assert not Nomination.objects.exists()


def test_a_granting_unit_off_the_way_up_is_refused(users, tree, quick_kinds, hero):
    message = refused(
        users, tree, quick_kinds.bk_city, hero, granting_unit=tree.other_city, code=None
    )
    assert "does not grant" in message


def test_one_deed_one_award(users, tree, quick_kinds, hero):
    first = propose(users, tree, quick_kinds.bk_city, hero)
    message = refused(
        users, tree, quick_kinds.bk_national, hero, deed_date=first.deed_date, code="duplicate"
    )
    assert "already has a quick commendation" in message
    # Another deed, another day: a new achievement may be commended again.
    propose(users, tree, quick_kinds.bk_city, hero, deed_date=first.deed_date - timedelta(days=30))


def test_a_quick_commendation_and_a_rounds_award_are_two_achievements(
    users, tree, quick_kinds, hero, round_
):
    """The deed is its own achievement: a quick Bằng khen does not stand against the movement
    round's award of the same kind (nor does the round's award against a quick one)."""
    quick = propose(users, tree, quick_kinds.bk_city, hero, submit=True)
    award_services.approve_nomination(quick, actor=users.city_reviewer)
    register(round_, hero)
    in_round = nominate(round_, quick_kinds.bk_city, actor=users.officer_a, member=hero,
                        submit=True)  # fmt: skip
    assert in_round.state == S.SUBMITTED and not in_round.quick
    propose(users, tree, quick_kinds.bk_city, hero, deed_date=quick.deed_date - timedelta(days=9))


def test_the_database_refuses_a_nomination_neither_in_a_round_nor_quick(users, tree, kinds, hero):
    with pytest.raises(IntegrityError), transaction.atomic():
        Nomination.objects.create(
            award_kind=kinds.bk_city,
            nominee_member=hero,
            proposing_unit=tree.unit_a,
            achievement="x",
        )


# --- The one review -----------------------------------------------------------------------------


def test_the_granting_units_committee_approves_it_without_forwarding(
    users, tree, quick_kinds, hero
):
    nomination = propose(users, tree, quick_kinds.bk_city, hero, submit=True)
    error = award_services.refusal("forward_nomination", nomination, users.city_reviewer)
    assert error.code == "granting_level"
    nomination = award_services.approve_nomination(nomination, actor=users.city_reviewer)
    assert nomination.state == S.APPROVED
    assert [t.to_state for t in nomination.transitions.all()] == [S.DRAFT, S.SUBMITTED, S.APPROVED]


def test_whoever_proposed_it_does_not_decide_it(users, tree, quick_kinds, hero):
    both = UserFactory(username="officer_and_reviewer")
    grant(both, tree.unit_a, Role.OFFICER)
    grant(both, tree.city, Role.REVIEWER)
    nomination = propose(users, tree, quick_kinds.bk_city, hero, submit=True, actor=both)
    error = award_services.refusal("approve_nomination", nomination, both)
    assert error.code == "own_nomination"
    with pytest.raises(ValidationError):
        award_services.approve_nomination(nomination, actor=both)
    nomination.refresh_from_db()
    assert nomination.state == S.SUBMITTED


def test_returned_for_completion_then_edited_and_sent_again(users, tree, quick_kinds, hero):
    nomination = propose(users, tree, quick_kinds.bk_city, hero, submit=True)
    nomination = award_services.return_nomination(
        nomination, actor=users.city_reviewer, reason="Bổ sung xác nhận của công an phường."
    )
    assert nomination.state == S.RETURNED
    award_services.update_nomination(
        nomination, actor=users.officer_a, deed=DEED + " (có xác nhận)", files=[pdf_upload()]
    )
    nomination = award_services.submit_nomination(nomination, actor=users.officer_a)
    assert nomination.state == S.SUBMITTED and nomination.reviewing_unit == tree.city
    assert nomination.deed.endswith("(có xác nhận)")


def test_rejected_with_reasons(users, tree, quick_kinds, hero):
    nomination = propose(users, tree, quick_kinds.bk_city, hero, submit=True)
    with pytest.raises(ValidationError):
        award_services.reject_nomination(nomination, actor=users.city_reviewer, reason=" ")
    nomination = award_services.reject_nomination(
        nomination, actor=users.city_reviewer, reason="Không thuộc thành tích đột xuất."
    )
    assert nomination.state == S.REJECTED


def test_no_scoring_table_and_no_round_quota(users, tree, quick_kinds, hero):
    kind = quick_kinds.bk_city
    kind.cap_per_unit_per_round, kind.cap_per_round = 1, 1  # a round's caps
    kind.save()
    first = propose(users, tree, kind, hero, submit=True)
    with pytest.raises(ValidationError) as error:
        award_services.record_review_scores(first, actor=users.city_reviewer, scores={1: (5, "")})
    assert error.value.code == "no_scoring_table"
    second = propose(
        users, tree, kind, MemberFactory(unit=tree.unit_a), submit=True
    )  # the caps of a round do not count quick ones
    for nomination in (first, second):
        award_services.approve_nomination(nomination, actor=users.city_reviewer)
    assert Nomination.objects.filter(state=S.APPROVED, quick=True).count() == 2


def test_the_guidance_line_goes_to_the_guiding_unit(users, tree, quick_kinds):
    member_g = MemberFactory(unit=tree.unit_g)
    nomination = propose(
        users,
        tree,
        quick_kinds.bk_national,
        member_g,
        proposing_unit=tree.unit_g,
        actor=users.officer_g,
        submit=True,
    )
    assert nomination.deciding_unit == tree.national
    assert nomination.guided_unit == tree.guided
    assert nomination.reviewing_unit == tree.national
    assert nomination in scoping.nominations_visible_to(users.national_reviewer)
    assert nomination in scoping.review_queue_for(users.national_reviewer)
    assert nomination not in scoping.review_queue_for(users.guided_reviewer)
    assert nomination not in scoping.review_queue_for(users.federation_reviewer)
    award_services.approve_nomination(nomination, actor=users.national_reviewer)


# --- Pages and permissions ----------------------------------------------------------------------


@pytest.fixture
def submitted(users, tree, quick_kinds, hero):
    return propose(users, tree, quick_kinds.bk_city, hero, submit=True)


READ = {
    "officer_a": 200,
    "officer_b": 404,
    "city_officer": 200,
    "city_reviewer": 200,
    # The administrative level above reads its subtree, as for any nomination, but holds no
    # say on this one (see APPROVE).
    "national_reviewer": 200,
    "clerk": 200,
    "outsider": 404,
    "nobody": 404,
    "guided_reviewer": 404,
    "federation_reviewer": 404,
    None: 302,
}
APPROVE = {
    "officer_a": 403,
    "officer_b": 404,
    "city_officer": 403,
    "city_reviewer": 200,
    "national_reviewer": 403,
    "clerk": 403,
    "outsider": 404,
    "nobody": 404,
    None: 302,
}


@pytest.mark.parametrize("name", list(READ))
def test_who_reads_the_quick_commendation(client_for, users, submitted, name):
    user = getattr(users, name) if name else None
    response = client_for(user).get(submitted.get_absolute_url())
    assert response.status_code == READ[name]


@pytest.mark.parametrize("name", list(APPROVE))
def test_who_may_approve_it(client_for, users, submitted, name):
    user = getattr(users, name) if name else None
    url = reverse("awards:nomination_approve", args=[submitted.pk])
    assert client_for(user).get(url).status_code == APPROVE[name]


@pytest.mark.parametrize(
    ("name", "status"),
    [("officer_a", 200), ("city_officer", 200), ("officer_b", 404), ("outsider", 404),
     ("city_reviewer", 403), ("nobody", 404), (None, 302)],
)  # fmt: skip
def test_who_may_open_the_quick_form_of_a_member(client_for, users, hero, quick_kinds, name,
                                                 status):  # fmt: skip
    user = getattr(users, name) if name else None
    url = reverse("awards:quick_member", args=[hero.pk])
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize(
    ("name", "status"),
    [("officer_a", 200), ("city_officer", 200), ("officer_b", 404), ("outsider", 404),
     ("city_reviewer", 403), ("national_reviewer", 403), ("nobody", 404), (None, 302)],
)  # fmt: skip
def test_who_may_open_the_quick_form_of_a_collective(client_for, users, tree, quick_kinds, name,
                                                     status):  # fmt: skip
    user = getattr(users, name) if name else None
    url = reverse("awards:quick_unit", args=[tree.unit_a.pk])
    assert client_for(user).get(url).status_code == status


@pytest.mark.parametrize(
    ("name", "status"),
    [("officer_a", 200), ("city_officer", 200), ("city_reviewer", 403), ("clerk", 403),
     ("nobody", 403), (None, 302)],
)  # fmt: skip
def test_who_may_open_the_quick_pick_page(client_for, users, name, status):
    user = getattr(users, name) if name else None
    assert client_for(user).get(reverse("awards:quick_pick")).status_code == status


def form_data(kind, **changes):
    data = {
        "unit": "",
        "award_kind": kind.pk,
        "granting_unit": "",
        "deed": DEED,
        "deed_date": (timezone.localdate() - timedelta(days=2)).strftime("%d/%m/%Y"),
        "achievement": "Đồng chí đã cứu hai học sinh.",
        "public_citation": "",
        "submit": "1",
    }
    data.update(changes)
    return data


def test_the_form_proposes_and_submits(client_for, users, tree, quick_kinds, hero):
    client = client_for(users.officer_a)
    url = reverse("awards:quick_member", args=[hero.pk])
    page = client.get(url).content.decode()
    assert quick_kinds.bk_city.name in page
    assert quick_kinds.ldtt.name not in page  # an annual title is not offered
    response = client.post(url, form_data(quick_kinds.bk_city, unit=tree.unit_a.pk))
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response.url == nomination.get_absolute_url()
    assert nomination.quick and nomination.state == S.SUBMITTED
    assert nomination.reviewing_unit == tree.city
    detail = client.get(nomination.get_absolute_url()).content.decode()
    assert DEED in detail and 'data-testid="quick-badge"' in detail
    assert 'data-testid="scores"' not in detail  # no scoring table


def test_the_form_explains_bad_input_and_changes_nothing(
    client_for, users, tree, quick_kinds, hero
):
    client = client_for(users.officer_a)
    url = reverse("awards:quick_member", args=[hero.pk])
    future = (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y")
    response = client.post(url, form_data(quick_kinds.bk_city, unit=tree.unit_a.pk,
                                           deed_date=future))  # fmt: skip
    assert response.status_code == 200
    assert "The date of the deed cannot be in the future." in response.content.decode()
    response = client.post(url, form_data(quick_kinds.ldtt, unit=tree.unit_a.pk))
    assert response.status_code == 200  # not a choice on the form
    response = client.post(url, form_data(quick_kinds.bk_city, unit=tree.unit_a.pk, deed=""))
    assert response.status_code == 200
    assert not Nomination.objects.exists()


def test_the_edit_page_of_a_returned_quick_commendation(client_for, users, tree, submitted):
    award_services.return_nomination(submitted, actor=users.city_reviewer, reason="Bổ sung.")
    client = client_for(users.officer_a)
    url = reverse("awards:nomination_edit", args=[submitted.pk])
    assert DEED in client.get(url).content.decode()
    response = client.post(
        url, form_data(submitted.award_kind, deed="trong việc dập tắt đám cháy", submit="1")
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.deed == "trong việc dập tắt đám cháy"
    assert submitted.state == S.SUBMITTED


def test_the_review_queue_shows_and_filters_quick_ones(client_for, users, tree, submitted):
    client = client_for(users.city_reviewer)
    queue = reverse("awards:review_queue")
    page = client.get(queue).content.decode()
    assert submitted.nominee_name in page and 'data-testid="quick-badge"' in page
    assert submitted.nominee_name in client.get(queue, {"path": "quick"}).content.decode()
    assert submitted.nominee_name not in client.get(queue, {"path": "round"}).content.decode()
    export = client.get(reverse("awards:review_queue_export"), {"path": "quick"})
    assert export.status_code == 200
    listing = reverse("awards:nomination_list")
    assert submitted.nominee_name in client.get(listing, {"path": "quick"}).content.decode()
    assert submitted.nominee_name not in client.get(listing, {"path": "round"}).content.decode()


def test_the_home_worklists_show_it(client_for, users, submitted):
    home = client_for(users.city_reviewer).get(reverse("home")).content.decode()
    assert "Quick commendations" in home and submitted.nominee_name in home
    officer_home = client_for(users.officer_a).get(reverse("home")).content.decode()
    assert reverse("awards:quick_pick") in officer_home


# The session, the user, their roles, the navigation's counters, the members found, the units
# they manage: the same at 1 and at 4 members found.
QUICK_PICK_QUERIES = 8


def test_the_pick_page_reads_a_fixed_number_of_queries(
    client_for, users, tree, django_assert_num_queries
):
    client = client_for(users.officer_a)
    url = reverse("awards:quick_pick")
    first = MemberFactory(unit=tree.unit_a, full_name="Hoàng Văn Quyết")
    client.get(url, {"q": "Quyết"})  # warm the session
    with django_assert_num_queries(QUICK_PICK_QUERIES):
        page = client.get(url, {"q": "Quyet"}).content.decode()  # without accents too
    assert reverse("awards:quick_member", args=[first.pk]) in page
    others = [MemberFactory(unit=tree.unit_a, full_name=f"Lý Văn Quyết {i}") for i in range(3)]
    with django_assert_num_queries(QUICK_PICK_QUERIES):
        page = client.get(url, {"q": "Quyết"}).content.decode()
    for member in [first, *others]:
        assert reverse("awards:quick_member", args=[member.pk]) in page
    assert reverse("awards:quick_unit", args=[tree.unit_a.pk]) in page


# --- Through the decision to a commendation ----------------------------------------------------


def test_end_to_end_to_a_commendation_with_a_register_number(client_for, users, tree, submitted):
    award_services.approve_nomination(submitted, actor=users.city_reviewer)
    # The clerk's "approved, waiting for a decision" includes it.
    decisions = client_for(users.clerk).get(reverse("commendations:decision_list"))
    assert decisions.status_code == 200
    defaults = commendation_services.decision_defaults(tree.city, submitted.award_kind)
    assert defaults["achievement"] == f"Đã có thành tích xuất sắc đột xuất {DEED}"
    decision = commendation_services.create_decision(
        actor=users.clerk,
        issuing_unit=tree.city,
        award_kind=submitted.award_kind,
        place="Hà Nội",
        signer_name="Phan Văn Anh",
    )
    assert list(decision.nominations.all()) == [submitted]
    decision = commendation_services.issue_decision(decision, actor=users.clerk)
    commendation = Nomination.objects.get(pk=submitted.pk).commendation
    assert commendation.register_number
    assert commendation.achievement == f"Đã có thành tích xuất sắc đột xuất {DEED}"
    verify = reverse("commendations:verify", args=[commendation.verification_code])
    assert client_for(None).get(verify).status_code == 200
    detail = client_for(users.officer_a).get(submitted.get_absolute_url()).content.decode()
    assert commendation.register_number in detail
    assert decision.date >= date(2000, 1, 1)
    assert NominationTransition.objects.filter(nomination=submitted).count() == 3
