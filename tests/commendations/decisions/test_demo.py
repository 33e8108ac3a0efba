"""The issue's walk-through on the seeded demo, through the pages, as hanoi.clerk."""

from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from commendations import scoping
from commendations.models import Commendation, Decision, DecisionState, RenderState
from tests.commendations.certificates.conftest import poppler_text
from unions.models import Unit


@pytest.fixture
def demo(db, settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())


def test_demo_issues_national_decisions_with_rendered_certificates(demo, private_storage):
    # 256/QĐ-CĐVC of 04/09/2024 (the phase 2019–2024), 45/ and 46/QĐ-CĐVC of the current round.
    decisions = Decision.objects.filter(issuing_unit__code="CDVC")
    assert sorted(d.number for d in decisions) == ["256/QĐ-CĐVC", "45/QĐ-CĐVC", "46/QĐ-CĐVC"]
    for decision in decisions:
        assert decision.state == DecisionState.ISSUED
        assert decision.render_state == RenderState.DONE
        for commendation in decision.commendations.all():
            assert (private_storage / commendation.file_name).is_file()


def test_demo_second_run_changes_nothing(demo, django_capture_on_commit_callbacks):
    counts = (Decision.objects.count(), Commendation.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert (Decision.objects.count(), Commendation.objects.count()) == counts


def test_hanoi_clerk_issues_watches_downloads_and_verifies(
    demo, client, private_storage, django_capture_on_commit_callbacks
):
    hanoi = Unit.objects.get(code="CDVC-HN")
    ready = list(scoping.approved_at(hanoi))
    assert len(ready) == 3
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(get_user_model().objects.get(username="hanoi.clerk"))
    listing = client.get(reverse("commendations:decision_list")).content.decode()
    assert "Approved nominations waiting for a decision" in listing
    kind = ready[0].award_kind
    form = client.get(
        reverse("commendations:decision_create"), {"unit": hanoi.pk, "award_kind": kind.pk}
    ).context["form"]
    data = {name: form[name].value() for name in form.fields}
    today = timezone.localdate().strftime("%d/%m/%Y")  # not before the demo's approvals
    data.update({"number": "12/QĐ-CĐVCHN", "date": today, "signer_name": "Vũ Ngọc Anh",
                 "place": "Hà Nội", "issuing_unit": hanoi.pk, "award_kind": kind.pk})  # fmt: skip
    response = client.post(reverse("commendations:decision_create"), data)
    decision = Decision.objects.get(number="12/QĐ-CĐVCHN")
    assert response["Location"] == decision.get_absolute_url()
    assert decision.nominations.count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("commendations:decision_issue", args=[decision.pk]))
    progress = client.get(reverse("commendations:decision_progress", args=[decision.pk])).json()
    assert (progress["rendered"], progress["total"], progress["done"]) == (3, 3, True)
    print_file = client.get(reverse("commendations:decision_print_file", args=[decision.pk]))
    text = poppler_text(b"".join(print_file.streaming_content))
    commendation = decision.commendations.order_by("position").first()
    assert commendation.awardee_name in text
    assert commendation.get_verification_url().startswith(django_settings.SITE_URL)
    client.logout()
    page = client.get(reverse("commendations:verify", args=[commendation.verification_code]))
    assert commendation.awardee_name in page.content.decode()
