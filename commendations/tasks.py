"""Thin tasks that render a decision's certificates; commendations.rendering does the work.

Each takes ids and is queued on commit by commendations.services; a chunk is stored at a fixed
name, so a retried or resumed task overwrites instead of duplicating."""

import gc

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init, worker_process_init
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse

from commendations import rendering


@worker_init.connect
def load_url_configuration(**_kwargs):
    """Import the URL configuration in the worker's main process, before it starts its pool.

    Each certificate prints its verification address (reverse()), and the first one a pool
    process built imported every app's urls and views: 0.3 s of CPU in each process, on the
    first chunk. Imported before the fork, the processes share it.
    """
    reverse("commendations:verify", args=["warm-up"])


@worker_process_init.connect
def freeze_loaded_objects(**_kwargs):
    """Move what a worker process holds when it starts (Django, the apps, WeasyPrint: some
    200,000 objects) out of the garbage collector's sight.

    Laying out a chunk makes enough short-lived objects to run a dozen full collections, and each
    walked every object of the process again: frozen, a chunk of 50 took 13-15 % less CPU
    (1.27 s against 1.50 s, eight chunks in one process, twice). They are never freed anyway.
    """
    gc.freeze()


class RenderTask(Task):
    """Marks the decision's rendering failed once the retries are spent, so the page says so
    and offers to resume."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        rendering.fail_rendering(args[0], exc)


RENDER_OPTIONS = {
    "base": RenderTask,
    "acks_late": True,
    # A chunk that overran its time limit on a busy machine is tried again, up to max_retries.
    "autoretry_for": (OSError, OperationalError, SoftTimeLimitExceeded),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "max_retries": 5,
    # A chunk of 25 takes about half a second of CPU. On a machine whose two cores were shared
    # by a dozen processes a chunk of 100 took over two minutes of wall clock, and failed the
    # decision: two minutes, chunks of 25, and a chunk that overruns is retried. The hard
    # limit stays below RENDER_STALE_SECONDS (180), after which the sweep resumes the rendering.
    "soft_time_limit": 120,
    "time_limit": 150,
}


@shared_task(**RENDER_OPTIONS)
def render_decision(decision_id, restart=False):
    """Start (or resume) rendering a decision's certificates: every chunk is queued at once, so
    that the worker's processes render them side by side; the last to finish queues the print
    file and the ZIP."""
    chunk_count = rendering.begin_rendering(decision_id, restart=restart)
    for index in range(chunk_count or 0):
        render_decision_chunk.delay(decision_id, index)


@shared_task(**RENDER_OPTIONS)
def render_decision_chunk(decision_id, index):
    """One chunk; once every certificate of the decision is rendered, the print file and the
    ZIP (a chunk that finds them all done queues it: two at once are told apart under the lock)."""
    try:
        rendering.render_decision_chunk(decision_id, index)
    except ValidationError as error:  # the template itself is wrong: retrying will not help
        rendering.fail_rendering(decision_id, " ".join(error.messages))
        return
    if rendering.all_rendered(decision_id):
        finish_decision_rendering.delay(decision_id)


@shared_task(**RENDER_OPTIONS)
def finish_decision_rendering(decision_id):
    try:
        rendering.finish_rendering(decision_id)
    except ValidationError as error:
        rendering.fail_rendering(decision_id, " ".join(error.messages))


@shared_task(ignore_result=True)
def queue_waiting_renders():
    """Celery beat's sweep (settings.CELERY_BEAT_SCHEDULE): see services.queue_waiting_renders."""
    from commendations import services

    return len(services.queue_waiting_renders())
