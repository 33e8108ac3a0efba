"""The periodic sweep in-process (no broker): what it picks, and that beat runs it."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from commendations import services
from commendations.models import Decision, RenderState
from config.celery import app as celery_app
from tests.commendations.decisions.conftest import draft, issue


def test_beat_runs_the_sweep_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["queue-waiting-renders"]
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == 60


def test_the_sweep_renders_what_waits_and_resumes_what_stalled_and_nothing_else(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    approve(2)
    waiting = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert waiting.render_state == RenderState.DONE
    # As if the queue had been down when it was issued, and one other stalled mid-way.
    Decision.objects.filter(pk=waiting.pk).update(
        render_state=RenderState.NOT_STARTED, render_updated_at=None
    )
    approve(1)
    stalled = issue(draft(users, tree, kinds, number="46/QĐ"), users.clerk,
                    django_capture_on_commit_callbacks)  # fmt: skip
    stalled.commendations.update(rendered_at=None)
    Decision.objects.filter(pk=stalled.pk).update(
        render_state=RenderState.RENDERING,
        render_updated_at=timezone.now() - timedelta(seconds=settings.RENDER_STALE_SECONDS + 1),
    )
    approve(1)
    busy = issue(draft(users, tree, kinds, number="47/QĐ"), users.clerk,
                 django_capture_on_commit_callbacks)  # fmt: skip
    Decision.objects.filter(pk=busy.pk).update(
        render_state=RenderState.RENDERING, render_updated_at=timezone.now()
    )

    queued = services.queue_waiting_renders()  # tasks run in-process here

    assert sorted(d.pk for d in queued) == sorted([waiting.pk, stalled.pk])
    for decision in (waiting, stalled):
        decision.refresh_from_db()
        assert decision.render_state == RenderState.DONE
        assert decision.rendered_count == decision.commendations.count()
    busy.refresh_from_db()
    assert busy.render_state == RenderState.RENDERING  # moving: left to its worker
    assert services.queue_waiting_renders() == []
