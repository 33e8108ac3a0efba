"""The rendering of a decision's certificates survives the task queue being down when it is
issued, and a worker killed in the middle: each certificate is rendered once, with the register
numbers it was issued with."""

import re
import time
import zipfile
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from commendations.models import Commendation, Decision, RenderState
from tests.commendations.certificates.conftest import pdf_pages
from tests.commendations.decisions.conftest import draft
from tests.faults.conftest import broker, wait_until

RENDERED = re.compile(r"Rendered certificates (\d+)-(\d+) of decision (\d+)")


def register_numbers():
    return list(
        Commendation.objects.order_by("position").values_list(
            "position", "register_year", "register_sequence"
        )
    )


def sweep():
    out = StringIO()
    call_command("queue_waiting_renders", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def wait_for_the_end(decision, *workers, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        decision.refresh_from_db()
        if decision.render_state in (RenderState.DONE, RenderState.FAILED):
            break
        time.sleep(0.2)
    else:
        logs = "\n".join(worker.log() for worker in workers)
        pytest.fail(f"the rendering did not end:\n{logs}")
    assert (decision.render_state, decision.render_error) == (RenderState.DONE, "")


def rendered_once(decision, logs, private_storage):
    """Every certificate rendered exactly once, stored once, printed once, zipped once."""
    commendations = list(decision.commendations.order_by("position"))
    renders = [
        position
        for log in logs
        for first, last, decision_id in RENDERED.findall(log)
        if int(decision_id) == decision.pk
        for position in range(int(first), int(last) + 1)
    ]
    assert sorted(renders) == [c.position for c in commendations]
    folder = private_storage / "decisions" / str(decision.pk)
    stored = sorted(p.relative_to(private_storage).as_posix() for p in folder.rglob("*.pdf"))
    expected = {c.file_name for c in commendations}
    assert expected <= set(stored)
    # Nothing stored twice under another name ("..._AbC123.pdf").
    extra = {f"decisions/{decision.pk}/print.pdf", *expected}
    assert [name for name in stored if "/chunks/" not in name and name not in extra] == []
    print_file = (folder / "print.pdf").read_bytes()
    assert len(pdf_pages(print_file)) == len(commendations)
    with zipfile.ZipFile(folder / "certificates.zip") as archive:
        assert len(archive.namelist()) == len(set(archive.namelist())) == len(commendations)


@pytest.mark.real_worker
def test_issued_while_redis_is_down_waits_then_the_sweep_renders_it_once(
    redis_server, start_worker, approve, users, tree, kinds, client_for, private_storage
):
    approve(3)
    decision = draft(users, tree, kinds, date=date(2025, 5, 19))
    client = client_for(users.clerk)
    with broker(redis_server.url):  # not started: the queue is down
        started = time.monotonic()
        response = client.post(f"/decisions/{decision.pk}/issue/")
        assert time.monotonic() - started < 15  # no long hang on the dead broker
        assert response.status_code == 302

        decision.refresh_from_db()
        assert decision.state == "issued"
        assert decision.render_state == RenderState.NOT_STARTED
        assert decision.render_updated_at is None  # not queued: the sweep will find it
        numbers = register_numbers()
        page = client.get(f"/decisions/{decision.pk}/")
        assert page.status_code == 200
        assert "Waiting to render" in page.content.decode()
        assert client.get(f"/decisions/{decision.pk}/progress/").json()["state_label"] == (
            "Waiting to render"
        )

        # A sweep while Redis is still down queues nothing and breaks nothing.
        assert sweep() == "0 decisions queued"
        decision.refresh_from_db()
        assert decision.render_updated_at is None

        redis_server.start()
        worker = start_worker(redis_server.url)
        assert sweep() == "1 decisions queued"
        assert sweep() == "0 decisions queued"  # queued already: the next tick leaves it
        wait_for_the_end(decision, worker)

    rendered_once(decision, [worker.log()], private_storage)
    assert register_numbers() == numbers


@pytest.mark.real_worker
def test_a_worker_killed_mid_decision_leaves_it_to_the_next_worker(
    redis_server, start_worker, approve, users, tree, kinds, private_storage
):
    from commendations import services

    approve(30)
    decision = draft(users, tree, kinds, date=date(2025, 5, 19))
    redis_server.start()
    with broker(redis_server.url):
        first = start_worker(redis_server.url)
        services.issue_decision(decision, actor=users.clerk)  # committed: queued on commit
        numbers = register_numbers()

        def rendering():
            decision.refresh_from_db()
            return decision.render_state != RenderState.NOT_STARTED

        wait_until(rendering, timeout=60, interval=0.02, message="the worker did not begin")
        first.kill()
        decision.refresh_from_db()
        assert decision.render_state == RenderState.RENDERING  # killed in the middle
        assert decision.rendered_count < 30

        # Redis hands the unacknowledged task to the next worker once the visibility timeout
        # has passed (an hour in production: here a second).
        time.sleep(2)
        second = start_worker(redis_server.url, env={"CELERY_VISIBILITY_TIMEOUT": "1"})
        wait_for_the_end(decision, first, second)

    rendered_once(decision, [first.log(), second.log()], private_storage)
    assert Commendation.objects.filter(decision=decision).count() == 30
    assert register_numbers() == numbers
    assert Decision.objects.get().render_state == RenderState.DONE
