"""Rendering a decision's certificates, run by commendations.tasks.

Chunks of certificates, each stored at a fixed name, so that a re-run overwrites and a run that
died half-way resumes where it stopped; then the print file and the ZIP.
"""

import io
import logging
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commendations.certificates import CHUNK_SIZE, merge_pdfs, render_chunk
from commendations.documents import (
    certificate_data,
    certificate_download_name,
    decision_template_source,
    emblem_uri,
)
from commendations.models import Commendation, Decision, RenderState

logger = logging.getLogger(__name__)


def stale_after():
    """A render that has not moved for this long died with its worker: the page offers to
    resume, and the periodic sweep (commendations.services.queue_waiting_renders) resumes it.
    Longer than one chunk may take (the chunk task's time limit)."""
    return timezone.timedelta(seconds=settings.RENDER_STALE_SECONDS)


PRINT_FILE = "decisions/{id}/print.pdf"


ZIP_FILE = "decisions/{id}/certificates.zip"


CHUNK_FILE = "decisions/{id}/chunks/{index:04d}.pdf"


def _store(name, data):
    """Write `data` at exactly `name`, replacing what a previous run left there."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # a concurrent run wrote it between our delete and our save
        default_storage.delete(saved)


def chunk_count(certificates):
    return (certificates + CHUNK_SIZE - 1) // CHUNK_SIZE


def begin_rendering(decision_id, *, restart=False):
    """Mark the decision as rendering; with `restart`, every certificate is rendered anew.
    Returns how many chunks its certificates make: 0 when there is nothing to render (no such
    issued decision)."""
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(pk=decision_id).first()
        if decision is None or decision.is_draft:
            return 0
        if decision.render_state == RenderState.DONE and not restart:
            return 0  # a duplicate delivery, or a sweep that crossed the last chunk
        if restart:
            decision.commendations.update(rendered_at=None)
        decision.render_state = RenderState.RENDERING
        decision.render_error = ""
        decision.rendered_count = decision.commendations.filter(rendered_at__isnull=False).count()
        decision.render_updated_at = timezone.now()
        decision.save(
            update_fields=["render_state", "render_error", "rendered_count", "render_updated_at"]
        )
        return chunk_count(decision.commendations.count())


def render_decision_chunk(decision_id, index):
    """Render the `index`-th chunk of a decision's certificates, unless it is already done.

    Returns False past the last chunk. Each certificate is stored at its own fixed name, the
    chunk's document at the chunk's name (the print file is merged from them).
    """
    decision = Decision.objects.select_related(
        "issuing_unit", "award_kind", "certificate_template"
    ).get(pk=decision_id)
    chunk_size = CHUNK_SIZE
    with transaction.atomic():
        # The chunk's rows stay locked while it renders: a second delivery of the same chunk (a
        # redelivered task, a sweep's resume) waits, then finds it done and renders nothing.
        # Only the chunk's own rows: FOR UPDATE with OFFSET also locks the rows it skips, so
        # each chunk waited for every chunk before it and the worker's processes rendered one
        # at a time.
        ids = decision.commendations.order_by("position").values_list("pk", flat=True)[
            index * chunk_size : (index + 1) * chunk_size
        ]
        commendations = list(
            Commendation.objects.select_for_update(of=("self",))
            .filter(pk__in=list(ids))
            .order_by("position")
        )
        if not commendations:
            return False
        chunk_name = CHUNK_FILE.format(id=decision_id, index=index)
        done = all(c.rendered_at for c in commendations) and default_storage.exists(chunk_name)
        if not done:
            source = decision_template_source(decision)
            emblem = emblem_uri(decision.issuing_unit)
            rendered = render_chunk(
                source, [certificate_data(c, decision, emblem) for c in commendations]
            )
            for commendation, pdf in zip(commendations, rendered.split(), strict=True):
                _store(commendation.file_name, pdf)
            _store(chunk_name, rendered.pdf)
            now = timezone.now()
            Commendation.objects.filter(pk__in=[c.pk for c in commendations]).update(
                rendered_at=now
            )
            logger.info(
                "Rendered certificates %s-%s of decision %s",
                commendations[0].position,
                commendations[-1].position,
                decision_id,
            )
    Decision.objects.filter(pk=decision_id).update(
        rendered_count=Commendation.objects.filter(
            decision_id=decision_id, rendered_at__isnull=False
        ).count(),
        render_updated_at=timezone.now(),
    )
    return True


def all_rendered(decision_id):
    """Whether every certificate of the decision is rendered: the chunks, rendered side by
    side, each ask it once they are stored."""
    return not Commendation.objects.filter(
        decision_id=decision_id, rendered_at__isnull=True
    ).exists()


def finish_rendering(decision_id):
    """Merge the chunks into the print file, zip the certificates, mark the decision done."""
    with transaction.atomic():
        # The lock makes a duplicate delivery of this task, or the same task queued by two
        # chunks that ended together, wait instead of racing on the files; then it has nothing
        # left to do.
        decision = Decision.objects.select_for_update().get(pk=decision_id)
        if decision.render_state == RenderState.DONE:
            return  # merged already by the other delivery
        commendations = list(decision.commendations.order_by("position"))
        missing = [c for c in commendations if c.rendered_at is None]
        if missing:
            raise ValidationError(
                _("%(count)s certificates are not rendered yet.") % {"count": len(missing)},
                code="incomplete",
            )
        handles = [
            default_storage.open(CHUNK_FILE.format(id=decision_id, index=index), "rb")
            for index in range(chunk_count(len(commendations)))
        ]
        try:
            buffer = io.BytesIO()
            merge_pdfs(handles, buffer)
        finally:
            for handle in handles:
                handle.close()
        _store(PRINT_FILE.format(id=decision_id), buffer.getvalue())
        archive = io.BytesIO()
        # PDFs are compressed already: stored, not deflated again.
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
            for commendation in commendations:
                with default_storage.open(commendation.file_name, "rb") as handle:
                    zipped.writestr(certificate_download_name(commendation), handle.read())
        _store(ZIP_FILE.format(id=decision_id), archive.getvalue())
        decision.render_state = RenderState.DONE
        decision.rendered_count = len(commendations)
        decision.render_error = ""
        decision.render_updated_at = timezone.now()
        decision.save(
            update_fields=["render_state", "rendered_count", "render_error", "render_updated_at"]
        )


def fail_rendering(decision_id, message):
    Decision.objects.filter(pk=decision_id).update(
        render_state=RenderState.FAILED,
        render_error=str(message)[:2000],
        render_updated_at=timezone.now(),
    )


def render_state_label(decision):
    """What the decision page says of its certificates: "waiting" before a worker has begun
    (the task queue may be down: the sweep queues them when it is back)."""
    if decision.render_state == RenderState.NOT_STARTED:
        return _("Waiting to render")
    return decision.get_render_state_display()


def render_is_stale(decision):
    return (
        decision.render_state == RenderState.RENDERING
        and decision.render_updated_at is not None
        and timezone.now() - decision.render_updated_at > stale_after()
    )
