"""Two people acting on the same registration at the same moment, against PostgreSQL's locks."""

import pytest

from movements import services
from movements.models import Registration, RegistrationState
from tests.concurrency import race
from tests.factories import UserFactory, grant


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_make_exactly_one_decision(
    postgresql, users, tree, round_, kinds
):
    other = UserFactory(username="city_reviewer_2")
    grant(other, tree.city, "reviewer")
    registration = services.register(
        round=round_, unit=tree.unit_a, target_award=kinds.collective, actor=users.officer_a
    )
    results = race(
        lambda: services.approve_registration(registration, actor=users.city_reviewer),
        lambda: services.return_registration(registration, actor=other, reason="Bổ sung"),
    )
    assert sorted(results.values()) == ["already_decided", "done"]
    assert registration.transitions.filter(from_state=RegistrationState.AWAITING).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_registering_the_same_member_at_once_make_one_registration(
    postgresql, users, tree, round_, kinds, member_a
):
    def call(actor):
        return lambda: services.register(
            round=round_, unit=tree.unit_a, member=member_a, target_award=kinds.ldtt, actor=actor
        )

    results = race(call(users.officer_a), call(users.city_officer))
    assert sorted(results.values()) == ["already_registered", "done"]
    assert Registration.objects.count() == 1
