"""The proposing level's dossier (issue 11 part 5): the bình xét a nomination cannot be sent
without where its award kind requires it, and the tờ trình that travels with what a level
forwards; through the services and the pages, with the named users."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from awards import services
from awards.models import Assessment, Nomination, NominationState, SubmissionLetter
from tests.factories import make_png, nominate, pdf_upload

S = NominationState


@pytest.fixture
def required(kinds):
    kinds.bk_city.requires_assessment = True
    kinds.bk_city.save()
    return kinds.bk_city


def _assessment_data(nomination, **ballot):
    data = {
        "meeting_date": "10/01/2025",
        "members_total": "9",
        "members_present": "8",
        "minutes": pdf_upload("bien-ban.pdf"),
    }
    for key, value in (ballot or {"for": 7, "against": 1, "abstain": 0}).items():
        data[f"{key}_{nomination.pk}"] = str(value)
    return data


def test_a_nomination_that_requires_the_binh_xet_is_not_sent_without_it(
    client_for, users, round_, required, member_a
):
    nomination = nominate(round_, required, actor=users.officer_a, member=member_a)
    with pytest.raises(ValidationError) as error:
        services.submit_nomination(nomination, actor=users.officer_a)
    assert error.value.code == "assessment_missing"
    assert Nomination.objects.get(pk=nomination.pk).state == S.DRAFT

    client = client_for(users.officer_a)
    url = reverse("awards:assessment_create", args=[nomination.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _assessment_data(nomination))
    assert response.status_code == 302
    ballot = nomination.assessment_ballots.get()
    assert (ballot.votes_for, ballot.assessment.members_present) == (7, 8)
    nomination = services.submit_nomination(nomination, actor=users.officer_a)
    assert nomination.state == S.SUBMITTED
    page = client_for(users.city_reviewer).get(nomination.get_absolute_url()).content.decode()
    assert reverse("awards:assessment_minutes", args=[nomination.pk, ballot.assessment_id]) in page


def test_binh_xet_with_more_ballots_than_members_present_is_refused_and_stores_nothing(
    client_for, users, round_, required, member_a
):
    nomination = nominate(round_, required, actor=users.officer_a, member=member_a)
    client = client_for(users.officer_a)
    url = reverse("awards:assessment_create", args=[nomination.pk])
    response = client.post(url, _assessment_data(nomination, **{"for": 8, "against": 1}))
    assert response.status_code == 200
    assert "more ballots" in response.content.decode().lower() or response.context["form"].errors
    assert not Assessment.objects.exists()


def test_binh_xet_minutes_must_be_a_pdf(users, round_, required, member_a):
    nomination = nominate(round_, required, actor=users.officer_a, member=member_a)
    image = SimpleUploadedFile("bien-ban.png", make_png(), "image/png")
    with pytest.raises(ValidationError) as error:
        services.record_assessment(
            actor=users.officer_a,
            unit=nomination.proposing_unit,
            round=round_,
            meeting_date=nomination.created_at.date(),
            members_total=5,
            members_present=5,
            minutes=image,
            ballots={nomination: (5, 0, 0)},
        )
    assert error.value.code == "minutes"
    assert not Assessment.objects.exists()


def test_binh_xet_of_another_unit_is_not_recorded(users, round_, required, member_a):
    nomination = nominate(round_, required, actor=users.officer_a, member=member_a)
    with pytest.raises(Exception) as error:
        services.record_assessment(
            actor=users.officer_b,
            unit=nomination.proposing_unit,
            round=round_,
            meeting_date=nomination.created_at.date(),
            members_total=5,
            members_present=5,
            minutes=pdf_upload(),
            ballots={nomination: (5, 0, 0)},
        )
    assert error.type.__name__ == "PermissionDenied"
    assert not Assessment.objects.exists()


def test_minutes_are_read_only_within_the_nominations_scope(
    client_for, users, round_, required, member_a
):
    nomination = nominate(round_, required, actor=users.officer_a, member=member_a)
    assessment = services.record_assessment(
        actor=users.officer_a,
        unit=nomination.proposing_unit,
        round=round_,
        meeting_date=nomination.created_at.date(),
        members_total=5,
        members_present=5,
        minutes=pdf_upload(),
        ballots={nomination: (5, 0, 0)},
    )
    url = reverse("awards:assessment_minutes", args=[nomination.pk, assessment.pk])
    expected = {
        users.officer_a: 200,
        users.city_reviewer: 200,
        users.national_reviewer: 200,
        users.officer_b: 404,
        users.outsider: 404,
        users.nobody: 404,
    }
    for user, code in expected.items():
        assert client_for(user).get(url).status_code == code, user.username
    assert client_for(None).get(url).status_code == 302


def _pdf_text(response):
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


def test_forwarding_sends_a_submission_letter_that_the_level_above_reads(
    client_for, users, tree, round_, kinds, member_a, member_b, django_capture_on_commit_callbacks
):
    kinds.bk_national.cap_per_unit_per_round = 4
    kinds.bk_national.save()
    nominations = [
        nominate(round_, kinds.bk_national, actor=officer, member=member, submit=True)
        for officer, member in ((users.officer_a, member_a), (users.officer_b, member_b))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.forward_nominations(
            nominations, actor=users.city_reviewer, signer_name="Nguyễn Văn Chủ Tịch"
        )
    letter = SubmissionLetter.objects.get()
    assert (letter.from_unit, letter.to_unit) == (tree.city, tree.national)
    assert set(letter.nominations.all()) == set(nominations)
    assert letter.file
    url = reverse("awards:submission_letter", args=[letter.pk])
    text = _pdf_text(client_for(users.national_reviewer).get(url))
    for expected in ("Nguyễn Thị Hằng", "Lê Minh Anh", "Nguyễn Văn Chủ Tịch", "2/4"):
        assert expected in text
    assert client_for(users.city_reviewer).get(url).status_code == 200
    for user in (users.officer_a, users.officer_b, users.outsider, users.nobody):
        assert client_for(user).get(url).status_code == 404, user.username
    page = client_for(users.national_reviewer).get(nominations[0].get_absolute_url())
    assert url in page.content.decode()
    assert (
        url
        not in client_for(users.officer_a).get(nominations[0].get_absolute_url()).content.decode()
    )


def test_one_forward_sends_its_own_letter_rendered_on_first_download(
    client_for, users, tree, round_, kinds, member_a
):
    nomination = nominate(round_, kinds.bk_national, actor=users.officer_a, member=member_a,
                          submit=True)  # fmt: skip
    services.forward_nomination(nomination, actor=users.city_reviewer)
    letter = SubmissionLetter.objects.get()
    assert not letter.file  # the rendering waits for the commit
    url = reverse("awards:submission_letter", args=[letter.pk])
    assert "Nguyễn Thị Hằng" in _pdf_text(client_for(users.national_reviewer).get(url))
