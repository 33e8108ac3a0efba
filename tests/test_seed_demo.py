from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Max, Q

from unions.models import Gender, Member, Unit, UnitLevel


def _snapshot():
    """Row counts of every table, and the latest change time where a model records one."""
    state = {}
    for model in apps.get_models():
        queryset = model.objects.all()
        state[model._meta.label] = queryset.count()
        if any(field.name == "updated_at" for field in model._meta.fields):
            state[f"{model._meta.label}.updated_at"] = queryset.aggregate(last=Max("updated_at"))[
                "last"
            ]
    return state


@pytest.fixture
def seeded(demo):
    """The demo, seeded once for this module (tests/conftest.py)."""


def test_seed_demo_builds_hanoi_as_described(seeded):
    hanoi = Unit.objects.get(code="CDVC-HN")
    grassroots = Unit.objects.filter(hanoi.subtree_q(), level=UnitLevel.GRASSROOTS)
    members = Member.objects.filter(hanoi.subtree_q("unit__"))
    women = members.filter(gender=Gender.FEMALE).count()
    assert grassroots.count() == 61
    assert members.count() == 8945
    assert round(100 * women / members.count(), 1) == 50.7
    assert Unit.objects.filter(level=UnitLevel.PROVINCIAL).count() == 3


def test_seed_demo_builds_both_lines_of_the_tree(seeded):
    national = Unit.objects.get(code="CDVC")
    assert Unit.objects.get_parent(national).code == "TLD"
    for city, federation in [("CDVC-HN", "LDLD-HN"), ("CDVC-HCM", "LDLD-HCM"),
                             ("CDVC-DN", "LDLD-DN")]:  # fmt: skip
        union = Unit.objects.get(code=city)
        assert union.level == UnitLevel.UPPER_GRASSROOTS
        parent = Unit.objects.get_parent(union)
        assert parent.code == federation
        assert Unit.objects.get_parent(parent).code == "TLD"
        assert union.guiding_unit == national
    assert national.guided_units.count() == 3


def test_seed_demo_members_hold_positions_of_their_agency(seeded):
    def positions(code):
        return set(Member.objects.filter(unit__code=code).values_list("position", flat=True))

    theatre = Unit.objects.get(name="Công đoàn cơ sở Nhà hát Chèo Hà Nội").code
    assert "Diễn viên" in positions(theatre)
    assert not positions(theatre) & {"Thanh tra viên", "Bác sĩ", "Giáo viên"}
    assert "Chuyên viên" in positions("CDVC-HN-001")  # Sở Tư pháp
    assert not positions("CDVC-HN-001") & {"Diễn viên", "Bác sĩ", "Giáo viên", "Điều dưỡng"}


def test_seed_demo_names_carry_diacritics(seeded):
    assert Member.objects.filter(Q(full_name__startswith="Nguyễn")).count() > 2000


def test_seed_demo_second_run_changes_nothing(seeded):
    before = _snapshot()
    call_command("seed_demo", stdout=StringIO())
    assert _snapshot() == before


def test_seed_demo_accounts_sign_in_with_the_demo_password(seeded, client):
    for username in ["cdvc.reviewer", "cdvc.clerk", "hanoi.reviewer", "hanoi.clerk",
                     "coso1.officer", "coso2.officer", "admin"]:  # fmt: skip
        assert client.login(username=username, password="thidua-demo"), username


def test_seed_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False
    before = _snapshot()
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo")
    assert _snapshot() == before
