"""`bench_certificates --end-to-end`: a real decision through the queue and a real worker."""

import io

import pytest
from django.core.management import CommandError, call_command


def test_end_to_end_needs_a_broker_and_a_worker(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # no REDIS_URL: the tasks would run in the command
    with pytest.raises(CommandError, match="needs REDIS_URL and a running worker"):
        call_command("bench_certificates", count=2, end_to_end=True)


@pytest.mark.real_worker
def test_end_to_end_issues_a_decision_and_finds_each_certificate_once(
    private_storage, celery_worker_process
):
    out = io.StringIO()
    call_command(
        "bench_certificates",
        count=3,
        end_to_end=True,
        worker_pid=celery_worker_process.pid,
        timeout=120,
        stdout=out,
    )
    report = out.getvalue()
    assert "3 certificates end to end" in report
    assert "3 pages, each certificate exactly once in order: yes" in report
    assert "worker CPU:" in report
    assert "Raw WeasyPrint, one process" in report
