"""The register of tờ trình (issue 11 part 5): each unit numbers its submission letters and its
proposal letters to outside authorities in one gapless series a year, "15/TTr-CĐVC"; the
proposal to an outside authority generates its letter as a PDF from the submission letter's
template; the outside decisions and prior awards show on the member's page, the scanned
decision only within scope. Through the services and the pages, with the named users."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from awards import letters, outside, services
from awards.models import LetterCounter, OutsideProposal, PriorAward, SubmissionLetter
from movements.models import AwardCategory, Grantor
from tests.concurrency import race
from tests.factories import MemberFactory, UserFactory, grant, kind, make_pdf, nominate, register
from unions.models import Role, UnitLevel

AGENCY = "Giám đốc Sở Tư pháp thành phố Hà Nội"
XSS = '<script>alert("x")</script>'


def _pdf_text(response):
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return " ".join(text.split())  # a table cell breaks its text into lines


@pytest.fixture
def ldtt(db):
    return kind(
        "LDTT-CQ",
        UnitLevel.GRASSROOTS,
        name_vi="Lao động tiên tiến",
        category=AwardCategory.EMULATION_TITLE,
        grantor=Grantor.AGENCY_HEAD,
        legal_basis="Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15",
    )


@pytest.fixture
def approved(users, tree, round_, ldtt, reviewer_a, member_a):
    nomination = nominate(
        round_, ldtt, actor=users.officer_a, member=member_a, submit=True,
        achievement="Hoàn thành xuất sắc nhiệm vụ; sáng kiến số hóa hồ sơ.",
    )  # fmt: skip
    return services.approve_nomination(nomination, actor=reviewer_a)


def _send(users, tree, award_kind, nominations, **fields):
    values = {
        "actor": users.officer_a,
        "unit": tree.unit_a,
        "award_kind": award_kind,
        "authority": AGENCY,
        "letter_date": timezone.localdate(),
        "nominations": nominations,
    }
    values.update(fields)
    return outside.send_outside_proposal(**values)


def _forward(users, round_, kinds, member, officer=None):
    nomination = nominate(round_, kinds.bk_national, actor=officer or users.officer_a,
                          member=member, submit=True)  # fmt: skip
    services.forward_nomination(nomination, actor=users.city_reviewer)
    return SubmissionLetter.objects.filter(nominations=nomination).get()


# --- The register ------------------------------------------------------------------------------


def test_a_units_abbreviation_comes_from_its_short_name_or_its_names_initials(tree):
    tree.unit_a.short_name = "CĐCS Sở Tư pháp"
    assert letters.unit_symbol(tree.unit_a) == "CĐCS"
    tree.national.short_name = ""
    assert letters.unit_symbol(tree.national) == "CĐVC"  # Công đoàn Viên chức
    tree.city.short_name = "Hà Nội"
    assert letters.unit_symbol(tree.city) == "CĐVCHN"


def test_submission_letters_are_numbered_per_unit_and_year_without_gaps(
    client_for, users, tree, round_, kinds, member_a, member_b
):
    first = _forward(users, round_, kinds, member_a)
    second = _forward(users, round_, kinds, member_b, officer=users.officer_b)
    year = timezone.localdate().year
    assert [(x.register_year, x.register_number, x.number) for x in (first, second)] == [
        (year, 1, "1/TTr-CĐVCHN"),
        (year, 2, "2/TTr-CĐVCHN"),
    ]
    assert LetterCounter.objects.get(unit=tree.city, year=year).last_number == 2
    url = reverse("awards:submission_letter", args=[second.pk])
    assert "2/TTr-CĐVCHN" in _pdf_text(client_for(users.national_reviewer).get(url))
    page = client_for(users.national_reviewer).get(second.nominations.get().get_absolute_url())
    assert "2/TTr-CĐVCHN" in page.content.decode()


def test_a_rolled_back_letter_gives_its_number_back(users, tree, round_, kinds, member_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.create_submission_letter(
            from_unit=tree.city, to_unit=tree.national, nominations=[], actor=users.city_reviewer
        )
        raise RuntimeError("the forwarding failed after the letter was numbered")
    assert _forward(users, round_, kinds, member_a).number == "1/TTr-CĐVCHN"


def test_letters_to_the_level_above_and_to_outside_authorities_share_one_series(
    users, tree, round_, kinds, ldtt, approved
):
    tree.unit_a.short_name = "CĐCS Sở Tư pháp"
    tree.unit_a.save()
    proposal = _send(users, tree, ldtt, [approved])
    assert (proposal.register_number, proposal.letter_number) == (1, "1/TTr-CĐCS")
    letter = services.create_submission_letter(
        from_unit=tree.unit_a, to_unit=tree.city, nominations=[], actor=users.officer_a
    )
    assert letter.number == "2/TTr-CĐCS"


def test_a_letter_numbered_by_hand_takes_no_number_of_the_register(
    client_for, users, tree, ldtt, approved
):
    proposal = _send(users, tree, ldtt, [approved], letter_number="05/TTr-CĐCS")
    assert (proposal.letter_number, proposal.register_number) == ("05/TTr-CĐCS", None)
    assert not LetterCounter.objects.exists()
    url = reverse("awards:outside_proposal_letter", args=[proposal.pk])
    assert client_for(users.officer_a).get(url).status_code == 404  # the app wrote no letter


@pytest.mark.django_db(transaction=True)
def test_two_units_forwarding_at_once_never_share_a_number(postgresql, users, tree, round_, kinds):
    """Two reviewers of the city forward at the same moment: the register's row lock makes them
    take turns, 1 and 2."""
    other = UserFactory(username="city_reviewer_2")
    grant(other, tree.city, Role.REVIEWER)
    nominations = []
    for officer, unit in ((users.officer_a, tree.unit_a), (users.officer_b, tree.unit_b)):
        member = MemberFactory(unit=unit)
        register(round_, member)
        nominations.append(
            nominate(round_, kinds.bk_national, actor=officer, member=member, submit=True)
        )
    results = race(
        lambda: services.forward_nomination(nominations[0], actor=users.city_reviewer),
        lambda: services.forward_nomination(nominations[1], actor=other),
    )
    assert list(results.values()) == ["done", "done"]
    numbers = sorted(SubmissionLetter.objects.values_list("register_number", flat=True))
    assert numbers == [1, 2]


# --- The proposal letter to an outside authority ---------------------------------------------


def test_the_proposal_page_generates_the_letter_as_a_pdf_read_within_scope(
    client_for, users, tree, ldtt, approved, django_capture_on_commit_callbacks
):
    tree.unit_a.short_name = "CĐCS Sở Tư pháp"
    tree.unit_a.save()
    client = client_for(users.officer_a)
    create = (
        reverse("awards:outside_proposal_create") + f"?unit={tree.unit_a.pk}&award_kind={ldtt.pk}"
    )
    assert "1/TTr-CĐCS" in client.get(create).content.decode()  # the number it will take
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            create,
            {"authority": f"{AGENCY} {XSS}", "letter_date": timezone.localdate().strftime(
                "%d/%m/%Y"), "nominations": [approved.pk], "signer_name": "Trần Văn Chủ Tịch",
             "signer_title": "CHỦ TỊCH"},
        )  # fmt: skip
    proposal = OutsideProposal.objects.get()
    assert response.url == proposal.get_absolute_url()
    assert proposal.letter_number == "1/TTr-CĐCS" and proposal.letter_file
    detail = client.get(proposal.get_absolute_url()).content.decode()
    url = reverse("awards:outside_proposal_letter", args=[proposal.pk])
    assert url in detail and XSS not in detail and "&lt;script&gt;" in detail
    text = _pdf_text(client.get(url))
    for expected in (
        "1/TTr-CĐCS",
        AGENCY,
        XSS,  # written as text in the letter, never markup
        "Nguyễn Thị Hằng",
        "Lao động tiên tiến",
        "sáng kiến số hóa hồ sơ",
        "Trần Văn Chủ Tịch",
        "CHỦ TỊCH",
        "06/2022/QH15",
    ):
        assert expected in text, expected
    assert client_for(users.city_reviewer).get(url).status_code == 200  # the level above
    for user in (users.officer_b, users.outsider, users.nobody):
        assert client_for(user).get(url).status_code == 404, user.username


def test_the_letter_is_rendered_on_first_download_if_the_rendering_has_not_run(
    client_for, users, tree, ldtt, approved
):
    proposal = _send(users, tree, ldtt, [approved])
    assert not proposal.letter_file  # the rendering waits for the commit
    url = reverse("awards:outside_proposal_letter", args=[proposal.pk])
    assert "Nguyễn Thị Hằng" in _pdf_text(client_for(users.officer_a).get(url))


# --- The member's page ----------------------------------------------------------------------------


def test_outside_decisions_and_prior_awards_show_on_the_members_page(
    client_for, users, tree, ldtt, approved, member_a, kinds
):
    proposal = _send(users, tree, ldtt, [approved])
    outside.record_outside_decision(
        proposal,
        actor=users.officer_a,
        number="112/QĐ-STP",
        date=timezone.localdate(),
        issuer=f"Giám đốc Sở Tư pháp {XSS}",
        upload=SimpleUploadedFile("qd.pdf", make_pdf(), "application/pdf"),
    )
    PriorAward.objects.create(
        member=member_a, award_kind=kinds.bk_city, year=2021, decision_number="45/QĐ-CĐVC",
        issuer="Công đoàn Viên chức Hà Nội", unit=tree.unit_a,
    )  # fmt: skip
    file_url = reverse("awards:outside_decision_file", args=[proposal.pk])
    member_url = reverse("unions:member_detail", args=[member_a.pk])
    page = client_for(users.officer_a).get(member_url).content.decode()
    for expected in ("112/QĐ-STP", "Lao động tiên tiến", "45/QĐ-CĐVC", "2021", file_url):
        assert expected in page, expected
    assert XSS not in page and "&lt;script&gt;" in page
    assert client_for(users.officer_a).get(file_url).status_code == 200

    # Moved to grassroots B: its officer reads the member, not A's proposal nor its scan.
    member_a.unit = tree.unit_b
    member_a.save(update_fields=["unit"])
    page = client_for(users.officer_b).get(member_url).content.decode()
    assert "112/QĐ-STP" in page and file_url not in page
    assert client_for(users.officer_b).get(file_url).status_code == 404


def test_the_members_page_has_no_outside_panel_without_such_awards(client_for, users, member_a):
    page = client_for(users.officer_a).get(reverse("unions:member_detail", args=[member_a.pk]))
    assert 'data-testid="member-outside-awards"' not in page.content.decode()
