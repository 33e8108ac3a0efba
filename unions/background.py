"""Queueing background work after a commit, and mail that is retried and reported when it fails.

A committed action must not turn into an error page because the task queue (Redis) is down or
the mail server refuses: what the person did is saved. The work that could not be queued is
either found again by a periodic sweep (the rendering of a decision's certificates, see
commendations.services.queue_waiting_renders) or, for mail, written to the activity history as
a failed email, where staff see it (the admin's activities, the unit's activity page).
"""

import logging

from celery import Task
from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What publishing a task raises when the broker cannot be reached.
BROKER_ERRORS = (KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)

FAILED_EMAIL = "email.failed"


def queue_after_commit(task, *args, on_broker_error=None, swallow=False):
    """Queue `task(*args)` once the current transaction commits.

    A broker that cannot be reached is logged and handed to `on_broker_error(error)`; it never
    reaches the person whose action committed. With `swallow`, any error of a task run
    in-process (no broker: DEBUG or EMBEDDED_SERVICES) is logged too instead of raised: mail
    records its own failure (MailTask).
    """

    def send():
        try:
            task.apply_async(args=args)
        except BROKER_ERRORS as error:
            logger.error("Could not queue %s%r: %s", task.name, args, error)
            if on_broker_error is not None:
                on_broker_error(error)
            elif isinstance(task, MailTask):
                task.record_failure(args, error)
        except Exception as error:
            if not swallow:
                raise
            logger.exception("%s%r failed in-process", task.name, args)
            if isinstance(task, MailTask):
                # In-process there is nobody to try again later: the first failure is the last.
                task.record_failure(args, error.exc if isinstance(error, Retry) else error)

    transaction.on_commit(send)


class MailTask(Task):
    """A task that sends mail: retried by the worker with a growing delay (by default 30 s,
    1 min, 2 min ... up to 30 min, six times over about an hour; EMAIL_RETRY_BACKOFF and
    EMAIL_MAX_RETRIES) while the mail server refuses or cannot be reached (smtplib's errors are
    OSErrors), then written to the activity history as a failed email.

    A task names what the row says by defining `failed_email(*args)` -> (unit, recipient text)
    or None when there is nothing to report (the row it was about is gone).
    """

    autoretry_for = (OSError,)
    retry_backoff = settings.EMAIL_RETRY_BACKOFF
    retry_backoff_max = 30 * 60
    retry_jitter = True
    max_retries = settings.EMAIL_MAX_RETRIES
    acks_late = True

    def failed_email(self, *args):
        return None

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        self.record_failure(args, exc)

    def record_failure(self, args, exc):
        """Log the failure and write it to the activity history (also used when the task could
        not even be queued)."""
        from unions.services import record_activity

        try:
            described = self.failed_email(*args)
        except Exception:  # the failure must still be logged below
            described = None
        logger.error("Email task %s%r failed for good: %s", self.name, tuple(args), exc)
        if described is None:
            return
        unit, what = described
        record_activity(
            unit=unit,
            actor=None,
            action=FAILED_EMAIL,
            summary=_("Email not sent: %(what)s (%(error)s)") % {"what": what, "error": exc},
            data={"task": self.name, "args": list(args), "error": str(exc)[:1000]},
        )
