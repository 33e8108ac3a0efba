"""Awards an outside authority decides (Law 06/2022/QH15 Art. 80(1)): the union's committee
approves, the unit proposes to the authority, records its decision; the award then counts for
prerequisites, and the union issues nothing of its own for it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from awards import outside, services
from awards.models import OutsideProposalState
from commendations import scoping as commendations_scoping
from commendations import services as commendations_services
from movements.models import AwardCategory, Grantor
from tests.factories import (
    MemberFactory,
    UserFactory,
    grant,
    kind,
    make_pdf,
    nominate,
    register,
)
from unions.models import Activity, Role, UnitLevel

AGENCY = "Giám đốc Sở Tư pháp thành phố Hà Nội"


@pytest.fixture
def ldtt(db):
    return kind(
        "LDTT-CQ",
        UnitLevel.GRASSROOTS,
        name_vi="Lao động tiên tiến",
        category=AwardCategory.EMULATION_TITLE,
        grantor=Grantor.AGENCY_HEAD,
    )


@pytest.fixture
def cstd(ldtt):
    return kind(
        "CSTD-CQ",
        UnitLevel.GRASSROOTS,
        name_vi="Chiến sĩ thi đua cơ sở",
        category=AwardCategory.EMULATION_TITLE,
        grantor=Grantor.AGENCY_HEAD,
        prerequisite_kind=ldtt,
        prerequisite_years=1,
    )


@pytest.fixture
def approved(users, tree, round_, ldtt, reviewer_a, member_a):
    nomination = nominate(round_, ldtt, actor=users.officer_a, member=member_a, submit=True)
    return services.approve_nomination(nomination, actor=reviewer_a)


def _send(users, tree, ldtt, nominations, **fields):
    values = {
        "actor": users.officer_a,
        "unit": tree.unit_a,
        "award_kind": ldtt,
        "authority": AGENCY,
        "letter_number": "05/TTr-CĐCS",
        "letter_date": timezone.localdate(),
        "nominations": nominations,
    }
    values.update(fields)
    return outside.send_outside_proposal(**values)


def _scan(name="quyet-dinh.pdf"):
    return SimpleUploadedFile(name, make_pdf(), "application/pdf")


def _record(proposal, actor, **fields):
    values = {
        "actor": actor,
        "number": "112/QĐ-STP",
        "date": timezone.localdate(),
        "issuer": AGENCY,
        "upload": _scan(),
    }
    values.update(fields)
    return outside.record_outside_decision(proposal, **values)


def test_outside_award_counts_for_the_prerequisite_once_its_decision_is_recorded(
    users, tree, round_, cstd, approved, member_a
):
    later = nominate(round_, cstd, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(later, actor=users.officer_a)
    assert error.value.code == "prerequisite"  # approved by the union: proposed, not granted

    proposal = _send(users, tree, approved.award_kind, [approved])
    assert list(outside.proposable(tree.unit_a)) == []
    proposal = _record(proposal, users.officer_a)

    assert proposal.state == OutsideProposalState.DECIDED
    assert list(proposal.granted.all()) == [approved]
    assert proposal.decision_file.name.startswith("outside-decisions/")
    assert services.submit_nomination(later, actor=users.officer_a).state == "submitted"
    actions = set(Activity.objects.filter(unit=tree.unit_a).values_list("action", flat=True))
    assert {"outside_proposal.sent", "outside_proposal.decided"} <= actions


def test_the_union_issues_no_decision_for_an_outside_award(users, tree, ldtt, approved):
    clerk_a = UserFactory(username="clerk_a")
    grant(clerk_a, tree.unit_a, Role.CLERK)
    assert list(commendations_scoping.approved_at(tree.unit_a)) == []
    with pytest.raises(ValidationError) as error:
        commendations_services.create_decision(
            actor=clerk_a, issuing_unit=tree.unit_a, award_kind=ldtt, number="1/QĐ-CĐCS"
        )
    assert error.value.code == "outside_grantor"
    assert "Art. 80(1)" in " ".join(error.value.messages)


def test_a_union_award_is_not_proposed_outside(users, tree, round_, kinds, approved):
    with pytest.raises(ValidationError) as error:
        _send(users, tree, kinds.ldtt, [approved])
    assert error.value.code == "granted_by_the_union"


def test_only_the_units_officers_and_clerks_propose(users, tree, ldtt, approved):
    for actor in (users.officer_b, users.city_officer, users.outsider, users.nobody):
        with pytest.raises(PermissionDenied):
            _send(users, tree, ldtt, [approved], actor=actor)


def test_proposal_refusals_name_the_rule(users, tree, round_, ldtt, approved, member_a1):
    with pytest.raises(ValidationError) as error:
        _send(users, tree, ldtt, [approved], letter_date=timezone.localdate() - timedelta(days=1))
    assert error.value.code == "letter_date"
    with pytest.raises(ValidationError) as error:
        _send(users, tree, ldtt, [], letter_number="06/TTr")
    assert error.value.code == "empty"
    with pytest.raises(ValidationError) as error:
        _send(users, tree, ldtt, [approved], authority=" ")
    assert error.value.code == "proposal_incomplete"
    draft = nominate(round_, ldtt, actor=users.officer_a, member=member_a1)
    with pytest.raises(ValidationError) as error:
        _send(users, tree, ldtt, [draft])
    assert error.value.code == "not_eligible"
    _send(users, tree, ldtt, [approved])
    with pytest.raises(ValidationError) as error:  # once proposed, not again
        _send(users, tree, ldtt, [approved])
    assert error.value.code == "not_eligible"


def test_recording_refusals_name_the_rule(users, tree, ldtt, approved):
    proposal = _send(users, tree, ldtt, [approved])
    with pytest.raises(ValidationError) as error:
        _record(proposal, users.officer_a, upload=SimpleUploadedFile("x.pdf", b"<html>", "x"))
    assert error.value.code == "bad_evidence"
    with pytest.raises(ValidationError) as error:
        _record(proposal, users.officer_a, date=timezone.localdate() - timedelta(days=1))
    assert error.value.code == "decision_date"
    with pytest.raises(ValidationError) as error:
        _record(proposal, users.officer_a, number="")
    assert error.value.code == "decision_incomplete"
    with pytest.raises(PermissionDenied):
        _record(proposal, users.city_officer)
    _record(proposal, users.officer_a)
    with pytest.raises(ValidationError) as error:
        _record(proposal, users.officer_a)
    assert error.value.code == "already_recorded"


def test_a_decision_may_grant_part_of_the_proposal(users, tree, round_, ldtt, approved, reviewer_a):
    other = MemberFactory(unit=tree.unit_a, full_name="Phạm Thu Hà")
    register(round_, other)
    second = nominate(round_, ldtt, actor=users.officer_a, member=other, submit=True)
    second = services.approve_nomination(second, actor=reviewer_a)
    proposal = _send(users, tree, ldtt, [approved, second])
    proposal = _record(proposal, users.officer_a, granted=[second])
    assert list(proposal.granted.all()) == [second]
    assert set(proposal.nominations.all()) == {approved, second}


def test_proposal_pages_are_scoped(users, tree, ldtt, approved, client):
    proposal = _send(users, tree, ldtt, [approved], letter_number=None)  # from the register
    proposal = _record(proposal, users.officer_a)
    for name in (
        "awards:outside_proposal_detail",
        "awards:outside_decision_file",
        "awards:outside_proposal_letter",
    ):
        url = reverse(name, args=[proposal.pk])
        for user, status in [
            (users.officer_a, 200),
            (users.city_officer, 200),
            (users.clerk, 200),
            (users.officer_b, 404),
            (users.outsider, 404),
            (users.nobody, 404),
        ]:
            client.force_login(user)
            assert client.get(url).status_code == status, (name, user)
    client.logout()
    assert client.get(url).status_code == 302


def test_the_pages_propose_and_record(users, tree, ldtt, approved, client):
    client.force_login(users.officer_a)
    listing = client.get(reverse("awards:outside_proposal_list"))
    assert listing.context["ready"] == [(tree.unit_a, ldtt, 1)]
    create = (
        reverse("awards:outside_proposal_create") + f"?unit={tree.unit_a.pk}&award_kind={ldtt.pk}"
    )
    today = timezone.localdate().strftime("%d/%m/%Y")
    response = client.post(
        create,
        {"authority": AGENCY, "letter_number": "05/TTr", "letter_date": today,
         "nominations": [approved.pk]},
    )  # fmt: skip
    proposal = approved.outside_proposals.get()
    assert response.url == proposal.get_absolute_url()
    detail = proposal.get_absolute_url()
    client.force_login(users.city_officer)  # reads it, may not record: 403
    assert client.post(detail, {"number": "1"}).status_code == 403
    client.force_login(users.officer_a)
    bad = SimpleUploadedFile("qd.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(
        detail,
        {"number": "112/QĐ-STP", "date": today, "issuer": AGENCY, "upload": bad,
         "granted": [approved.pk]},
    )  # fmt: skip
    assert response.status_code == 200 and "qd.pdf" in response.content.decode()
    response = client.post(
        detail,
        {"number": "112/QĐ-STP", "date": today, "issuer": AGENCY, "upload": _scan(),
         "granted": [approved.pk]},
    )  # fmt: skip
    proposal.refresh_from_db()
    assert proposal.is_decided and proposal.decision_number == "112/QĐ-STP"
    again = client.post(detail, {"number": "2"}, follow=True)
    page = again.content.decode()
    assert "is already recorded" in page or "đã được cập nhật cho tờ trình này" in page
    other = (
        reverse("awards:outside_proposal_create") + f"?unit={tree.unit_b.pk}&award_kind={ldtt.pk}"
    )
    assert client.get(other).status_code == 404


@pytest.fixture
def agency_commendation(db):
    return kind(
        "GK-STP",
        UnitLevel.GRASSROOTS,
        name_vi="Giấy khen của Giám đốc Sở Tư pháp",
        category=AwardCategory.COMMENDATION,
        grantor=Grantor.AGENCY_HEAD,
    )


@pytest.mark.parametrize("authority_grants", [False, True])
def test_only_an_award_the_authority_refused_leaves_the_achievement_free(
    users, tree, round_, kinds, reviewer_a, member_a, agency_commendation, authority_grants
):
    first = nominate(round_, agency_commendation, actor=users.officer_a, member=member_a,
                     submit=True)  # fmt: skip
    first = services.approve_nomination(first, actor=reviewer_a)
    proposal = _send(users, tree, agency_commendation, [first])
    with pytest.raises(ValidationError) as error:  # proposed, not decided yet: it stands
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    assert error.value.code == "one_award"
    _record(proposal, users.officer_a, granted=[first] if authority_grants else [])
    if authority_grants:
        with pytest.raises(ValidationError) as error:
            nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
        assert error.value.code == "one_award"
    else:  # the authority granted nothing: the same achievement may go for a union award
        second = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
        assert services.submit_nomination(second, actor=users.officer_a).state == "submitted"
