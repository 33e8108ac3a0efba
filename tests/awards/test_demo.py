"""The walk-through of the issue on the seeded demo, through the pages, as the demo users."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from awards import services
from awards.models import Nomination, NominationState
from movements.models import AwardKind, Registration
from tests.factories import make_pdf
from unions.models import Unit

S = NominationState


def _as(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_demo_has_nominations_in_every_state(demo):
    states = set(Nomination.objects.values_list("state", flat=True))
    assert states == set(S.values)


def test_demo_second_seed_changes_no_nomination(demo):
    before = list(Nomination.objects.values_list("pk", "state", "updated_at"))
    call_command("seed_demo", stdout=StringIO())
    assert list(Nomination.objects.values_list("pk", "state", "updated_at")) == before


def test_demo_walk_through(demo, client, mailoutbox, django_capture_on_commit_callbacks):
    registration = (
        Registration.objects.filter(
            unit__code="CDVC-HN-001", member__isnull=False, state="approved",
            round__movement__code="TMGPVT", member__nominations__isnull=True,
        ).select_related("member", "round").order_by("member__card_number").first()
    )  # fmt: skip
    member, round_ = registration.member, registration.round
    # The national union's Bằng khen: one kind that the city and the national union both
    # grant; the officer chooses the national union's.
    award = AwardKind.objects.get(code="BK-LDLD")
    national = Unit.objects.get(code="CDVC")

    # coso1.officer nominates the member with evidence and submits.
    officer = _as(client, "coso1.officer")
    url = reverse("awards:nominate_member", args=[member.pk]) + f"?round={round_.pk}"
    assert officer.get(url).status_code == 200
    report = SimpleUploadedFile("bao-cao.pdf", make_pdf(), "application/pdf")
    data = {"award_kind": award.pk, "granting_unit": national.pk, "submit": "1",
            "achievement": "Tham mưu giỏi: 12 đề án đúng hạn.", "evidence": [report]}  # fmt: skip
    for criterion in services.criteria_for(round_, award.beneficiary):
        data[f"score_{criterion.pk}"] = str(
            criterion.max_points if criterion.kind == "standard" else 0
        )
    officer.post(url, data)
    nomination = Nomination.objects.get(nominee_member=member, award_kind=award)
    assert (nomination.state, nomination.reviewing_unit.code) == (S.SUBMITTED, "CDVC-HN")
    detail = nomination.get_absolute_url()

    # hanoi.reviewer finds it in the queue and returns it with a reason.
    reviewer = _as(client, "hanoi.reviewer")
    queue = reviewer.get(reverse("awards:review_queue"))
    assert nomination in queue.context["page_obj"].object_list
    with django_capture_on_commit_callbacks(execute=True):
        reviewer.post(reverse("awards:nomination_return", args=[nomination.pk]),
                      {"comment": "Bổ sung xác nhận của thủ trưởng cơ quan."})  # fmt: skip
    nomination.refresh_from_db()
    assert nomination.state == S.RETURNED
    assert "Bổ sung xác nhận" in mailoutbox[-1].body
    assert mailoutbox[-1].to == ["coso1.officer@demo.thidua.vn"]

    # coso1.officer completes it and submits again.
    officer = _as(client, "coso1.officer")
    edit = reverse("awards:nomination_edit", args=[nomination.pk])
    assert "Bổ sung xác nhận" in officer.get(edit).content.decode()
    data["achievement"] += " Đã có xác nhận của Giám đốc Sở."
    data["evidence"] = [SimpleUploadedFile("xac-nhan.pdf", make_pdf(), "application/pdf")]
    officer.post(edit, data)
    nomination.refresh_from_db()
    assert (nomination.state, nomination.evidence.count()) == (S.SUBMITTED, 2)

    # hanoi.reviewer forwards it; cdvc.reviewer approves it.
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, "hanoi.reviewer").post(
            reverse("awards:nomination_forward", args=[nomination.pk]), {"comment": "Đạt"}
        )
    nomination.refresh_from_db()
    assert (nomination.state, nomination.reviewing_unit.code) == (S.FORWARDED, "CDVC")
    with django_capture_on_commit_callbacks(execute=True):
        _as(client, "cdvc.reviewer").post(
            reverse("awards:nomination_approve", args=[nomination.pk])
        )
    nomination.refresh_from_db()
    assert nomination.state == S.APPROVED
    timeline = [(t.from_state, t.to_state, t.at_unit.code) for t in nomination.transitions.all()]
    assert timeline == [
        ("", S.DRAFT, "CDVC-HN-001"),
        (S.DRAFT, S.SUBMITTED, "CDVC-HN-001"),
        (S.SUBMITTED, S.RETURNED, "CDVC-HN"),
        (S.RETURNED, S.SUBMITTED, "CDVC-HN-001"),
        (S.SUBMITTED, S.FORWARDED, "CDVC-HN"),
        (S.FORWARDED, S.APPROVED, "CDVC"),
    ]

    # coso2.officer never sees any of it.
    other = _as(client, "coso2.officer")
    assert other.get(detail).status_code == 404
    evidence = nomination.evidence.first()
    assert other.get(evidence.get_absolute_url()).status_code == 404
    listed = other.get(reverse("awards:nomination_list")).context["page_obj"].paginator.object_list
    assert {n.proposing_unit.code for n in listed} == {"CDVC-HN-002"}
    queued = other.get(reverse("awards:review_queue"), {"state": ""}).context["page_obj"]
    queued_units = Nomination.objects.filter(pk__in=queued.paginator.object_list).values_list(
        "proposing_unit__code", flat=True
    )
    assert set(queued_units) <= {"CDVC-HN-002"}
    assert nomination.nominee_member.full_name not in other.get(reverse("home")).content.decode()
