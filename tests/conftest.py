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
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone, translation

from config.celery import app as celery_app
from movements.models import (
    AwardCategory,
    Beneficiary,
    Criterion,
    CriterionKind,
    CriterionTarget,
    Movement,
    MovementKind,
    MovementState,
    Round,
    RoundDeadline,
)
from tests.factories import MemberFactory, UserFactory, grant, kind, make_unit
from unions.models import Role, UnitLevel

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config):
    """Compile the translation catalogues that are missing or older than their .po, as
    `make messages` does, so that a plain `pytest` in a fresh clone speaks Vietnamese.
    Once, in the main process: xdist's workers start after it."""
    if hasattr(config, "workerinput"):
        return
    for po in [*(ROOT / "locale").glob("*/LC_MESSAGES/*.po"),
               *(ROOT / "locale" / "third_party").glob("*/LC_MESSAGES/*.po")]:  # fmt: skip
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run(["msgfmt", "--check-format", "-o", str(mo), str(po)], check=True)


def pytest_collection_modifyitems(items):
    """Tests that start a Celery worker share one broker queue: under pytest-xdist they run in
    one group, on one process (`--dist loadgroup`), one after another."""
    for item in items:
        uses_worker = item.get_closest_marker("real_worker") or "tasks" in getattr(
            item, "fixturenames", ()
        )
        if uses_worker:
            item.add_marker(pytest.mark.xdist_group("celery-worker"))


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


def need_redis():
    message = "needs Redis: set REDIS_URL=redis://..."
    if not settings.REDIS_URL:
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL).ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis at {settings.REDIS_URL} does not answer: {error}")


@pytest.fixture(scope="session", autouse=True)
def _private_files_in_a_temporary_folder(tmp_path_factory):
    """Uploads and rendered files go to a temporary folder, never to var/private.

    The environment variable carries the folder to worker processes started by the tests."""
    root = tmp_path_factory.mktemp("private")
    os.environ["PRIVATE_STORAGE_ROOT"] = str(root)
    default = {**settings.STORAGES["default"], "OPTIONS": {"location": root, "base_url": None}}
    with override_settings(
        STORAGES={**settings.STORAGES, "default": default}, PRIVATE_STORAGE_ROOT=root
    ):
        yield root


@pytest.fixture(autouse=True)
def _tasks_run_in_process_unless_a_worker_is_asked_for(request):
    """Tests run Celery tasks eagerly, in-process, so that their effects (mail.outbox, rows) are
    visible to the test. Tests marked `real_worker` send them through Redis to a real worker."""
    eager = request.node.get_closest_marker("real_worker") is None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real `celery worker` process on the test database and the configured Redis.

    Use with @pytest.mark.real_worker and transactional_db: the worker is another process and
    only sees committed rows.
    """
    need_redis()
    need_postgresql()
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}"
        f":{database['PORT'] or 5432}/{database['NAME']}"
    )
    celery_app.control.purge()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not celery_app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start")
        yield worker
    finally:
        worker.terminate()
        worker.wait(timeout=20)


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
def interface_language():
    """The language tests run in: None is the product's default (Vietnamese).

    A test folder whose assertions read the source (English) messages overrides this fixture to
    return "en": services then speak English and clients send the switcher's cookie.
    """
    return None


@pytest.fixture(autouse=True)
def _interface_translation(interface_language):
    if interface_language is None:
        yield
        return
    with translation.override(interface_language):
        yield


@pytest.fixture
def client_for(client, interface_language):
    """client_for(user) -> the test client signed in as that user (None: anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        if interface_language is not None:
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = interface_language
        return client

    return sign_in


# --- The movement of the named tree, its award kinds and members ----------------------------


@pytest.fixture
def movement(tree):
    """Open, launched by the national union: the whole named tree below CDVC takes part. One
    round this year with a deadline per level, and criteria for individuals (a standard, a bonus
    and a penalty line) and for collectives."""
    movement = Movement.objects.create(
        code="TMGPVT",
        title_vi="Tham mưu giỏi, phục vụ tốt",
        launching_unit=tree.national,
        kind=MovementKind.THEMATIC,
        starts_on=date(2019, 8, 16),
        state=MovementState.OPEN,
        requires_registration=True,
    )
    round_ = Round.objects.create(
        movement=movement,
        name="Đợt 1",
        year=timezone.localdate().year,
        opens_on=timezone.localdate() - timedelta(days=10),
    )
    now = timezone.now()
    for level, days in [
        (UnitLevel.GROUP, 50),
        (UnitLevel.GRASSROOTS, 60),
        (UnitLevel.PROVINCIAL, 90),
        (UnitLevel.NATIONAL, 120),
    ]:
        RoundDeadline.objects.create(round=round_, level=level, deadline=now + timedelta(days=days))
    for position, (text, points, line_kind, target, required) in enumerate(
        [
            (
                "Tham mưu đúng, kịp thời",
                60,
                CriterionKind.STANDARD,
                CriterionTarget.INDIVIDUAL,
                True,
            ),
            ("Sáng kiến được áp dụng", 10, CriterionKind.BONUS, CriterionTarget.INDIVIDUAL, False),
            ("Vi phạm kỷ luật", 20, CriterionKind.PENALTY, CriterionTarget.INDIVIDUAL, False),
            ("Tập thể đoàn kết", 100, CriterionKind.STANDARD, CriterionTarget.COLLECTIVE, True),
        ]
    ):
        Criterion.objects.create(
            movement=movement,
            group="Tham mưu giỏi",
            text=text,
            max_points=Decimal(points),
            kind=line_kind,
            target=target,
            required=required,
            position=position,
        )
    return movement


@pytest.fixture
def round_(movement):
    return movement.rounds.get()


class Kinds:
    """Award kinds at each level of the named tree, and one no longer valid."""

    def __init__(self):
        self.ldtt = kind(
            "LDTT",
            UnitLevel.GRASSROOTS,
            name_vi="Lao động tiên tiến",
            category=AwardCategory.EMULATION_TITLE,
        )
        self.bk_city = kind("BK-HN", UnitLevel.PROVINCIAL, name_vi="Bằng khen CĐVC thành phố")
        self.bk_national = kind("BK-CDVC", UnitLevel.NATIONAL, name_vi="Bằng khen CĐVC Việt Nam")
        self.bk_confederation = kind("BK-TLD", UnitLevel.CONFEDERATION)
        self.collective = kind(
            "TTLDTT",
            UnitLevel.PROVINCIAL,
            name_vi="Tập thể lao động tiên tiến",
            beneficiary=Beneficiary.COLLECTIVE,
            category=AwardCategory.EMULATION_TITLE,
        )
        self.expired = kind(
            "OLD",
            UnitLevel.GRASSROOTS,
            name_vi="Danh hiệu cũ",
            category=AwardCategory.EMULATION_TITLE,
            valid_until=date(2023, 12, 31),
        )


@pytest.fixture
def kinds(db):
    return Kinds()


@pytest.fixture
def member_a(tree):
    return MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng")


@pytest.fixture
def member_a1(tree):
    return MemberFactory(unit=tree.group_a1, full_name="Trần Văn Hùng")


@pytest.fixture
def member_b(tree):
    return MemberFactory(unit=tree.unit_b, full_name="Lê Minh Anh")


@pytest.fixture
def member_c(tree):
    return MemberFactory(unit=tree.unit_c, full_name="Phạm Thu Hà")
