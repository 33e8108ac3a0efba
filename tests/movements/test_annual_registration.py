"""Annual (year-end) rounds: a unit registers once with its list of members, the level above
approves or returns the list as a whole, and the unit records each member's task classification.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from movements import services
from movements.models import (
    ClassificationRecord,
    Movement,
    MovementKind,
    MovementState,
    Registration,
    RegistrationState,
    RegistrationTransition,
    Round,
    RoundDeadline,
    TaskClassification,
    classification_meets,
)
from tests.factories import MemberFactory
from unions.models import Activity, MemberStatus, UnitLevel

EXCELLENT, GOOD = TaskClassification.EXCELLENT, TaskClassification.GOOD
COMPLETED = TaskClassification.COMPLETED


def make_annual_round(launching_unit, *, state=MovementState.OPEN, code="TD-2026"):
    """An annual movement with one round, no criteria (it is assessed on classification)."""
    movement = Movement.objects.create(
        code=code,
        title_vi="Thi đua yêu nước năm",
        launching_unit=launching_unit,
        kind=MovementKind.REGULAR,
        starts_on=date(2019, 1, 1),
        state=state,
    )
    round_ = Round.objects.create(
        movement=movement,
        name="Năm",
        year=timezone.localdate().year,
        opens_on=timezone.localdate() - timedelta(days=10),
    )
    RoundDeadline.objects.create(
        round=round_, level=UnitLevel.GRASSROOTS, deadline=timezone.now() + timedelta(days=60)
    )
    return round_


@pytest.fixture
def annual_round(tree):
    return make_annual_round(tree.national)


@pytest.fixture
def titles(kinds):
    kinds.ldtt.min_classification = GOOD
    kinds.ldtt.classification_basis = "Luật 06/2022/QH15, Điều 26 (dữ liệu minh họa)"
    kinds.ldtt.save()
    return kinds


def file_list(round_, unit, actor, members, kinds, note=""):
    return services.file_annual_registration(
        round=round_,
        unit=unit,
        collective_award=kinds.collective,
        members=[(member, kinds.ldtt) for member in members],
        actor=actor,
        note=note,
    )


@pytest.fixture
def filed(annual_round, tree, users, titles, member_a, member_a1):
    return file_list(annual_round, tree.unit_a, users.officer_a, [member_a, member_a1], titles)


@pytest.fixture
def approved(filed, users):
    return services.approve_registration(filed, actor=users.city_reviewer)


# --- Filing the list ------------------------------------------------------------------------


def test_the_unit_files_one_registration_with_its_list(filed, annual_round, member_a, member_a1):
    lines = Registration.objects.filter(filed_with=filed)
    assert filed.member is None and filed.state == RegistrationState.AWAITING
    assert {line.member_id for line in lines} == {member_a.pk, member_a1.pk}
    assert {line.state for line in lines} == {RegistrationState.AWAITING}
    assert RegistrationTransition.objects.filter(registration__round=annual_round).count() == 3
    activity = Activity.objects.get(action="registration.submitted")
    assert "with 2 members" in activity.summary


def test_the_level_above_approves_the_list_as_a_whole(approved, users, annual_round, member_a):
    lines = Registration.objects.filter(filed_with=approved)
    assert {line.state for line in lines} == {RegistrationState.APPROVED}
    assert {line.decided_by_id for line in lines} == {users.city_reviewer.pk}
    assert services.is_registered(annual_round, member=member_a)
    # Each line has its history: awaiting, then approved.
    line = lines.get(member=member_a)
    assert list(line.transitions.values_list("to_state", flat=True)) == [
        RegistrationState.AWAITING,
        RegistrationState.APPROVED,
    ]


def test_the_worklists_count_the_list_once(filed, users, annual_round):
    from movements import scoping

    waiting = scoping.registrations_reviewable_by(users.city_reviewer).filter(round=annual_round)
    assert list(waiting) == [filed]
    services.return_registration(filed, actor=users.city_reviewer, reason="Bổ sung")
    assert list(scoping.registrations_to_file(users.officer_a)) == [filed]


def test_a_member_line_is_not_decided_on_its_own(filed, users, member_a):
    line = Registration.objects.get(filed_with=filed, member=member_a)
    with pytest.raises(ValidationError) as refused:
        services.approve_registration(line, actor=users.city_reviewer)
    assert refused.value.code == "filed_with_unit"
    line.refresh_from_db()
    assert line.state == RegistrationState.AWAITING


def test_a_returned_list_is_corrected_and_sent_again(
    filed, users, annual_round, tree, titles, member_a, member_a1
):
    services.return_registration(filed, actor=users.city_reviewer, reason="Thiếu đồng chí Lan")
    lines = Registration.objects.filter(filed_with=filed)
    assert {line.state for line in lines} == {RegistrationState.RETURNED}
    assert {line.return_reason for line in lines} == {"Thiếu đồng chí Lan"}
    newcomer = MemberFactory(unit=tree.unit_a, full_name="Đỗ Thị Lan")
    file_list(annual_round, tree.unit_a, users.officer_a, [member_a, newcomer], titles)
    lines = Registration.objects.filter(filed_with=filed)
    assert {line.member_id for line in lines} == {member_a.pk, newcomer.pk}
    assert {line.state for line in lines} == {RegistrationState.AWAITING}
    filed.refresh_from_db()
    assert filed.state == RegistrationState.AWAITING
    assert not Registration.objects.filter(round=annual_round, member=member_a1).exists()


# --- Bad input: a clear message, nothing changed --------------------------------------------


def _nothing_filed(round_):
    return not Registration.objects.filter(round=round_).exists()


def test_a_member_outside_the_unit_is_refused(
    annual_round, tree, users, titles, member_a, member_b
):
    with pytest.raises(ValidationError, match="Lê Minh Anh is not a member of Công đoàn cơ sở A"):
        file_list(annual_round, tree.unit_a, users.officer_a, [member_a, member_b], titles)
    assert _nothing_filed(annual_round)


def test_a_member_listed_twice_is_refused(annual_round, tree, users, titles, member_a):
    with pytest.raises(ValidationError, match="Nguyễn Thị Hằng appear") as refused:
        file_list(annual_round, tree.unit_a, users.officer_a, [member_a, member_a], titles)
    assert refused.value.code == "duplicate_member"
    assert _nothing_filed(annual_round)


def test_an_inactive_member_is_refused(annual_round, tree, users, titles, member_a):
    member_a.status = MemberStatus.LEFT
    member_a.save()
    with pytest.raises(ValidationError, match="no longer an active member"):
        file_list(annual_round, tree.unit_a, users.officer_a, [member_a], titles)
    assert _nothing_filed(annual_round)


def test_a_second_registration_is_refused(filed, annual_round, tree, users, titles, member_a):
    before = Registration.objects.filter(round=annual_round).count()
    with pytest.raises(ValidationError, match="already registered") as refused:
        file_list(annual_round, tree.unit_a, users.officer_a, [member_a], titles)
    assert refused.value.code == "already_registered"
    assert Registration.objects.filter(round=annual_round).count() == before


def test_a_member_on_another_units_list_is_refused(
    filed, annual_round, tree, users, titles, member_a1
):
    # Unit A's list carries member_a1 (of group A1): the group cannot list them again.
    officer = users.officer_a
    with pytest.raises(ValidationError, match="Already registered"):
        file_list(annual_round, tree.group_a1, officer, [member_a1], titles)
    assert not Registration.objects.filter(round=annual_round, unit=tree.group_a1).exists()


def test_an_empty_list_and_wrong_titles_are_refused(annual_round, tree, users, titles, member_a):
    with pytest.raises(ValidationError, match="List at least one member"):
        file_list(annual_round, tree.unit_a, users.officer_a, [], titles)
    with pytest.raises(ValidationError, match="awarded to collectives, not to a member"):
        services.file_annual_registration(
            round=annual_round,
            unit=tree.unit_a,
            collective_award=titles.collective,
            members=[(member_a, titles.collective)],
            actor=users.officer_a,
        )
    with pytest.raises(ValidationError, match="awarded to individuals"):
        services.file_annual_registration(
            round=annual_round,
            unit=tree.unit_a,
            collective_award=titles.ldtt,
            members=[(member_a, titles.ldtt)],
            actor=users.officer_a,
        )
    assert _nothing_filed(annual_round)


def test_a_thematic_round_takes_no_list(round_, tree, users, titles, member_a):
    with pytest.raises(ValidationError) as refused:
        file_list(round_, tree.unit_a, users.officer_a, [member_a], titles)
    assert refused.value.code == "not_annual"


def test_one_by_one_registration_is_refused_in_an_annual_round(
    annual_round, tree, users, titles, member_a
):
    with pytest.raises(ValidationError) as refused:
        services.register(
            round=annual_round,
            unit=tree.unit_a,
            member=member_a,
            target_award=titles.ldtt,
            actor=users.officer_a,
        )
    assert refused.value.code == "annual_round"
    with pytest.raises(ValidationError):
        services.register_members(
            round=annual_round,
            unit=tree.unit_a,
            members=[member_a],
            target_award=titles.ldtt,
            actor=users.officer_a,
        )
    assert _nothing_filed(annual_round)


def test_an_annual_movement_is_launched_without_a_scoring_table(tree, users):
    round_ = make_annual_round(tree.city, state=MovementState.DRAFT, code="TD-HN")
    services.launch_movement(round_.movement, actor=users.city_officer)
    round_.movement.refresh_from_db()
    assert round_.movement.state == MovementState.OPEN


# --- Who may do what (named users) ----------------------------------------------------------


@pytest.mark.parametrize("who", ["officer_b", "outsider", "city_reviewer", "nobody"])
def test_only_the_units_officers_file_its_list(annual_round, tree, users, titles, member_a, who):
    with pytest.raises(PermissionDenied):
        file_list(annual_round, tree.unit_a, getattr(users, who), [member_a], titles)
    assert _nothing_filed(annual_round)


@pytest.mark.parametrize("who", ["officer_a", "national_reviewer", "outsider", "clerk"])
def test_only_the_committee_above_decides_the_list(filed, users, who):
    with pytest.raises(PermissionDenied):
        services.approve_registration(filed, actor=getattr(users, who))
    filed.refresh_from_db()
    assert filed.state == RegistrationState.AWAITING


# --- The year's task classification ---------------------------------------------------------


def test_classification_thresholds_are_ordered():
    assert classification_meets(EXCELLENT, GOOD)
    assert classification_meets(GOOD, GOOD)
    assert not classification_meets(COMPLETED, GOOD)
    assert not classification_meets("", "")
    assert classification_meets(COMPLETED, "")


def test_the_unit_records_classifications_with_history(
    approved, annual_round, tree, users, member_a, member_a1
):
    count = services.record_classifications(
        round=annual_round,
        unit=tree.unit_a,
        grades={member_a.pk: EXCELLENT, member_a1.pk: GOOD},
        collective=GOOD,
        actor=users.officer_a,
    )
    assert count == 3
    # A correction keeps the previous grade in the history; an unchanged grade writes nothing.
    count = services.record_classifications(
        round=annual_round,
        unit=tree.unit_a,
        grades={member_a.pk: EXCELLENT, member_a1.pk: COMPLETED},
        actor=users.officer_a,
    )
    assert count == 1
    line = Registration.objects.get(filed_with=approved, member=member_a1)
    assert line.classification == COMPLETED
    assert list(line.classification_records.values_list("previous", "classification")) == [
        (GOOD, COMPLETED),
        ("", GOOD),
    ]
    approved.refresh_from_db()
    assert approved.classification == GOOD


def test_classification_of_an_unregistered_member_changes_nothing(
    approved, annual_round, tree, users, member_a, member_b
):
    with pytest.raises(ValidationError, match="not on it: Lê Minh Anh") as refused:
        services.record_classifications(
            round=annual_round,
            unit=tree.unit_a,
            grades={member_a.pk: EXCELLENT, member_b.pk: GOOD},
            actor=users.officer_a,
        )
    assert refused.value.code == "not_registered"
    assert not ClassificationRecord.objects.exists()
    assert not Registration.objects.exclude(classification="").exists()


def test_a_grade_that_does_not_exist_changes_nothing(approved, annual_round, tree, users, member_a):
    with pytest.raises(ValidationError, match="Choose a classification"):
        services.record_classifications(
            round=annual_round,
            unit=tree.unit_a,
            grades={member_a.pk: "vững mạnh"},
            actor=users.officer_a,
        )
    assert not ClassificationRecord.objects.exists()


def test_classification_waits_for_the_approved_list(filed, annual_round, tree, users, member_a):
    with pytest.raises(ValidationError) as refused:
        services.record_classifications(
            round=annual_round, unit=tree.unit_a, grades={member_a.pk: GOOD}, actor=users.officer_a
        )
    assert refused.value.code == "registration_not_approved"


@pytest.mark.parametrize("who", ["officer_b", "city_reviewer", "outsider"])
def test_only_the_units_officers_classify(approved, annual_round, tree, users, member_a, who):
    with pytest.raises(PermissionDenied):
        services.record_classifications(
            round=annual_round,
            unit=tree.unit_a,
            grades={member_a.pk: GOOD},
            actor=getattr(users, who),
        )
    assert not ClassificationRecord.objects.exists()


def test_classification_refusal_names_the_rule(
    approved, annual_round, tree, users, titles, member_a
):
    error = services.classification_refusal(annual_round, titles.ldtt, member=member_a)
    assert error.code == "classification_missing"
    services.record_classifications(
        round=annual_round, unit=tree.unit_a, grades={member_a.pk: COMPLETED}, actor=users.officer_a
    )
    error = services.classification_refusal(annual_round, titles.ldtt, member=member_a)
    assert error.code == "classification_below"
    assert "Completed tasks well" in error.messages[0] and "Điều 26" in error.messages[0]
    services.record_classifications(
        round=annual_round, unit=tree.unit_a, grades={member_a.pk: GOOD}, actor=users.officer_a
    )
    assert services.classification_refusal(annual_round, titles.ldtt, member=member_a) is None


# --- Pages ----------------------------------------------------------------------------------


def _url(name, *args):
    return reverse(f"movements:{name}", args=args)


def test_the_officer_files_the_list_on_one_page(
    client_for, annual_round, tree, users, titles, member_a, member_a1
):
    member_a1.card_number = "HN-0042"
    member_a1.save()
    client = client_for(users.officer_a)
    url = _url("round_annual_registration", annual_round.pk, tree.unit_a.pk)
    response = client.post(
        url,
        {
            "collective_award": titles.collective.pk,
            f"title_{member_a.pk}": titles.ldtt.pk,
            "default_award": titles.ldtt.pk,
            "card_numbers": "hn-0042\n",
            "note": "<b>Đăng ký</b>",
        },
    )
    assert response.status_code == 302
    unit_registration = Registration.objects.get(round=annual_round, member__isnull=True)
    assert unit_registration.state == RegistrationState.AWAITING
    assert set(unit_registration.filed_members.values_list("member_id", flat=True)) == {
        member_a.pk,
        member_a1.pk,
    }
    page = client.get(_url("round_unit", annual_round.pk, tree.unit_a.pk))
    assert b"Annual round" in page.content
    assert b"registration_bulk_approve" not in page.content


def test_ticked_members_take_the_title_chosen_for_them_all(
    client_for, annual_round, tree, users, titles, member_a, member_a1
):
    client = client_for(users.officer_a)
    url = _url("round_annual_registration", annual_round.pk, tree.unit_a.pk)
    response = client.post(
        url,
        {
            "collective_award": titles.collective.pk,
            "members": [member_a.pk, member_a1.pk],
            "default_award": titles.ldtt.pk,
        },
    )
    assert response.status_code == 302
    assert Registration.objects.filter(round=annual_round, member__isnull=False).count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"card_numbers": "KHONG-CO"}, b"No active member of C\xc3\xb4ng \xc4\x91o\xc3\xa0n"),
        ({"members": ["MEMBER_A"]}, b"Choose the title for the ticked members"),
        ({}, b"List at least one member"),
        ({"members": ["MEMBER_B"], "default_award": "LDTT"}, b"is not an active member of"),
        (
            {"card_numbers": "HN-0001", "title_MEMBER_A": "LDTT", "default_award": "LDTT"},
            b"appear(s) twice",
        ),
    ],
)
def test_bad_input_on_the_page_changes_nothing(
    client_for, annual_round, tree, users, titles, member_a, member_b, data, message
):
    member_a.card_number = "HN-0001"
    member_a.save()
    values = {"MEMBER_A": member_a.pk, "MEMBER_B": member_b.pk, "LDTT": titles.ldtt.pk}
    post = {"collective_award": titles.collective.pk}
    for key, value in data.items():
        key = key.replace("MEMBER_A", str(member_a.pk))
        post[key] = (
            [values.get(v, v) for v in value]
            if isinstance(value, list)
            else values.get(value, value)
        )
    client = client_for(users.officer_a)
    response = client.post(_url("round_annual_registration", annual_round.pk, tree.unit_a.pk), post)
    assert response.status_code == 200
    assert message in response.content
    assert _nothing_filed(annual_round)


@pytest.mark.parametrize(
    "who, status",
    [
        ("officer_a", 200),
        ("officer_b", 404),
        ("outsider", 404),
        ("nobody", 404),
        ("city_reviewer", 403),
        (None, 302),
    ],
)
def test_who_opens_the_units_list(client_for, annual_round, tree, users, titles, who, status):
    client = client_for(getattr(users, who) if who else None)
    url = _url("round_annual_registration", annual_round.pk, tree.unit_a.pk)
    assert client.get(url).status_code == status
    if who != "officer_a":
        assert client.post(url, {"collective_award": titles.collective.pk}).status_code in (
            status,
            302,
        )
        assert _nothing_filed(annual_round)


@pytest.mark.parametrize(
    "who, status",
    [
        ("officer_a", 200),
        ("city_reviewer", 200),
        ("officer_b", 404),
        ("outsider", 404),
        ("national_reviewer", 200),
        (None, 302),
    ],
)
def test_who_reads_the_classification(client_for, approved, annual_round, tree, users, who, status):
    client = client_for(getattr(users, who) if who else None)
    url = _url("round_classification", annual_round.pk, tree.unit_a.pk)
    assert client.get(url).status_code == status


def test_a_thematic_round_has_no_list_page(client_for, round_, tree, users):
    client = client_for(users.officer_a)
    assert (
        client.get(_url("round_annual_registration", round_.pk, tree.unit_a.pk)).status_code == 404
    )
    assert client.get(_url("round_classification", round_.pk, tree.unit_a.pk)).status_code == 404


def test_the_classification_page_records_and_bulk_sets(
    client_for, approved, annual_round, tree, users, member_a, member_a1
):
    client = client_for(users.officer_a)
    url = _url("round_classification", annual_round.pk, tree.unit_a.pk)
    response = client.post(
        url, {f"grade_{member_a.pk}": EXCELLENT, "set_all": GOOD, "collective": GOOD}
    )
    assert response.status_code == 302
    grades = dict(
        Registration.objects.filter(round=annual_round).values_list("member_id", "classification")
    )
    assert grades == {None: GOOD, member_a.pk: EXCELLENT, member_a1.pk: GOOD}
    page = client.get(url)
    assert b"classification-history" in page.content
    # A reviewer above reads it but records nothing.
    reviewer = client_for(users.city_reviewer)
    assert reviewer.get(url).status_code == 200
    assert reviewer.post(url, {f"grade_{member_a.pk}": COMPLETED}).status_code == 403
    assert (
        Registration.objects.get(filed_with=approved, member=member_a).classification == EXCELLENT
    )


def test_the_classification_page_waits_for_approval(client_for, filed, annual_round, tree, users):
    client = client_for(users.officer_a)
    response = client.get(_url("round_classification", annual_round.pk, tree.unit_a.pk))
    assert response.status_code == 302


# --- Exact query counts, the same at 1 and many members -------------------------------------


@pytest.mark.parametrize("rows", [1, 30])
def test_list_page_query_count(
    client_for, annual_round, tree, users, titles, rows, django_assert_num_queries
):
    MemberFactory.create_batch(rows, unit=tree.unit_a)
    client = client_for(users.officer_a)
    url = _url("round_annual_registration", annual_round.pk, tree.unit_a.pk)
    with django_assert_num_queries(12):  # with the navigation's badges (one query)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_filing_the_list_query_count(
    client_for, annual_round, tree, users, titles, rows, django_assert_num_queries
):
    members = MemberFactory.create_batch(rows, unit=tree.unit_a)
    client = client_for(users.officer_a)
    url = _url("round_annual_registration", annual_round.pk, tree.unit_a.pk)
    post = {"collective_award": titles.collective.pk, "default_award": titles.ldtt.pk}
    post["members"] = [m.pk for m in members]
    with django_assert_num_queries(24):
        assert client.post(url, post).status_code == 302
    assert Registration.objects.filter(round=annual_round, member__isnull=False).count() == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_classification_page_query_count(
    client_for, annual_round, tree, users, titles, rows, django_assert_num_queries
):
    members = MemberFactory.create_batch(rows, unit=tree.unit_a)
    registration = file_list(annual_round, tree.unit_a, users.officer_a, members, titles)
    services.approve_registration(registration, actor=users.city_reviewer)
    client = client_for(users.officer_a)
    url = _url("round_classification", annual_round.pk, tree.unit_a.pk)
    with django_assert_num_queries(12):  # with the navigation's badges (one query)
        assert client.get(url).status_code == 200
    post = {f"grade_{m.pk}": GOOD for m in members}
    with django_assert_num_queries(17):
        assert client.post(url, post).status_code == 302
