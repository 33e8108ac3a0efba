"""The worklists' and badges' querysets are asked in index-friendly shapes (issue 13): each
must hold exactly the rows of the plain definition it replaced, which these tests keep as the
reference, for every named user, on both lines of the tree and with a second root."""

from datetime import date
from itertools import product

import pytest
from django.db.models import Exists, F, OuterRef, Q

from awards import scoping as award_scoping
from awards.models import EDITABLE_STATES, Nomination, NominationState, NominationTransition
from movements import scoping as movement_scoping
from movements.models import (
    SENDABLE_REGISTRATION_STATES,
    MovementState,
    Registration,
    RegistrationState,
)
from tests.factories import (
    MemberFactory,
    NominationFactory,
    grant,
    make_movement,
    make_unit,
    nominate,
)
from unions import scoping
from unions.models import Role, Unit

USER_NAMES = [
    "officer_a", "officer_b", "city_officer", "city_reviewer", "national_reviewer", "clerk",
    "outsider", "nobody", "federation_reviewer", "guided_reviewer", "guided_officer",
    "officer_g", "root_officer", "two_roots", "everywhere",
]  # fmt: skip


@pytest.fixture
def other_root(tree):
    """A second tree beside the Confederation's: a root's subtree is then not the whole tree."""
    root = make_unit(name="Công đoàn khác", code="ROOT-2")
    child = make_unit(root, name="Con của gốc khác", code="ROOT-2-A")
    return root, child


@pytest.fixture
def more_users(users, tree, other_root):
    root, _ = other_root
    users.root_officer = _account("root_officer", [(tree.confederation, Role.OFFICER)])
    users.two_roots = _account(
        "two_roots", [(tree.confederation, Role.OFFICER), (root, Role.OFFICER)]
    )
    # Officer, reviewer and clerk in several places, nested and on both lines.
    users.everywhere = _account(
        "everywhere",
        [
            (tree.unit_a, Role.OFFICER),
            (tree.city, Role.OFFICER),
            (tree.other_city, Role.OFFICER),
            (tree.city, Role.REVIEWER),
            (tree.national, Role.REVIEWER),
            (tree.federation, Role.REVIEWER),
            (root, Role.REVIEWER),
        ],
    )
    return users


def _account(name, roles):
    from tests.factories import UserFactory

    account = UserFactory(username=name)
    for unit, role in roles:
        grant(account, unit, role)
    return account


def _fresh(user):
    """The user as a new request reads it (held roles are cached on the object)."""
    scoping.forget_roles(user)
    return user


@pytest.fixture
def work(more_users, tree, other_root, round_, kinds):
    """Nominations in every state and registrations in every state on both lines, in an open
    and a closed movement, including annual lists' lines (filed with their unit's)."""
    root, root_child = other_root
    units = [tree.unit_a, tree.unit_b, tree.unit_c, tree.unit_g, tree.guided, tree.city,
             tree.group_a1, root_child]  # fmt: skip
    federation_movement = make_movement(tree.federation, code="PT-LDLD")
    closed = make_movement(tree.national, code="PT-CLOSED", state=MovementState.CLOSED)
    other_root_movement = make_movement(root, code="PT-ROOT-2")
    rounds = [round_, federation_movement.rounds.get(), closed.rounds.get(),
              other_root_movement.rounds.get()]  # fmt: skip
    states = list(RegistrationState.values)
    index = 0
    for unit in units:
        for each in rounds:
            collective = Registration.objects.create(
                round=each, unit=unit, target_award=kinds.collective,
                state=states[index % len(states)],
            )  # fmt: skip
            index += 1
            for _ in range(2):
                Registration.objects.create(
                    round=each, unit=unit, member=MemberFactory(unit=unit),
                    target_award=kinds.ldtt, state=states[index % len(states)],
                    filed_with=collective if index % 3 == 0 else None,
                )  # fmt: skip
                index += 1
    nomination_states = list(NominationState.values)
    officers = {tree.unit_a: more_users.officer_a, tree.unit_b: more_users.officer_b,
                tree.unit_c: more_users.outsider, tree.unit_g: more_users.officer_g}  # fmt: skip
    for unit, officer in officers.items():
        for state in nomination_states:
            award = kinds.bk_national if unit == tree.unit_g else kinds.bk_city
            nomination = nominate(round_, award, actor=officer,
                                  member=MemberFactory(unit=unit))  # fmt: skip
            Nomination.objects.filter(pk=nomination.pk).update(state=state)
    return more_users


def _ids(queryset):
    return sorted(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("user_name", USER_NAMES)
def test_the_officers_nominations_are_the_subtrees(work, user_name):
    user = _fresh(getattr(work, user_name))
    paths = scoping.role_paths(user, Role.OFFICER)
    proposed = Nomination.objects.filter(Unit.subtrees_q(paths, prefix="proposing_unit__"))
    assert _ids(award_scoping.proposed_by_units_of(user)) == _ids(proposed)
    assert _ids(award_scoping.nominations_to_complete(user)) == _ids(
        proposed.filter(state__in=EDITABLE_STATES)
    )


@pytest.mark.parametrize("user_name", USER_NAMES)
def test_the_registrations_to_file_are_the_subtrees(work, user_name):
    user = _fresh(getattr(work, user_name))
    paths = scoping.role_paths(user, Role.OFFICER)
    expected = Registration.objects.filter(
        Unit.subtrees_q(paths, prefix="unit__"),
        state__in=SENDABLE_REGISTRATION_STATES,
        round__movement__state=MovementState.OPEN,
        filed_with__isnull=True,
    )
    assert _ids(movement_scoping.registrations_to_file(user)) == _ids(expected)
    # The home page's list, ordered by the units' paths, asks the subtree as a join.
    assert _ids(movement_scoping.registrations_to_file_by_path(user)) == _ids(expected)
    order = ("round__registration_deadline", "unit__path", "pk")
    by_path = movement_scoping.registrations_to_file_by_path(user).order_by(*order)
    assert list(by_path.values_list("pk", flat=True)[:5]) == list(
        expected.order_by(*order).values_list("pk", flat=True)[:5]
    )


@pytest.mark.parametrize("user_name", USER_NAMES)
def test_the_registrations_a_reviewer_decides_are_both_lines(work, user_name):
    user = _fresh(getattr(work, user_name))
    reviewer_units = scoping.reviewer_units(user).values("pk")
    expected = Registration.objects.filter(
        Unit.children_q(scoping.role_paths(user, Role.REVIEWER), prefix="unit__")
        | Q(
            unit__guiding_unit_id__in=reviewer_units,
            round__movement__launching_unit_id=F("unit__guiding_unit_id"),
        ),
        filed_with__isnull=True,
    )
    reviewable = movement_scoping.registrations_reviewable_by(user)
    assert _ids(reviewable) == _ids(expected)
    assert _ids(reviewable.filter(state=RegistrationState.AWAITING)) == _ids(
        expected.filter(state=RegistrationState.AWAITING)
    )


def test_the_work_reaches_both_lines(work, tree):
    """The data above is not trivially empty for the shapes it checks."""
    national = _fresh(work.national_reviewer)
    units = set(
        movement_scoping.registrations_reviewable_by(national).values_list("unit", flat=True)
    )
    assert tree.guided.pk in units  # the guidance line
    assert tree.city.pk in units  # a child
    assert movement_scoping.registrations_to_file(_fresh(work.root_officer)).exists()
    assert award_scoping.nominations_to_complete(_fresh(work.two_roots)).exists()


def test_within_q_is_subtrees_q_on_a_nullable_key(work, tree, other_root):
    """Unit.within_q keeps subtrees_q's meaning where the key may be empty (a unit's guiding
    unit): a root's subtree, asked as "not outside it", takes in no row without a unit."""
    root, _ = other_root
    cases = [
        [tree.confederation.path],
        [root.path],
        [tree.confederation.path, root.path],
        [tree.national.path],
        [tree.confederation.path, tree.city.path],
        [tree.city.path, tree.federation.path],
        [],
    ]
    for paths in cases:
        assert _ids(Unit.objects.filter(Unit.within_q(paths, "guiding_unit"))) == _ids(
            Unit.objects.filter(Unit.subtrees_q(paths, prefix="guiding_unit__"))
        ), paths
    assert Unit.objects.filter(Unit.within_q([tree.confederation.path], "guiding_unit")).exists()


def _reached_as_first_written(roles):
    """awards.scoping._reached_q as it was before issue 13's filtered queue: the units below U
    as `depth > d`, and the guidance line as a correlated EXISTS."""
    query = Q(pk__in=[])
    for held in roles:
        depth = Unit.depth_of(held.path)
        query |= Q(
            proposing_unit__in=Unit.objects.filter(
                path__startswith=held.path, depth__gt=depth
            ).values("pk"),
            furthest_unit__in=Unit.objects.filter(depth__lte=depth).values("pk"),
            guided_unit__isnull=True,
        ) & (Q(quick=False) | Q(deciding_unit_id=held.unit_id)) | Q(
            proposing_unit_id=held.unit_id,
            deciding_unit_id=held.unit_id,
            furthest_unit__isnull=False,
        )
    unit_ids = {held.unit_id for held in roles}
    if not unit_ids:
        return query
    sent = NominationTransition.objects.filter(
        nomination_id=OuterRef("pk"),
        to_unit_id__in=unit_ids,
        to_state__in=(NominationState.SUBMITTED, NominationState.FORWARDED),
    )
    return query | Q(guided_unit__isnull=False) & Q(Exists(sent))


@pytest.fixture
def sent_everywhere(more_users, tree, other_root, round_, kinds):
    """Nominations proposed by every unit and come up to every level, in every shape the
    queue's scope tells apart: in a round or quick, decided by the proposer, by the furthest
    unit or by another, on the administrative line or the guidance line (sent to the furthest
    unit, or only through it). Their fields are written directly: the shapes, not the
    services' rules, are under test. Closed states, so that one nominee serves them all."""
    root, root_child = other_root
    proposers = [tree.confederation, tree.national, tree.city, tree.unit_a, tree.group_a1,
                 tree.unit_b, tree.other_city, tree.unit_c, tree.federation, tree.guided,
                 tree.unit_g, root, root_child]  # fmt: skip
    furthest = [None, tree.unit_a, tree.city, tree.national, tree.confederation,
                tree.federation, tree.guided, root]  # fmt: skip
    shapes = ["plain", "own", "quick", "quick elsewhere", "guided", "guided through"]
    nominee = MemberFactory(unit=tree.unit_a)
    closed = [NominationState.REJECTED, NominationState.WITHDRAWN]
    for number, (proposing, far, shape) in enumerate(product(proposers, furthest, shapes)):
        quick = shape.startswith("quick")
        nomination = NominationFactory(
            round=None if quick else round_,
            quick=quick,
            deed_date=date(2026, 3, 2) if quick else None,
            award_kind=kinds.bk_city if number % 3 else kinds.bk_national,
            nominee_member=nominee,
            proposing_unit=proposing,
            furthest_unit=far,
            reviewing_unit=far,
            deciding_unit={"own": proposing, "quick elsewhere": tree.city}.get(shape, far),
            guided_unit=tree.guided if shape.startswith("guided") else None,
            state=closed[number % 2],
        )
        if shape.startswith("guided") and far is not None:
            # Sent to the furthest unit, or only returned from it after passing through.
            to_state = NominationState.SUBMITTED if shape == "guided" else NominationState.RETURNED
            NominationTransition.objects.create(
                nomination=nomination, at_unit=proposing, to_unit=far, to_state=to_state
            )
            NominationTransition.objects.create(
                nomination=nomination,
                at_unit=proposing,
                to_unit=tree.guided,
                to_state=NominationState.FORWARDED,
            )
    return more_users


def test_the_review_queue_is_what_reached_the_committee(sent_everywhere, kinds):
    """review_queue_for() asks the units below a committee one depth at a time and the
    guidance line as hashed ids (issue 13, the filtered queue): the same rows as before, for
    every named user."""
    seen = {}
    for name in USER_NAMES:
        user = _fresh(getattr(sent_everywhere, name))
        roles = [held for held in scoping.held_roles(user) if held.role == Role.REVIEWER]
        expected = Nomination.objects.filter(_reached_as_first_written(roles))
        queue = award_scoping.review_queue_for(user)
        assert _ids(queue) == _ids(expected), name
        # As the page filters it (one award, every state), read from nomination_queue_by_award.
        one_award = queue.filter(award_kind=kinds.bk_national).order_by("-submitted_at", "-pk")
        assert _ids(one_award) == _ids(expected.filter(award_kind=kinds.bk_national)), name
        seen[name] = len(_ids(expected))
    # Not trivially empty: what the city's, the national union's and the guided union's
    # committees hold, and nothing for an officer.
    assert seen["city_reviewer"] and seen["national_reviewer"] and seen["guided_reviewer"]
    assert seen["everywhere"] > seen["national_reviewer"]
    assert seen["officer_a"] == 0


def test_below_q_is_the_strict_subtree(tree, other_root):
    """Unit.below_q asks the units below a path one depth at a time: the units of its subtree
    deeper than it, nothing more."""
    root, _ = other_root
    for unit in (tree.confederation, tree.national, tree.city, tree.unit_a, tree.group_a1, root):
        assert _ids(Unit.objects.filter(Unit.below_q(unit.path))) == _ids(
            Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth)
        ), unit.code
    assert tree.group_a1.pk in _ids(Unit.objects.filter(Unit.below_q(tree.city.path)))
