"""The worker's processes render a decision's chunks side by side, against PostgreSQL's row
locks: a chunk locks its own certificates and no other chunk's."""

import threading

import pytest
from django.db import connection, transaction

from commendations import rendering, services, tasks
from commendations.models import Commendation
from tests.commendations.decisions.conftest import draft


@pytest.mark.django_db(transaction=True)
def test_a_chunk_renders_while_the_chunk_before_it_is_locked(
    postgresql, approve, users, tree, kinds, monkeypatch, private_storage
):
    monkeypatch.setattr(rendering, "CHUNK_SIZE", 2)
    # Issued with nothing rendered yet: the chunks are queued, not run.
    monkeypatch.setattr(tasks.render_decision_chunk, "delay", lambda *args: None)
    approve(4)
    decision = services.issue_decision(draft(users, tree, kinds), actor=users.clerk)
    first_chunk = list(decision.commendations.order_by("position").values_list("pk", flat=True)[:2])
    locked, release = threading.Event(), threading.Event()

    def hold_the_first_chunk():  # what a process rendering chunk 0 holds while it renders
        try:
            with transaction.atomic():
                rows = Commendation.objects.select_for_update(of=("self",)).filter(
                    pk__in=first_chunk
                )
                list(rows.order_by("position"))
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_first_chunk)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting for chunk 0 would fail here
        assert rendering.render_decision_chunk(decision.pk, 1) is True
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    rendered = decision.commendations.filter(rendered_at__isnull=False)
    assert sorted(rendered.values_list("position", flat=True)) == [3, 4]
