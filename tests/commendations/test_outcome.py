"""The outcome comes back: the nomination, the member's page and the unit's page and register
show the commendation (decision, register number, certificate, verification), revoked ones
marked, to the readers of the proposing unit and to nobody else."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from awards import services as award_services
from commendations import services
from tests.factories import backdate_approvals, nominate, register


@pytest.fixture
def interface_language():
    return "en"


@pytest.fixture
def commended(users, tree, round_, kinds, member_a):
    """member_a, proposed by grassroots A, commended by the city's decision 12/QĐ-CĐVC; its
    certificate rendered (as a worker would have)."""
    register(round_, member_a)
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a,
                          submit=True)  # fmt: skip
    award_services.approve_nomination(nomination, actor=users.city_reviewer)
    backdate_approvals([nomination])  # the decision is dated after the approval
    decision = services.create_decision(
        actor=users.clerk, issuing_unit=tree.city, award_kind=kinds.bk_city,
        nominations=[nomination], number="12/QĐ-CĐVC", date=date(2025, 5, 19), place="Hà Nội",
        signer_name="Phan Văn Anh",
    )  # fmt: skip
    services.issue_decision(decision, actor=users.clerk)
    commendation = nomination.commendation
    commendation.rendered_at = timezone.now()
    commendation.save(update_fields=["rendered_at"])
    return commendation


def page(client_for, user, url):
    response = client_for(user).get(url)
    return response.status_code, response.content.decode()


def assert_shows_the_outcome(content, commendation, downloadable=True):
    assert "Decision 12/QĐ-CĐVC of 19/05/2025" in content
    assert f"register no. {commendation.register_number}" in content
    verify = reverse("commendations:verify", args=[commendation.verification_code])
    assert verify in content
    download = reverse(
        "commendations:certificate_download", args=[commendation.decision_id, commendation.pk]
    )
    assert (download in content) == downloadable


def test_the_nomination_shows_its_commendation(client_for, users, commended):
    url = commended.nomination.get_absolute_url()
    for name in ("officer_a", "city_reviewer", "clerk", "national_reviewer"):
        status, content = page(client_for, getattr(users, name), url)
        assert status == 200 and 'data-testid="nomination-outcome"' in content, name
        assert_shows_the_outcome(content, commended)
    assert page(client_for, users.officer_b, url)[0] == 404


def test_the_members_page_lists_every_commendation_revoked_marked(client_for, users, commended):
    url = commended.nomination.nominee_member.get_absolute_url()
    status, content = page(client_for, users.officer_a, url)
    assert status == 200 and 'data-testid="member-commendations"' in content
    assert_shows_the_outcome(content, commended)
    assert 'data-state="revoked"' not in content
    services.revoke_commendation(
        commended, actor=users.clerk, number="20/QĐ-CĐVC", date=date(2025, 6, 1),
        reason="Hồ sơ không trung thực",
    )  # fmt: skip
    content = page(client_for, users.officer_a, url)[1]
    assert 'data-state="revoked"' in content
    assert "Revoked by decision 20/QĐ-CĐVC of 01/06/2025" in content
    assert "Hồ sơ không trung thực" in content


def test_the_units_page_and_register_show_what_it_received(client_for, users, tree, commended):
    status, content = page(client_for, users.officer_a, tree.unit_a.get_absolute_url())
    assert status == 200 and 'data-testid="unit-commendations"' in content
    assert_shows_the_outcome(content, commended)
    register_url = reverse("commendations:register", args=[tree.unit_a.pk])
    status, content = page(client_for, users.officer_a, f"{register_url}?view=received")
    assert status == 200 and "Nguyễn Thị Hằng" in content and "12/QĐ-CĐVC" in content
    # What grassroots A issued itself: nothing.
    assert "Nguyễn Thị Hằng" not in page(client_for, users.officer_a, register_url)[1]
    # Its sibling received nothing; an unknown view is not found.
    content = page(client_for, users.officer_b, tree.unit_b.get_absolute_url())[1]
    assert 'data-testid="unit-commendations"' not in content
    assert page(client_for, users.officer_a, f"{register_url}?view=bogus")[0] == 404


def test_the_certificate_is_downloaded_by_the_proposer(client_for, users, commended):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    default_storage.save(commended.file_name, ContentFile(b"%PDF-1.7 test"))
    url = reverse("commendations:certificate_download",
                  args=[commended.decision_id, commended.pk])  # fmt: skip
    codes = {name: client_for(getattr(users, name)).get(url).status_code for name in vars(users)}
    assert codes == {
        "officer_a": 200, "officer_b": 404, "city_officer": 200, "city_reviewer": 200,
        "national_reviewer": 200, "clerk": 200, "outsider": 404, "nobody": 404,
        # The guidance line's users (another city's branch) read nothing of it.
        "federation_reviewer": 404, "guided_reviewer": 404, "guided_officer": 404,
        "officer_g": 404,
    }  # fmt: skip


def test_a_certificate_not_rendered_yet_has_no_download_link(client_for, users, commended):
    commended.rendered_at = None
    commended.save(update_fields=["rendered_at"])
    content = page(client_for, users.officer_a, commended.nomination.get_absolute_url())[1]
    assert_shows_the_outcome(content, commended, downloadable=False)
