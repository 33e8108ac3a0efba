"""Decisions on the named tree: nominations of the city's Bằng khen approved by the city's
committee, ready for the city clerk (`users.clerk`) to put in a decision; files in a private
storage of each test's own."""

from datetime import date

import pytest
from django.conf import settings
from django.core.cache import cache

from awards import services
from commendations import services as commendation_services
from tests.awards.conftest import member_a  # noqa: F401  (a registered member)
from tests.factories import MemberFactory, backdate_approvals, nominate, register

NAMES = ["Nguyễn Thị Hằng", "Trần Văn Hùng", "Lê Minh Anh", "Phạm Thu Hà", "Đỗ Quốc Bảo"]


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path, monkeypatch):
    """Files of the test in its own folder; a worker started after this sees the same one."""
    root = tmp_path / "private"
    root.mkdir()
    monkeypatch.setenv("PRIVATE_STORAGE_ROOT", str(root))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    settings.SITE_URL = "https://thidua.example.vn"
    cache.clear()  # the verification page's rate counters
    return root


@pytest.fixture
def approve(tree, users, round_, kinds):  # noqa: F811
    """approve(count) -> nominations of the city's Bằng khen approved by the city committee."""

    def make(count, *, names=None, unit=None):
        approved = []
        for index in range(count):
            name = (names or NAMES)[index % len(names or NAMES)]
            member = MemberFactory(unit=unit or tree.unit_a, full_name=name)
            register(round_, member)
            officer = users.officer_a if (unit or tree.unit_a) == tree.unit_a else users.officer_b
            nomination = nominate(round_, kinds.bk_city, actor=officer, member=member, submit=True)
            approved.append(services.approve_nomination(nomination, actor=users.city_reviewer))
        # The council met before the decisions these tests date 19/05/2025.
        return backdate_approvals(approved)

    return make


def draft(users, tree, kinds, nominations=None, **fields):  # noqa: F811
    values = {
        "number": "45/QĐ-CĐVCHN",
        "date": date(2025, 5, 19),
        "place": "Hà Nội",
        "signer_name": "Phan Văn Anh",
    }
    values.update(fields)
    return commendation_services.create_decision(
        actor=users.clerk,
        issuing_unit=tree.city,
        award_kind=kinds.bk_city,
        nominations=nominations,
        **values,
    )


def issue(decision, actor, capture):
    """Issue and run the queued rendering (eager) as the commit would."""
    with capture(execute=True):
        decision = commendation_services.issue_decision(decision, actor=actor)
    decision.refresh_from_db()
    return decision


@pytest.fixture
def client_for(client):
    """client_for(user) -> the test client signed in as that user, in English (the assertions
    read the source strings)."""

    def sign_in(user):
        client.logout()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
