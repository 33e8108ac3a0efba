"""Thin tasks: they take ids, fetch the rows, and send; queued on commit by awards.services."""

from celery import Task, shared_task
from django.core.exceptions import ValidationError
from django.db import OperationalError

from awards.notifications import send_transition_email


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_proposer(transition_id):
    from awards.models import NominationTransition

    transition = (
        NominationTransition.objects.select_related(
            "nomination__award_kind",
            "nomination__round__movement",
            "nomination__proposing_unit",
            "nomination__nominee_member",
            "nomination__nominee_unit",
            "nomination__created_by",
            "at_unit",
            "to_unit",
            "actor",
        )
        .filter(pk=transition_id)
        .first()
    )
    if transition is not None:  # rolled back after all, or deleted since: nothing to say
        send_transition_email(transition)


# --- Certificates of a decision (awards.decisions does the work) ------------------------------


class RenderTask(Task):
    """Marks the decision's rendering failed once the retries are spent, so the page says so
    and offers to resume."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from awards import decisions

        decisions.fail_rendering(args[0], exc)


RENDER_OPTIONS = {
    "base": RenderTask,
    "acks_late": True,
    "autoretry_for": (OSError, OperationalError),
    "retry_backoff": 5,
    "retry_backoff_max": 120,
    "max_retries": 5,
    # One chunk of 100 takes a few seconds: a task that runs for a minute is stuck.
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(**RENDER_OPTIONS)
def render_decision(decision_id, restart=False):
    """Start (or resume) rendering a decision's certificates: one chunk task after another."""
    from awards import decisions

    if decisions.begin_rendering(decision_id, restart=restart):
        render_decision_chunk.delay(decision_id, 0)


@shared_task(**RENDER_OPTIONS)
def render_decision_chunk(decision_id, index):
    """One chunk; then the next, or, after the last, the print file and the ZIP."""
    from awards import decisions

    try:
        more = decisions.render_decision_chunk(decision_id, index)
    except ValidationError as error:  # the template itself is wrong: retrying will not help
        decisions.fail_rendering(decision_id, " ".join(error.messages))
        return
    if more:
        render_decision_chunk.delay(decision_id, index + 1)
    else:
        finish_decision_rendering.delay(decision_id)


@shared_task(**RENDER_OPTIONS)
def finish_decision_rendering(decision_id):
    from awards import decisions

    try:
        decisions.finish_rendering(decision_id)
    except ValidationError as error:
        decisions.fail_rendering(decision_id, " ".join(error.messages))
