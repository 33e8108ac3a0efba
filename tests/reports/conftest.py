"""A small known dataset on the named tree, counted by hand in the tests.

The national union's open movement (tests/conftest.py), one round this year:

Unit         member (gender, registration)              nomination (award, outcome)
Grassroots A a1 Nguyễn Thị Hằng (F, approved)          N1 Bằng khen HN: approved by the city
             a2 Trần Văn Hùng (M, awaiting)             N6 Bằng khen HN: rejected by the city
             a3 Lê Thị Mai (F, not registered)
             a4 Phạm Thu Hà (F, left the union)
 Group A1    g1 Đỗ Văn Nam (M, approved)                N2 LĐTT: draft
Grassroots B b1 Lê Minh Anh (F, approved)               N3 Bằng khen CĐVC: forwarded by the
                                                           city, approved by the national union
             b2 Vũ Thị Lan (F, draft registration)
             the collective B (approved)                N4 Tập thể LĐTT: returned by the city
Grassroots C c1 Hoàng Văn Bình (M, approved)            N5 Bằng khen ĐN: submitted, awaiting
"""

from dataclasses import dataclass

import pytest

from awards import services
from movements.models import Registration, RegistrationState
from tests.factories import MemberFactory, kind, nominate, register
from unions.models import Gender, MemberStatus, UnitLevel


@dataclass
class Dataset:
    members: dict
    nominations: dict


def _member(unit, name, gender, status=MemberStatus.ACTIVE):
    return MemberFactory(unit=unit, full_name=name, gender=gender, status=status)


@pytest.fixture
def dataset(tree, users, round_, kinds):
    bk_other_city = kind("BK-DN", UnitLevel.PROVINCIAL, name_vi="Bằng khen CĐVC Đà Nẵng")
    members = {
        "a1": _member(tree.unit_a, "Nguyễn Thị Hằng", Gender.FEMALE),
        "a2": _member(tree.unit_a, "Trần Văn Hùng", Gender.MALE),
        "a3": _member(tree.unit_a, "Lê Thị Mai", Gender.FEMALE),
        "a4": _member(tree.unit_a, "Phạm Thu Hà", Gender.FEMALE, MemberStatus.LEFT),
        "g1": _member(tree.group_a1, "Đỗ Văn Nam", Gender.MALE),
        "b1": _member(tree.unit_b, "Lê Minh Anh", Gender.FEMALE),
        "b2": _member(tree.unit_b, "Vũ Thị Lan", Gender.FEMALE),
        "c1": _member(tree.unit_c, "Hoàng Văn Bình", Gender.MALE),
    }
    for name in ("a1", "g1", "b1", "c1"):
        register(round_, members[name])
    register(round_, unit=tree.unit_b)
    Registration.objects.create(
        round=round_,
        unit=tree.unit_a,
        member=members["a2"],
        target_award=kinds.ldtt,
        state=RegistrationState.AWAITING,
    )
    Registration.objects.create(
        round=round_,
        unit=tree.unit_b,
        member=members["b2"],
        target_award=kinds.ldtt,
        state=RegistrationState.DRAFT,
    )
    # a2 may be nominated only once registered: the registration is approved for N6 and then
    # set back to awaiting, so that the coverage counts an awaiting registration too.
    Registration.objects.filter(member=members["a2"]).update(state=RegistrationState.APPROVED)

    officer_a, officer_b, city = users.officer_a, users.officer_b, users.city_reviewer
    n1 = nominate(round_, kinds.bk_city, actor=officer_a, member=members["a1"], submit=True)
    services.approve_nomination(n1, actor=city)
    n2 = nominate(
        round_, kinds.ldtt, actor=officer_a, member=members["g1"], proposing_unit=tree.group_a1
    )
    n3 = nominate(round_, kinds.bk_national, actor=officer_b, member=members["b1"], submit=True)
    n3 = services.forward_nomination(n3, actor=city)
    services.approve_nomination(n3, actor=users.national_reviewer)
    n4 = nominate(round_, kinds.collective, actor=officer_b, unit=tree.unit_b, submit=True)
    services.return_nomination(n4, actor=city, reason="Thiếu biên bản họp")
    n5 = nominate(round_, bk_other_city, actor=users.outsider, member=members["c1"], submit=True)
    n6 = nominate(round_, kinds.bk_city, actor=officer_a, member=members["a2"], submit=True)
    services.reject_nomination(n6, actor=city, reason="Chưa đủ tiêu chuẩn")
    Registration.objects.filter(member=members["a2"]).update(state=RegistrationState.AWAITING)
    return Dataset(
        members=members,
        nominations={"n1": n1, "n2": n2, "n3": n3, "n4": n4, "n5": n5, "n6": n6},
    )


@pytest.fixture(autouse=True)
def _public_pages_cache_is_empty():
    """The public pages and the dashboards keep what they count in the cache under a version of
    the data (reports/dashboard_cache.py), which a rollback takes back: each test starts
    without what an earlier one left there."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
