"""One achievement, one award and general vs thematic (issue 11 part 4), through the services and
the pages: the level that counts is the level of the unit that actually decides, imported prior
awards count where they match, revoked commendations do not."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from awards import services
from awards.models import Nomination, NominationState, PriorAward
from tests.factories import kind, nominate
from unions.models import UnitLevel

S = NominationState


def _messages(error):
    return " ".join(error.value.messages)


@pytest.fixture
def two_levels(kinds):
    """The thematic Bằng khen that a provincial federation or a national sectoral union grants:
    one kind, two levels (its main level is the provincial one)."""
    return kind(
        "BK-CD",
        UnitLevel.PROVINCIAL,
        other_granting_level=UnitLevel.NATIONAL,
        name_vi="Bằng khen chuyên đề",
        scope="thematic",
        combinable=True,
    )


@pytest.fixture
def general_national(kinds):
    kinds.bk_national.scope = "general"
    kinds.bk_national.combinable = True
    kinds.bk_national.save()
    return kinds.bk_national


def _prior(member, award_kind, year, unit, number="12/QĐ-CĐVC"):
    return PriorAward.objects.create(
        member=member,
        award_kind=award_kind,
        year=year,
        decision_number=number,
        issuer="Công đoàn Viên chức Việt Nam",
        unit=unit,
    )


# --- General and thematic: the deciding unit's level ------------------------------------------


def test_a_two_level_kind_granted_by_the_national_union_meets_its_general_award(
    users, tree, round_, two_levels, general_national, member_a
):
    """The thematic kind's main level is provincial, but the national union decides it here:
    with the national union's general Bằng khen of the same year, it is refused."""
    nominate(round_, general_national, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        nominate(
            round_, two_levels, actor=users.officer_a, member=member_a, granting_unit=tree.national
        )
    assert error.value.code == "general_and_thematic"
    assert Nomination.objects.filter(nominee_member=member_a).count() == 1


def test_a_two_level_kind_granted_by_the_city_goes_with_the_national_general_award(
    users, tree, round_, two_levels, general_national, member_a
):
    nominate(round_, general_national, actor=users.officer_a, member=member_a)
    thematic = nominate(round_, two_levels, actor=users.officer_a, member=member_a, submit=True)
    assert (thematic.deciding_unit, thematic.state) == (tree.city, S.SUBMITTED)


def test_two_kinds_of_the_same_main_level_decided_at_different_levels_go_together(
    users, tree, round_, two_levels, member_a
):
    """Both kinds' main level is provincial; the city grants the general one and the national
    union the thematic one: two levels, both allowed."""
    general = kind(
        "BK-TD",
        UnitLevel.PROVINCIAL,
        other_granting_level=UnitLevel.NATIONAL,
        scope="general",
        combinable=True,
    )
    nominate(round_, general, actor=users.officer_a, member=member_a, granting_unit=tree.city)
    thematic = nominate(
        round_, two_levels, actor=users.officer_a, member=member_a, granting_unit=tree.national
    )
    thematic = services.submit_nomination(thematic, actor=users.officer_a)
    assert thematic.deciding_unit == tree.national


def test_choosing_the_other_level_later_is_checked_when_the_draft_is_changed_and_submitted(
    users, tree, round_, two_levels, general_national, member_a
):
    thematic = nominate(round_, two_levels, actor=users.officer_a, member=member_a)
    nominate(round_, general_national, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        services.update_nomination(
            thematic, actor=users.officer_a, award_kind=two_levels, granting_unit=tree.national
        )
    assert error.value.code == "general_and_thematic"
    # Written straight to the row (as an older draft might be): the submission refuses it.
    Nomination.objects.filter(pk=thematic.pk).update(deciding_unit=tree.national)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(thematic, actor=users.officer_a)
    assert error.value.code == "general_and_thematic"
    assert Nomination.objects.get(pk=thematic.pk).state == S.DRAFT


def test_the_nomination_page_says_why_the_other_level_is_refused(
    client_for, users, tree, round_, two_levels, general_national, member_a
):
    nominate(round_, general_national, actor=users.officer_a, member=member_a)
    data = {"award_kind": two_levels.pk, "achievement": "Hoàn thành xuất sắc.",
            "granting_unit": tree.national.pk}  # fmt: skip
    for criterion in services.criteria_for(round_, two_levels.beneficiary):
        data[f"score_{criterion.pk}"] = "40" if criterion.required else "0"
    response = client_for(users.officer_a).post(
        reverse("awards:nominate_member", args=[member_a.pk]), data
    )
    assert response.status_code == 200
    assert "a general and a thematic commendation do not both go" in response.content.decode()
    assert Nomination.objects.filter(award_kind=two_levels).count() == 0


def test_a_revoked_general_award_no_longer_blocks_the_thematic_one(
    users, tree, round_, two_levels, general_national, member_a
):
    general = nominate(round_, general_national, actor=users.officer_a, member=member_a)
    general = services.submit_nomination(general, actor=users.officer_a)
    general = services.forward_nomination(general, actor=users.city_reviewer)
    general = services.approve_nomination(general, actor=users.national_reviewer)
    services.record_revocation(general, actor=users.clerk, number="9/QĐ", reason="Sai hồ sơ")
    national = tree.national
    nominate(round_, two_levels, actor=users.officer_a, member=member_a, granting_unit=national)


# --- Prior awards count where they match ---------------------------------------------------------


def test_a_prior_general_award_of_the_level_and_year_blocks_the_thematic_one(
    users, tree, round_, two_levels, general_national, member_a
):
    _prior(member_a, general_national, round_.year, tree.unit_a, number="77/QĐ-CĐVC")
    with pytest.raises(ValidationError) as error:
        nominate(
            round_, two_levels, actor=users.officer_a, member=member_a, granting_unit=tree.national
        )
    assert error.value.code == "general_and_thematic"
    assert "77/QĐ-CĐVC" in _messages(error)


def test_a_prior_award_of_another_level_or_year_does_not_block(
    users, tree, round_, two_levels, general_national, member_a
):
    _prior(member_a, general_national, round_.year - 1, tree.unit_a)
    national = tree.national
    nominate(round_, two_levels, actor=users.officer_a, member=member_a, granting_unit=national)
    general_city = kind("BK-HN-TD", UnitLevel.PROVINCIAL, scope="general", combinable=True)
    other = kind("BK-CD2", UnitLevel.NATIONAL, scope="thematic", combinable=True)
    _prior(member_a, general_city, round_.year, tree.unit_a)
    nominate(round_, other, actor=users.officer_a, member=member_a)  # national, not provincial


def test_a_prior_award_of_the_same_kind_and_year_is_one_award_already(
    users, tree, round_, kinds, member_a
):
    _prior(member_a, kinds.ldtt, round_.year, tree.unit_a, number="3/QĐ-CĐCS")
    with pytest.raises(ValidationError) as error:
        nominate(round_, kinds.ldtt, actor=users.officer_a, member=member_a)
    assert error.value.code == "duplicate"
    assert "3/QĐ-CĐCS" in _messages(error)
    _prior(member_a, kinds.bk_city, round_.year - 1, tree.unit_a)
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)  # another year


def test_a_prior_award_imported_after_the_submission_is_seen_at_the_approval(
    client_for, users, tree, round_, two_levels, general_national, member_a
):
    thematic = nominate(
        round_, two_levels, actor=users.officer_a, member=member_a, submit=True,
        granting_unit=tree.national,
    )  # fmt: skip
    thematic = services.forward_nomination(thematic, actor=users.city_reviewer)
    _prior(member_a, general_national, round_.year, tree.unit_a, number="88/QĐ-CĐVC")
    with pytest.raises(ValidationError) as error:
        services.approve_nomination(thematic, actor=users.national_reviewer)
    assert error.value.code == "general_and_thematic"
    response = client_for(users.national_reviewer).post(
        reverse("awards:nomination_approve", args=[thematic.pk]), follow=True
    )
    assert "88/QĐ-CĐVC" in response.content.decode()
    assert Nomination.objects.get(pk=thematic.pk).state == S.FORWARDED
