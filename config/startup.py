"""What a web server process does once it has loaded the project, before its first request."""

import gc

from django.urls import reverse


def freeze_loaded_objects():
    """Load the URL configuration, then move everything the process holds by then (Django,
    the apps, their URLs: some 180,000 objects) out of the garbage collector's sight.

    A page that makes many short-lived objects (a province's dashboard, 1,452 rows) set off a
    full collection every twenty requests or so, and each walked every object of the process
    again: 120 ms added to that request, the province dashboard's p95 172 ms against a p50 of
    57 (docs/benchmarks.md, "fourth session"). Frozen, a full collection took 8-19 ms. What
    is loaded at start is never freed anyway; the Celery worker does the same
    (commendations.tasks.freeze_loaded_objects).
    """
    reverse("home")  # imports every app's urls and views
    gc.collect()
    gc.freeze()
