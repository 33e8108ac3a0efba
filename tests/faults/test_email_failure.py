"""The mail server refuses: the action that sends the mail is done all the same, the mail is
tried again with a growing delay, and once the tries are spent staff find it in the activity
history as a failed email."""

import socket
import threading

import pytest

from awards.models import NominationState
from notifications.models import Delivery
from notifications.services import set_delivery
from tests.faults.conftest import broker, free_port, wait_until
from unions.background import FAILED_EMAIL
from unions.models import Activity


class RefusingMailServer:
    """Accepts a connection and hangs up before the greeting: smtplib raises
    SMTPServerDisconnected. Counts the attempts."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.attempts = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.attempts += 1
            connection.close()

    def close(self):
        self.listener.close()


@pytest.fixture
def refusing_mail_server(settings):
    server = RefusingMailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.close()


def _only_the_proposer_is_emailed(users):
    """The committee is told of the submission in the app only: the one email is the
    proposer's news of the approval."""
    set_delivery(users.city_reviewer, delivery=Delivery.NONE)


def test_an_approval_whose_mail_fails_is_approved_and_the_failure_is_listed(
    refusing_mail_server, approve, users, tree, django_capture_on_commit_callbacks, client
):
    _only_the_proposer_is_emailed(users)
    with django_capture_on_commit_callbacks(execute=True):
        (nomination,) = approve(1)  # the proposer's email is sent on commit (in-process here)

    nomination.refresh_from_db()
    assert nomination.state == NominationState.APPROVED
    # In-process (no worker) there is one try, and nobody to try again later.
    assert refusing_mail_server.attempts == 1
    (failed,) = Activity.objects.filter(action=FAILED_EMAIL)
    assert failed.unit == tree.unit_a  # the proposing unit, whose officers were to be told
    assert nomination.nominee_name in failed.summary
    assert failed.data["task"] == "notifications.tasks.send_now"

    # Staff see it in the admin's activity list; the unit's officer on its activity page.
    users.officer_a.is_staff = True
    users.officer_a.save()
    client.force_login(users.officer_a)
    listed = client.get("/admin/unions/activity/", {"action": FAILED_EMAIL})
    assert listed.status_code == 200
    assert failed.summary in listed.content.decode()
    page = client.get(f"/units/{tree.unit_a.pk}/activity/")
    assert failed.summary in page.content.decode()


@pytest.mark.real_worker
def test_the_worker_tries_a_refused_mail_again_then_lists_it(
    refusing_mail_server, redis_server, start_worker, approve, users, tree
):
    _only_the_proposer_is_emailed(users)
    redis_server.start()
    start_worker(
        redis_server.url,
        env={
            "EMAIL_URL": f"smtp://127.0.0.1:{refusing_mail_server.port}",
            "EMAIL_RETRY_BACKOFF": "1",
            "EMAIL_MAX_RETRIES": "2",
        },
    )
    with broker(redis_server.url):
        (nomination,) = approve(1)  # committed (transactional_db): the mail goes to the worker
    nomination.refresh_from_db()
    assert nomination.state == NominationState.APPROVED
    failed = wait_until(
        lambda: Activity.objects.filter(action=FAILED_EMAIL).first(),
        timeout=60,
        interval=0.3,
        message="no failed email was listed",
    )
    assert refusing_mail_server.attempts == 3  # the first try and two retries, with delays
    assert failed.unit == tree.unit_a


@pytest.mark.real_worker  # through the broker, which is down
def test_a_mail_that_cannot_even_be_queued_is_listed_and_the_invitation_stands(
    users, tree, django_capture_on_commit_callbacks
):
    from unions import services

    with (
        broker(f"redis://127.0.0.1:{free_port()}/0"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        user = services.invite_user(
            username="new.officer",
            email="new.officer@example.vn",
            full_name="Nguyễn Văn Mới",
            unit=tree.unit_a,
            role="officer",
            actor=users.city_officer,
        )
    assert user.pk is not None
    (failed,) = Activity.objects.filter(action=FAILED_EMAIL)
    assert "new.officer@example.vn" in failed.summary
    assert failed.unit == tree.unit_a
