"""A CI-sized run of the load test (reports/load.py): five simulated users for ten seconds
against gunicorn with two workers on PostgreSQL; every invariant the full run checks holds."""

import pytest
from django.contrib.auth import get_user_model

from reports import load
from tests.factories import MemberFactory
from tests.faults.conftest import database_url


@pytest.mark.django_db(transaction=True)
def test_five_users_for_ten_seconds_keep_every_invariant(postgresql, gunicorn, tree, round_, kinds):
    get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    for unit in (tree.unit_a, tree.unit_b):
        MemberFactory.create_batch(4, unit=unit)
    site = gunicorn(database_url(), workers=2)
    scene = load.prepare(5, city=tree.city, kind=kinds.bk_city, round_=round_)

    tally, elapsed, stuck, deadlocks = load.run(site, scene, seconds=10)

    figures = load.figures(tally, elapsed)
    print(figures)
    assert figures["accepted"].get("create", 0) > 0
    assert figures["accepted"].get("submit", 0) > 0
    failed = [(what, detail) for what, holds, detail in load.check(scene, tally, stuck, deadlocks)
              if not holds]  # fmt: skip
    assert failed == []
