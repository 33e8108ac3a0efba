"""Shared fixtures: the named tree and users (tests/named_world.py), the national union's
movement with its round and award kinds, members, the demo, services and languages.

A test module whose cases only read a large scene builds it once (scope="module", as
tests/awards/test_permissions.py does) and lets each case change it inside its own transaction.
"""

import os
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.utils import translation

from config.celery import app as celery_app
from tests.factories import MemberFactory
from tests.named_world import Kinds, build_movement, build_tree, build_users

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


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, _private_files_in_a_temporary_folder):
    """The demo as `make run` seeds it, built once for a test module and rolled back after it.

    Its certificates render as they do in the demo (on commit, in-process). Each test reads it
    inside its own transaction (ask for `demo`, or `db`), so that what a test changes is rolled
    back and the next test of the module finds the demo as seeded.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        try:
            with override_settings(DEBUG=True), TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=StringIO())
        finally:
            celery_app.conf.task_always_eager = eager
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_data, db, settings):
    """The module's demo data, in a test that may run seed_demo again (it needs DEBUG)."""
    settings.DEBUG = True


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
def _an_empty_local_cache():
    """Each test starts with an empty in-process cache: a test's rollback takes the database
    back, and what the cache kept of it must not be read by the next test (the dashboards'
    version, reports.dashboard_cache). A shared Redis cache is left alone."""
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


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


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def users(tree):
    return build_users(tree)


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
    return build_movement(tree)


@pytest.fixture
def round_(movement):
    return movement.rounds.get()


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
