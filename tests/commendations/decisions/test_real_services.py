"""Against the real services: PostgreSQL's row locks, and a Celery worker through Redis."""

import threading
import time
from datetime import date

import pytest
from django.db import connection

from commendations import services
from commendations.models import Commendation, Decision, RegisterCounter, RenderState
from tests.commendations.certificates.conftest import pdf_pages, poppler_text
from tests.commendations.decisions.conftest import draft
from tests.commendations.decisions.test_rendering import embedded_fonts


@pytest.mark.django_db(transaction=True)
def test_clerks_issuing_at_the_same_moment_get_numbers_without_gaps(
    postgresql, approve, users, tree, kinds, monkeypatch
):
    # The rendering is not what is tested here: leave the queued task out.
    monkeypatch.setattr(services, "queue_rendering", lambda decision, restart=False: None)
    approved = approve(12)
    drafts = [
        draft(users, tree, kinds, nominations=approved[i * 3 : i * 3 + 3], number=f"{i + 1}/QĐ")
        for i in range(4)
    ]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def run(decision):
        try:
            barrier.wait(timeout=10)
            services.issue_decision(decision, actor=users.clerk)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    sequences = sorted(Commendation.objects.values_list("register_sequence", flat=True))
    assert sequences == list(range(1, 13))
    assert RegisterCounter.objects.get(unit=tree.city, year=2025).last_number == 12
    # Each decision got a consecutive block of numbers.
    for decision in Decision.objects.all():
        numbers = sorted(decision.commendations.values_list("register_sequence", flat=True))
        assert numbers == list(range(numbers[0], numbers[0] + 3))


@pytest.mark.django_db(transaction=True)
def test_the_same_draft_issued_twice_at_once_is_issued_once(
    postgresql, approve, users, tree, kinds, monkeypatch
):
    monkeypatch.setattr(services, "queue_rendering", lambda decision, restart=False: None)
    approve(2)
    decision = draft(users, tree, kinds)
    barrier = threading.Barrier(2)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            services.issue_decision(decision, actor=users.clerk)
            outcomes.append("done")
        except Exception as error:  # noqa: BLE001
            outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["done", "issued"]  # the second is told it is issued already
    assert Commendation.objects.count() == 2
    assert RegisterCounter.objects.get().last_number == 2


@pytest.mark.real_worker
def test_worker_renders_the_certificates_of_an_issued_decision(
    private_storage, celery_worker_process, approve, users, tree, kinds
):
    approve(3, names=["Nguyễn Thị Hằng", "Trần Văn Hùng", "Đỗ Quốc Bảo"])
    decision = draft(users, tree, kinds, date=date(2025, 5, 19))
    services.issue_decision(decision, actor=users.clerk)  # committed: the task goes to Redis

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        decision.refresh_from_db()
        if decision.render_state in (RenderState.DONE, RenderState.FAILED):
            break
        time.sleep(0.3)
    assert (decision.render_state, decision.render_error) == (RenderState.DONE, "")
    assert decision.rendered_count == 3
    for commendation in decision.commendations.all():
        pdf = (private_storage / commendation.file_name).read_bytes()
        text = poppler_text(pdf)
        assert commendation.awardee_name in text
        assert "45/QĐ-CĐVCHN" in text
        assert commendation.register_number in text
        assert all(embedded == "yes" for _name, embedded in embedded_fonts(pdf))
    print_file = private_storage / f"decisions/{decision.pk}/print.pdf"
    assert len(pdf_pages(print_file.read_bytes())) == 3
