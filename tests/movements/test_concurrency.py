"""Two people acting on the same registration at the same moment, against PostgreSQL's locks."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from movements import services
from movements.models import Registration, RegistrationState
from tests.factories import UserFactory, grant


def _race(*calls):
    """Run the calls in threads released together; {index: "done" or the refusal's code}."""
    barrier = threading.Barrier(len(calls))
    results = {}

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            results[index] = "done"
        except ValidationError as error:
            results[index] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_make_exactly_one_decision(
    postgresql, users, tree, round_, kinds
):
    other = UserFactory(username="city_reviewer_2")
    grant(other, tree.city, "reviewer")
    registration = services.register(
        round=round_, unit=tree.unit_a, target_award=kinds.tapthe, actor=users.officer_a
    )
    results = _race(
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

    results = _race(call(users.officer_a), call(users.city_officer))
    assert sorted(results.values()) == ["already_registered", "done"]
    assert Registration.objects.count() == 1
