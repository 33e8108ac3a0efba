"""Shared fixtures: the named tree and the named users of every permission test.

Confederation
└── National union (CDVC)                      national_reviewer (reviewer)
    ├── City union (Hanoi)                     city_reviewer (reviewer), clerk (clerk),
    │   │                                      city_officer (officer)
    │   ├── Grassroots A                       officer_a (officer)
    │   │   └── Union group A1
    │   └── Grassroots B (A's sibling)         officer_b (officer)
    └── Other city
        └── Grassroots C                       outsider (officer of an unrelated branch)
nobody: an account with no role at all.
"""

import os
from dataclasses import dataclass

import pytest
from django.db import connection

from tests.factories import UserFactory, grant, make_unit
from unions.models import Role, UnitLevel


def services_required():
    """CI sets REQUIRE_SERVICES=1: there a missing service fails the test instead of skipping."""
    return os.environ.get("REQUIRE_SERVICES") == "1"


def need_postgresql():
    if connection.vendor != "postgresql":
        message = "needs PostgreSQL: set DATABASE_URL=postgres://..."
        if services_required():
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def postgresql(db):
    need_postgresql()


@dataclass
class Tree:
    confederation: object
    national: object
    city: object
    unit_a: object
    group_a1: object
    unit_b: object
    other_city: object
    unit_c: object


@pytest.fixture
def tree(db):
    confederation = make_unit(name="Tổng Liên đoàn", level=UnitLevel.CONFEDERATION, code="TLD")
    national = make_unit(
        confederation, name="Công đoàn Viên chức", level=UnitLevel.NATIONAL, code="CDVC"
    )
    city = make_unit(
        national, name="Công đoàn Viên chức Hà Nội", level=UnitLevel.PROVINCIAL, code="HN"
    )
    unit_a = make_unit(city, name="Công đoàn cơ sở A", code="HN-A")
    group_a1 = make_unit(unit_a, name="Tổ công đoàn A1", level=UnitLevel.GROUP, code="HN-A-1")
    unit_b = make_unit(city, name="Công đoàn cơ sở B", code="HN-B")
    other_city = make_unit(
        national, name="Công đoàn Viên chức Đà Nẵng", level=UnitLevel.PROVINCIAL, code="DN"
    )
    unit_c = make_unit(other_city, name="Công đoàn cơ sở C", code="DN-C")
    for unit in (confederation, national, city, unit_a, unit_b, other_city):
        unit.refresh_from_db()
    return Tree(confederation, national, city, unit_a, group_a1, unit_b, other_city, unit_c)


@dataclass
class Users:
    officer_a: object
    officer_b: object
    city_officer: object
    city_reviewer: object
    national_reviewer: object
    clerk: object
    outsider: object
    nobody: object


@pytest.fixture
def users(tree):
    def user(name, unit=None, role=None):
        account = UserFactory(username=name)
        if unit is not None:
            grant(account, unit, role)
        return account

    return Users(
        officer_a=user("officer_a", tree.unit_a, Role.OFFICER),
        officer_b=user("officer_b", tree.unit_b, Role.OFFICER),
        city_officer=user("city_officer", tree.city, Role.OFFICER),
        city_reviewer=user("city_reviewer", tree.city, Role.REVIEWER),
        national_reviewer=user("national_reviewer", tree.national, Role.REVIEWER),
        clerk=user("clerk", tree.city, Role.CLERK),
        outsider=user("outsider", tree.unit_c, Role.OFFICER),
        nobody=user("nobody"),
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client signed in as that user (None: anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
