"""The real services: in CI (REQUIRE_SERVICES=1) these fail when PostgreSQL or Redis is missing."""

import pytest
from celery.result import allow_join_result
from django.db import connection

from tests.conftest import need_postgresql, need_redis
from unions.tasks import send_invitation_email


def test_database_is_postgresql_when_services_are_required(db):
    need_postgresql()
    assert connection.vendor == "postgresql"


def test_redis_answers_when_configured():
    need_redis()


@pytest.mark.real_worker
def test_real_worker_runs_a_task_through_redis(celery_worker_process, tree, users):
    from django.core import mail

    # The worker is another process: its mail goes to its own backend, so check the task ran by
    # its result instead; an unknown user makes the task fail in the worker, visibly.
    result = send_invitation_email.delay(users.officer_a.pk, tree.unit_a.pk, "officer")
    # Waiting on a result is refused once this process has run a task in-process (an earlier
    # test's eager task under xdist sets Celery's "inside a task" flag); the test is no task.
    with allow_join_result():
        assert result.get(timeout=30) is None
    assert result.successful()
    assert mail.outbox == []  # nothing was sent from this process
