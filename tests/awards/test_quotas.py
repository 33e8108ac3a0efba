"""Quotas where the rule lives (issue 11 part 3) and one achievement, one award (part 4), through
the services and the pages, with the named users."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import services
from awards.models import Nomination, NominationState
from movements.models import AwardCategory
from tests.factories import MemberFactory, kind, make_movement, nominate, register
from unions.models import UnitLevel

S = NominationState


def _messages(error):
    return " ".join(error.value.messages)


def _people(round_, unit, count):
    people = MemberFactory.create_batch(count, unit=unit)
    for person in people:
        register(round_, person)
    return people


def _state(nomination):
    return Nomination.objects.get(pk=nomination.pk).state


@pytest.fixture
def national_caps(kinds):
    """The national union's Bằng khen: 1 from each unit directly below it, 2 in all."""
    kinds.bk_national.cap_per_unit_per_round = 1
    kinds.bk_national.cap_per_round = 2
    kinds.bk_national.quota_basis = "Quyết định 1689/QĐ-TLĐ năm 2019, Điều 15"
    kinds.bk_national.save()
    return kinds.bk_national


def test_grassroots_submit_counts_only_what_that_unit_sent_to_the_granting_body(
    users, tree, round_, kinds
):
    kinds.bk_city.cap_per_unit_per_round = 1
    kinds.bk_city.save()
    first, second = _people(round_, tree.unit_a, 2)
    (other,) = _people(round_, tree.unit_b, 1)
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=first, submit=True)
    refused = nominate(round_, kinds.bk_city, actor=users.officer_a, member=second)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(refused, actor=users.officer_a)
    assert error.value.code == "quota"
    assert "Công đoàn Viên chức Hà Nội takes at most 1" in _messages(error)
    assert "Công đoàn cơ sở A has already sent 1" in _messages(error)
    assert _state(refused) == S.DRAFT
    assert refused.transitions.count() == 1
    sent = nominate(round_, kinds.bk_city, actor=users.officer_b, member=other, submit=True)
    assert sent.state == S.SUBMITTED


def test_grassroots_submit_does_not_count_nominations_on_their_way_to_a_higher_body(
    users, tree, round_, kinds, national_caps
):
    """Submitting to the city is not sending to the national union: no national cap there."""
    people = _people(round_, tree.unit_a, 3)
    for person in people:
        nominate(round_, national_caps, actor=users.officer_a, member=person, submit=True)
    assert Nomination.objects.filter(state=S.SUBMITTED).count() == 3


def test_forwarding_into_the_granting_body_is_checked_against_the_units_allocation(
    users, tree, round_, national_caps
):
    (first,) = _people(round_, tree.unit_a, 1)
    (second,) = _people(round_, tree.unit_b, 1)
    (third,) = _people(round_, tree.unit_c, 1)
    one = nominate(round_, national_caps, actor=users.officer_a, member=first, submit=True)
    two = nominate(round_, national_caps, actor=users.officer_b, member=second, submit=True)
    assert services.quota_before_sending(one)["mine"].used == 0
    services.forward_nomination(one, actor=users.city_reviewer)
    usage = services.quota_before_sending(two)
    assert (usage["mine"].used, usage["mine"].cap, usage["total"].used) == (1, 1, 1)
    with pytest.raises(ValidationError) as error:
        services.forward_nomination(two, actor=users.city_reviewer)
    assert error.value.code == "quota"
    assert "Công đoàn Viên chức Hà Nội has already sent 1" in _messages(error)
    assert "1689/QĐ-TLĐ" in _messages(error)
    assert (_state(two), Nomination.objects.get(pk=two.pk).reviewing_unit) == (
        S.SUBMITTED,
        tree.city,
    )
    # The other city has its own allocation.
    three = nominate(round_, national_caps, actor=users.outsider, member=third, submit=True)
    assert three.reviewing_unit == tree.other_city


def test_forwarding_is_checked_against_the_granting_bodys_total(
    users, tree, round_, national_caps, django_user_model
):
    from tests.factories import grant
    from unions.models import Role

    national_caps.cap_per_unit_per_round = None
    national_caps.cap_per_round = 1
    national_caps.save()
    reviewer = django_user_model.objects.create(username="dn_reviewer")
    grant(reviewer, tree.other_city, Role.REVIEWER)
    (first,) = _people(round_, tree.unit_a, 1)
    (other,) = _people(round_, tree.unit_c, 1)
    one = nominate(round_, national_caps, actor=users.officer_a, member=first, submit=True)
    services.forward_nomination(one, actor=users.city_reviewer)
    two = nominate(round_, national_caps, actor=users.outsider, member=other, submit=True)
    with pytest.raises(ValidationError) as error:
        services.forward_nomination(two, actor=reviewer)
    assert "takes at most 1 nominations" in _messages(error)
    assert _state(two) == S.SUBMITTED


def test_a_returned_nomination_frees_its_place(users, tree, round_, national_caps):
    first, second = _people(round_, tree.unit_a, 2)
    one = nominate(round_, national_caps, actor=users.officer_a, member=first, submit=True)
    two = nominate(round_, national_caps, actor=users.officer_a, member=second, submit=True)
    services.forward_nomination(one, actor=users.city_reviewer)
    services.return_nomination(one, actor=users.national_reviewer, reason="Bổ sung hồ sơ")
    services.forward_nomination(two, actor=users.city_reviewer)
    assert _state(two) == S.FORWARDED


def test_quota_is_counted_per_theme(users, tree, round_, national_caps):
    other_movement = make_movement(tree.national, code="OTHER", criteria=0)
    other_round = other_movement.rounds.get()
    first, second = _people(round_, tree.unit_a, 2)
    register(other_round, second)
    one = nominate(round_, national_caps, actor=users.officer_a, member=first, submit=True)
    services.forward_nomination(one, actor=users.city_reviewer)
    two = nominate(other_round, national_caps, actor=users.officer_a, member=second, submit=True)
    services.forward_nomination(two, actor=users.city_reviewer)
    assert _state(two) == S.FORWARDED


def test_the_granting_body_cannot_approve_beyond_the_allocation(users, tree, round_, kinds):
    bk = kinds.bk_national
    first, second = _people(round_, tree.unit_a, 2)
    nominations = [
        nominate(round_, bk, actor=users.officer_a, member=person, submit=True)
        for person in (first, second)
    ]
    for nomination in nominations:
        services.forward_nomination(nomination, actor=users.city_reviewer)
    bk.cap_per_unit_per_round = 1  # the allocation was set after both came up
    bk.save()
    services.approve_nomination(nominations[0], actor=users.national_reviewer)
    with pytest.raises(ValidationError) as error:
        services.approve_nomination(nominations[1], actor=users.national_reviewer)
    assert error.value.code == "quota"
    assert "1 from Công đoàn Viên chức Hà Nội are already approved" in _messages(error)
    assert _state(nominations[1]) == S.FORWARDED


def test_forward_page_shows_the_quota_used_before_sending(
    client_for, users, tree, round_, national_caps
):
    first, second = _people(round_, tree.unit_a, 2)
    one = nominate(round_, national_caps, actor=users.officer_a, member=first, submit=True)
    two = nominate(round_, national_caps, actor=users.officer_a, member=second, submit=True)
    services.forward_nomination(one, actor=users.city_reviewer)
    client = client_for(users.city_reviewer)
    page = client.get(reverse("awards:nomination_forward", args=[two.pk])).content.decode()
    assert "1 of 1 used" in page
    assert "1689/QĐ-TLĐ" in page
    detail = client.get(two.get_absolute_url()).content.decode()
    assert 'data-testid="quota-usage"' in detail
    response = client.post(reverse("awards:nomination_forward", args=[two.pk]), {"comment": ""})
    assert response.status_code == 302
    assert _state(two) == S.SUBMITTED


# --- Share quotas -----------------------------------------------------------------------------


@pytest.fixture
def cstd(kinds):
    return kind(
        "CSTD-CS",
        UnitLevel.GRASSROOTS,
        name_vi="Chiến sĩ thi đua cơ sở",
        category=AwardCategory.EMULATION_TITLE,
        quota_share=Decimal("0.15"),
        quota_base="award_kind",
        quota_base_kind=kinds.ldtt,
    )


def test_share_quota_is_counted_within_the_unit_that_grants_and_revoked_awards_leave_the_base(
    users, tree, round_, kinds, cstd, reviewer_a
):
    people = _people(round_, tree.unit_a, 7)
    ldtt = []
    for person in people:
        nomination = nominate(round_, kinds.ldtt, actor=users.officer_a, member=person, submit=True)
        ldtt.append(services.approve_nomination(nomination, actor=reviewer_a))
    # 15 % of 7 holders is 1; one revoked leaves 6, and 15 % of 6 is 0.
    services.record_revocation(ldtt[6], actor=users.clerk, number="5/QĐ-CĐCS", reason="Sai")
    nomination = nominate(round_, cstd, actor=users.officer_a, member=people[0])
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "quota"
    assert "within Công đoàn cơ sở A, which grants it" in _messages(error)
    assert _state(nomination) == S.DRAFT


def test_revoked_award_does_not_count_for_a_prerequisite(users, tree, round_, kinds, reviewer_a):
    kinds.bk_city.prerequisite_kind = kinds.ldtt
    kinds.bk_city.prerequisite_years = 1
    kinds.bk_city.save()
    (person,) = _people(round_, tree.unit_a, 1)
    ldtt = nominate(round_, kinds.ldtt, actor=users.officer_a, member=person, submit=True)
    ldtt = services.approve_nomination(ldtt, actor=reviewer_a)
    services.record_revocation(ldtt, actor=users.clerk, number="5/QĐ-CĐCS", reason="Sai")
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=person)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "prerequisite"


# --- One achievement, one award ---------------------------------------------------------------


def test_one_form_of_commendation_per_achievement_across_kinds_and_levels(
    users, tree, round_, kinds, member_a
):
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a)
    assert error.value.code == "one_award"
    assert "may not be combined" in _messages(error)
    assert Nomination.objects.filter(nominee_member=member_a).count() == 1


def test_titles_and_combinable_kinds_go_with_a_form_of_commendation(
    users, tree, round_, kinds, member_a
):
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    nominate(round_, kinds.ldtt, actor=users.officer_a, member=member_a)  # a title
    kinds.bk_national.combinable = True
    kinds.bk_national.save()
    nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a)
    assert Nomination.objects.filter(nominee_member=member_a).count() == 3


def test_a_new_achievement_may_bring_another_form(users, tree, round_, kinds, member_a):
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    other_round = make_movement(tree.national, code="OTHER", criteria=0).rounds.get()
    register(other_round, member_a)
    nominate(other_round, kinds.bk_national, actor=users.officer_a, member=member_a)


def test_general_and_thematic_of_one_level_and_year_do_not_both_go_to_one_person(
    users, tree, round_, kinds, member_a
):
    general = kind("BK-HN-TD", UnitLevel.PROVINCIAL, scope="general", combinable=True)
    kinds.bk_city.scope = "thematic"
    kinds.bk_city.save()
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        nominate(round_, general, actor=users.officer_a, member=member_a)
    assert error.value.code == "general_and_thematic"


def test_a_revoked_award_no_longer_blocks_another_form(users, tree, round_, kinds, member_a):
    first = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    first = services.approve_nomination(first, actor=users.city_reviewer)
    services.record_revocation(first, actor=users.clerk, number="9/QĐ", reason="Sai hồ sơ")
    nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a)
