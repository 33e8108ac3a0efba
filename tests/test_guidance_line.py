"""The second line of the tree: a unit guided by a sectoral union besides its parent.

In the named world (tests/named_world.py) the Hải Phòng civil servants' union ("guided") stands
under the Hải Phòng Federation of Labour and is guided by the national civil servants' union.
The national union's movement reaches the guided union's subtree; a nomination for its award
goes G → guided union → national union, not to the federation; a return goes back to the level
that sent it. The national union's staff see what came to them and nothing else of the guided
branch: not its units' pages, members, or nominations of other movements.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from awards import scoping as awards_scoping
from awards import services
from awards.models import NominationState
from movements import scoping as movements_scoping
from movements import services as movements_services
from movements.models import MovementState, RegistrationState
from tests.factories import MemberFactory, UserFactory, kind, make_movement, nominate
from unions import services as unions_services
from unions.models import Activity, Unit, UnitLevel

S = NominationState


@pytest.fixture
def world(tree, users, movement):
    movement.requires_registration = False
    movement.save()
    return tree


@pytest.fixture
def round_(world, movement):
    return movement.rounds.get()


@pytest.fixture
def bk_national(db):
    return kind("BK-CDVC", UnitLevel.NATIONAL, name_vi="Bằng khen CĐVC Việt Nam")


@pytest.fixture
def member_g(tree):
    return MemberFactory(unit=tree.unit_g, full_name="Phạm Thị Hải Yến")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


def _guided_line_nomination(round_, award_kind, users, member):
    """Submitted by G, forwarded by the guided union: held by the national union."""
    nomination = nominate(round_, award_kind, actor=users.officer_g, member=member, submit=True)
    return services.forward_nomination(nomination, actor=users.guided_reviewer)


# --- The model, the geometry, the services ---------------------------------------------------


def test_the_guided_unit_keeps_its_parent_and_gains_a_guide(world):
    guided = Unit.objects.get(pk=world.guided.pk)
    assert Unit.objects.get_parent(guided) == world.federation
    assert guided.guiding_unit == world.national
    assert list(world.national.guided_units.all()) == [guided]


def test_the_line_up_leaves_the_administrative_line_at_the_guided_unit(world):
    line, guided = world.unit_g.line_up_in(world.national)
    assert [unit.code for unit in line] == ["HP", "CDVC", "TLD"]
    assert guided == world.guided
    line, guided = world.unit_g.line_up_in(world.federation)
    assert ([unit.code for unit in line], guided) == (["HP", "LDLD-HP", "TLD"], None)
    assert world.unit_g.reached_by(world.national)
    assert world.unit_g.reached_by(world.federation)
    assert not world.unit_g.reached_by(world.city)
    assert not world.unit_a.reached_by(world.federation)


@pytest.mark.parametrize(
    "guide, message",
    [
        ("guided", "cannot guide itself"),
        ("unit_g", "stands below this unit"),
        ("federation", "already stands above this unit"),
        ("unit_c", "not at a higher level"),
    ],
)
def test_a_guide_must_be_another_branch_s_unit_at_a_higher_level(
    world, admin_user, guide, message, interface_language
):
    with pytest.raises(ValidationError) as error:
        unions_services.update_unit(
            world.guided, actor=admin_user, guiding_unit=getattr(world, guide)
        )
    assert message in " ".join(error.value.messages)
    assert Unit.objects.get(pk=world.guided.pk).guiding_unit == world.national


@pytest.fixture
def interface_language():
    return "en"


def test_the_guide_is_set_above_the_unit_and_leaves_an_activity_row(world, users, admin_user):
    # The guided union's own officer may not choose which line it answers on.
    with pytest.raises(PermissionDenied):
        unions_services.update_unit(world.guided, actor=users.guided_officer, guiding_unit=None)
    unions_services.update_unit(world.guided, actor=admin_user, guiding_unit=None)
    assert Unit.objects.get(pk=world.guided.pk).guiding_unit is None
    rows = Activity.objects.filter(action="unit.guide_changed")
    assert {row.unit_id for row in rows} == {world.guided.pk, world.national.pk}


def test_a_unit_created_with_a_guide_is_checked_on_its_own_line(world, admin_user):
    with pytest.raises(ValidationError):
        unions_services.create_unit(
            parent=world.guided,
            actor=admin_user,
            name="Công đoàn cơ sở H",
            code="HP-H",
            level=UnitLevel.GRASSROOTS,
            guiding_unit=world.federation,  # already above it
        )
    created = unions_services.create_unit(
        parent=world.city,
        actor=admin_user,
        name="Công đoàn Viên chức quận",
        code="HN-Q",
        level=UnitLevel.UPPER_GRASSROOTS,
        guiding_unit=world.federation,
    )
    assert created.guiding_unit == world.federation


# --- Movements and registrations -------------------------------------------------------------


def test_the_guiding_unit_s_movement_reaches_the_guided_subtree(world, users, movement):
    assert movement in movements_scoping.movements_open_to_unit(world.unit_g)
    assert movement in movements_scoping.visible_movements(users.officer_g)
    assert movements_scoping.movement_covers(movement, world.unit_g)


def test_the_guiding_unit_does_not_see_the_guided_units_own_movements(world, users):
    federation_movement = make_movement(world.federation, code="LDLD-HP-2026")
    guided_movement = make_movement(world.guided, code="HP-2026")
    seen = movements_scoping.visible_movements(users.national_reviewer)
    assert federation_movement not in seen
    assert guided_movement not in seen
    assert federation_movement in movements_scoping.visible_movements(users.officer_g)


def test_a_draft_of_the_guiding_unit_stays_hidden_from_the_guided_units(world, users):
    draft = make_movement(world.national, code="CDVC-DRAFT", state=MovementState.DRAFT)
    assert draft not in movements_scoping.visible_movements(users.officer_g)


def test_the_guided_unit_s_own_registration_goes_to_the_guiding_committee(
    world, users, round_, bk_national, admin_user
):
    collective = kind("CO-CDVC", UnitLevel.NATIONAL, beneficiary="collective")
    registration = movements_services.register(
        round=round_, unit=world.guided, target_award=collective, actor=users.guided_officer
    )
    assert users.national_reviewer.has_perm("movements.review_registration", registration)
    assert not users.federation_reviewer.has_perm("movements.review_registration", registration)
    assert registration in movements_scoping.registrations_reviewable_by(users.national_reviewer)
    assert registration in movements_scoping.registrations_visible_to(users.national_reviewer)
    movements_services.approve_registration(registration, actor=users.national_reviewer)
    registration.refresh_from_db()
    assert registration.state == RegistrationState.APPROVED


def test_a_grassroots_registration_is_decided_by_its_parent_on_either_line(
    world, users, round_, member_g
):
    ldtt = kind("LDTT", UnitLevel.GRASSROOTS)
    registration = movements_services.register(
        round=round_, unit=world.unit_g, member=member_g, target_award=ldtt, actor=users.officer_g
    )
    assert users.guided_reviewer.has_perm("movements.review_registration", registration)
    assert not users.national_reviewer.has_perm("movements.review_registration", registration)
    assert registration not in movements_scoping.registrations_visible_to(users.national_reviewer)


# --- Nominations up the guidance line -------------------------------------------------------


def test_a_nomination_for_the_guide_s_award_travels_up_the_guidance_line(
    world, users, round_, bk_national, member_g
):
    nomination = nominate(round_, bk_national, actor=users.officer_g, member=member_g, submit=True)
    assert (nomination.reviewing_unit, nomination.deciding_unit, nomination.guided_unit) == (
        world.guided,
        world.national,
        world.guided,
    )
    nomination = services.forward_nomination(nomination, actor=users.guided_reviewer)
    assert nomination.reviewing_unit == world.national  # not the federation
    nomination = services.approve_nomination(nomination, actor=users.national_reviewer)
    assert nomination.state == S.APPROVED
    assert [t.to_unit for t in nomination.transitions.exclude(to_unit=None)] == [
        world.guided,
        world.national,
    ]


def test_an_award_of_the_federation_is_not_granted_through_the_guide_s_movement(
    world, users, round_, member_g
):
    bk_federation = kind("BK-LDLD", UnitLevel.PROVINCIAL)
    with pytest.raises(ValidationError) as error:
        nominate(round_, bk_federation, actor=users.officer_g, member=member_g)
    assert "No unit above" in " ".join(error.value.messages)


def test_the_federation_s_movement_keeps_the_administrative_line(world, users, member_g):
    movement = make_movement(world.federation, code="LDLD-HP-2026", requires_registration=False)
    bk_federation = kind("BK-LDLD", UnitLevel.PROVINCIAL)
    nomination = nominate(
        movement.rounds.get(), bk_federation, actor=users.officer_g, member=member_g, submit=True,
        points=10,
    )  # fmt: skip
    nomination = services.forward_nomination(nomination, actor=users.guided_reviewer)
    assert (nomination.reviewing_unit, nomination.guided_unit) == (world.federation, None)


def test_a_return_goes_back_to_the_level_that_sent_it(world, users, round_, bk_national, member_g):
    nomination = _guided_line_nomination(round_, bk_national, users, member_g)
    nomination = services.return_nomination(
        nomination, actor=users.national_reviewer, reason="Bổ sung tờ trình của cấp dưới"
    )
    assert (nomination.state, nomination.reviewing_unit) == (S.SENT_BACK, world.guided)
    # The guided union's committee may complete it and forward it again ...
    assert services.may(users.guided_reviewer, "forward_nomination", nomination)
    assert not services.may(users.national_reviewer, "approve_nomination", nomination)
    assert not services.may(users.officer_g, "edit_nomination", nomination)
    nomination = services.forward_nomination(nomination, actor=users.guided_reviewer)
    assert (nomination.state, nomination.reviewing_unit) == (S.FORWARDED, world.national)
    # ... or return it further down, to the proposer.
    nomination = services.return_nomination(
        nomination, actor=users.national_reviewer, reason="Lý do"
    )
    nomination = services.return_nomination(nomination, actor=users.guided_reviewer, reason="Lý do")
    assert (nomination.state, nomination.reviewing_unit) == (S.RETURNED, world.guided)
    assert services.may(users.officer_g, "edit_nomination", nomination)


# --- Who sees what on the guidance line --------------------------------------------------------


def test_the_guiding_committee_sees_only_what_came_up_to_it(
    world, users, round_, bk_national, member_g
):
    waiting_below = nominate(
        round_, bk_national, actor=users.officer_g, member=MemberFactory(unit=world.unit_g),
        submit=True,
    )  # fmt: skip
    came_up = _guided_line_nomination(round_, bk_national, users, member_g)
    national = users.national_reviewer
    assert set(awards_scoping.review_queue_for(national)) == {came_up}
    assert came_up in awards_scoping.nominations_visible_to(national)
    assert waiting_below not in awards_scoping.nominations_visible_to(national)
    assert set(awards_scoping.awaiting_decision_by(national)) == {came_up}
    # The federation reads its subtree's dossiers, but none of them came before its committee.
    assert came_up in awards_scoping.nominations_visible_to(users.federation_reviewer)
    assert not awards_scoping.review_queue_for(users.federation_reviewer).exists()
    assert not services.may(users.federation_reviewer, "forward_nomination", came_up)
    assert world.guided in awards_scoping.queue_units_for(national)


PAGES = ("came_up", "approve", "other", "member", "members", "unit", "movement")


def row(*codes):
    return dict(zip(PAGES, codes, strict=True))


def _status(client, url):
    return client.get(url).status_code


def test_pages_of_the_guided_branch_as_each_user_finds_them(
    world, users, round_, bk_national, member_g, client_for
):
    came_up = _guided_line_nomination(round_, bk_national, users, member_g)
    other_movement = make_movement(
        world.federation, code="LDLD-HP-2026", requires_registration=False
    )
    other = nominate(
        other_movement.rounds.get(), kind("BK-LDLD", UnitLevel.PROVINCIAL), actor=users.officer_g,
        member=MemberFactory(unit=world.unit_g), submit=True, points=10,
    )  # fmt: skip
    pages = {
        "came_up": reverse("awards:nomination_detail", args=[came_up.pk]),
        "approve": reverse("awards:nomination_approve", args=[came_up.pk]),
        "other": reverse("awards:nomination_detail", args=[other.pk]),
        "member": reverse("unions:member_detail", args=[member_g.pk]),
        "members": reverse("unions:member_list", args=[world.unit_g.pk]),
        "unit": reverse("unions:unit_detail", args=[world.guided.pk]),
        "movement": reverse("movements:movement_detail", args=[round_.movement_id]),
    }
    expected = {
        # The guiding union's reviewer: the dossier sent to it, and the movement it launched.
        "national_reviewer": row(200, 200, 404, 404, 404, 404, 200),
        # The administrative line reads its whole subtree, but does not review the guidance
        # line, and the guiding union's movement does not reach the federation itself.
        "federation_reviewer": row(200, 403, 200, 200, 200, 200, 404),
        # Its committee forwarded it: its moment has passed (back to the page, with the reason).
        "guided_reviewer": row(200, 302, 200, 200, 200, 200, 200),
        "officer_g": row(200, 403, 200, 200, 200, 404, 200),
        "city_reviewer": row(404, 404, 404, 404, 404, 404, 200),
        "outsider": row(404, 404, 404, 404, 404, 404, 200),
    }  # fmt: skip
    for name, wanted in expected.items():
        client = client_for(getattr(users, name))
        found = {page: _status(client, url) for page, url in pages.items()}
        assert found == wanted, name


def test_the_nomination_page_shows_the_time_limit_of_its_step(
    world, users, round_, bk_national, member_g, client_for
):
    nomination = nominate(round_, bk_national, actor=users.officer_g, member=member_g, submit=True)
    limit = round_.deadline_for(UnitLevel.UPPER_GRASSROOTS)
    assert services.step_time_limit(nomination) == (world.guided, limit)
    page = client_for(users.guided_reviewer).get(nomination.get_absolute_url())
    assert (
        f"{timezone.localtime(limit):%d/%m/%Y %H:%M} · {world.guided.name}" in page.content.decode()
    )
    nomination = services.forward_nomination(nomination, actor=users.guided_reviewer)
    assert services.step_time_limit(nomination) == (
        world.national,
        round_.deadline_for(UnitLevel.NATIONAL),
    )


def test_a_reminder_goes_to_the_committee_whose_step_ends_soon(
    world, users, round_, bk_national, member_g, mailoutbox
):
    users.guided_reviewer.email = "hp.reviewer@example.vn"
    users.guided_reviewer.save()
    nomination = nominate(round_, bk_national, actor=users.officer_g, member=member_g, submit=True)
    mailoutbox.clear()
    # The guided union's time limit (upper-grassroots level) is 75 days away in the named round.
    assert services.steps_due(within_days=30) == {}
    from awards.tasks import remind_time_limits

    assert remind_time_limits(within_days=80) == 1
    (mail,) = mailoutbox
    assert mail.to == ["hp.reviewer@example.vn"]
    assert nomination.get_absolute_url() in mail.body
    assert world.guided.name in mail.subject


def test_the_guided_unit_s_page_names_its_guide(world, users, client_for):
    page = client_for(users.federation_reviewer).get(world.guided.get_absolute_url())
    assert f"guided by {world.national.name}" in page.content.decode()


def test_the_guide_s_movement_dashboard_opens_at_the_guided_user_s_unit(
    world, users, movement, client_for
):
    response = client_for(users.guided_reviewer).get(
        reverse("reports:movement_dashboard", args=[movement.pk])
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("reports:unit_dashboard", args=[world.guided.pk]))


def test_the_guiding_committee_s_nomination_page_names_the_member_without_a_link(
    world, users, round_, bk_national, member_g, client_for
):
    nomination = _guided_line_nomination(round_, bk_national, users, member_g)
    member_url = member_g.get_absolute_url()
    national = client_for(users.national_reviewer).get(nomination.get_absolute_url())
    assert member_g.full_name in national.content.decode()
    assert member_url not in national.content.decode()
    guided = client_for(users.guided_reviewer).get(nomination.get_absolute_url())
    assert member_url in guided.content.decode()
