"""The worker that renders certificates: its processes are bounded in memory."""

import os
import subprocess
import sys

from tests.test_settings import PRODUCTION, ROOT, _load_settings

WORKER = (
    "s.app.conf.worker_max_memory_per_child, s.app.conf.worker_concurrency, "
    "s.app.conf.worker_prefetch_multiplier, s.app.conf.task_acks_late"
)


def test_worker_processes_are_replaced_past_700_mb_by_default():
    # One process per core (Celery's default concurrency), one task at a time each; a process
    # that grew past the bound after a chunk is replaced (a chunk of 100 peaks near 200 MB).
    result = _load_settings(show=WORKER, module="config.celery", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["700000", "None", "1", "True"]


def test_worker_memory_bound_is_set_by_the_environment():
    result = _load_settings(
        show=WORKER, module="config.celery", CELERY_WORKER_MAX_MEMORY_PER_CHILD="400000",
        **PRODUCTION,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "400000"


def test_worker_process_freezes_what_it_loaded_at_start():
    # Celery sends worker_process_init in each pool process it starts: what the process has
    # loaded by then is left out of the garbage collector's full collections.
    import gc

    from celery.signals import worker_process_init

    import commendations.tasks  # noqa: F401 - what the worker's autodiscovery imports

    gc.unfreeze()
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_worker_imports_the_url_configuration_before_starting_its_processes():
    # Each certificate prints its verification address: the pool processes forked from the main
    # one find the URL configuration imported instead of importing it on their first chunk.
    # In a fresh interpreter, as the worker's main process starts.
    script = (
        "import sys, django; django.setup(); import commendations.tasks; "
        "from celery.signals import worker_init; "
        "before = 'config.urls' in sys.modules; worker_init.send(sender=None); "
        "print(before, 'config.urls' in sys.modules)"
    )
    env = {**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
