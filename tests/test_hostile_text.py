"""Any text in the forms people type into: saved as typed (cleaned) and shown escaped, or refused
with a form error; never an exception.

Property-based (hypothesis) over the member form, the movement form with its rounds and criteria,
the nomination form, the council vote form and the decision form, posted through their pages as
a browser would. The text may hold control characters, the bidirectional and invisible marks
(U+202A–U+202E, U+2066–U+2069, U+200B–U+200F, U+FEFF), 10,000 characters, emoji, HTML, SQL or a
NUL (refused with 400 before any form sees it: config.middleware). A name is saved without its
invisible and control characters (unions.text.normalize_text). Dates a person could not have
typed for a birth, a council meeting or a decision (before 1900, after 2100) are refused with
the form's error.

Each example runs in a savepoint rolled back after it.
"""

import html
import re
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from awards.models import CouncilVote, Nomination
from commendations.models import Decision
from movements.models import Criterion, Movement
from tests.factories import MemberFactory, nominate, register
from unions.models import Member
from unions.text import normalize_text

PROPERTY = settings(
    max_examples=50,
    deadline=None,
    database=None,  # no .hypothesis folder in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

INVISIBLE = (
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + [chr(c) for c in range(0x200B, 0x2010)]
    + ["\ufeff"]
)
CONTROL = [chr(c) for c in range(0x01, 0x20) if chr(c) not in "\t\n\r"] + ["\x7f", "\x85"]
PIECES = [
    "\x00", "<script>alert(1)</script>", "<b>đậm</b>", "&amp;", "' OR 1=1 --",
    "'; DROP TABLE unions_member; --", "{{ request }}", "{% debug %}", "😀", "👨‍👩‍👧",
    "Nguyễn Thị Hằng", "Trần Văn Hùng", "e\u0301", " ", "\n", "\t", "99999999999999999999",
]  # fmt: skip
# Text as typed, pasted, or crafted: any characters (no lone surrogates, which no browser can
# send), runs of the dangerous pieces, and very long values.
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
    st.lists(st.sampled_from(PIECES + INVISIBLE + CONTROL), max_size=40).map("".join),
    st.tuples(st.sampled_from(["x", "ư", "😀", "\u202e", "<"]), st.integers(1, 10_000)).map(
        lambda pair: pair[0] * pair[1]
    ),
)
# A date as a person types it, or a hostile one.
DATE_TEXT = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(lambda d: d.strftime("%d/%m/%Y")),
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(lambda d: f"{d:%d/%m}/{d.year}"),
    TEXT,
)
NUMBER_TEXT = st.one_of(st.integers(-(10**25), 10**25).map(str), TEXT)
FORBIDDEN_IN_NAMES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def signed_in(user):
    # Exceptions propagate: hypothesis reports the input that raised one.
    client = Client(raise_request_exception=True)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def refused(response, form="form"):
    """A 400 (a NUL, refused by the middleware) or the form shown again with its errors."""
    if response.status_code == 400:
        return True
    assert response.status_code == 200, response.status_code
    bound = response.context[form]
    return bound.is_bound and bool(bound.errors or getattr(bound, "non_form_errors", list)())


def shown_escaped(client, url, value):
    """The page shows `value` escaped, and none of it as markup."""
    content = client.get(url).content.decode()
    if value.strip():
        assert html.escape(value, quote=False) in content or html.escape(value) in content
    if "<script>" in value:
        assert "<script>alert(1)</script>" not in content


def _has_nul(*values):
    return any("\x00" in value for value in values)


# --- unions.text.normalize_text ---------------------------------------------------------------


@PROPERTY
@given(TEXT)
def test_normalized_text_has_no_control_or_invisible_character_and_is_stable(value):
    cleaned = normalize_text(value)
    assert not FORBIDDEN_IN_NAMES.search(cleaned)
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert normalize_text(cleaned) == cleaned


# --- The member form --------------------------------------------------------------------------


def _member_data(**changes):
    return {
        "full_name": "Nguyễn Thị Hằng",
        "gender": "female",
        "date_of_birth": "17/05/1985",
        "position": "Chuyên viên",
        "card_number": "",
        "joined_on": "",
        "status": "active",
        **changes,
    }


@PROPERTY
@given(name=TEXT, position=TEXT, card=TEXT)
@example(name="\u202eNguyễn\u200b Văn A", position="<b>x</b>", card="CARD000001\u200b")
@example(name="A", position="", card="CARD000001\u200b")
@example(name="A", position="", card="CARD\x1c000001")
def test_member_form_saves_a_clean_escaped_name_or_says_why(users, tree, name, position, card):
    client = signed_in(users.officer_a)
    url = reverse("unions:member_create", args=[tree.unit_a.pk])
    data = _member_data(full_name=name, position=position, card_number=card)
    with rolled_back():
        MemberFactory(unit=tree.unit_a, card_number="CARD000001", full_name="Đã có")
        response = client.post(url, data)
        created = Member.objects.filter(unit=tree.unit_a).exclude(full_name="Đã có")
        if response.status_code == 302:
            member = created.get()
            assert member.full_name == normalize_text(name) != ""
            assert not FORBIDDEN_IN_NAMES.search(member.full_name + member.position)
            assert member.card_number in (None, normalize_text(card))
            shown_escaped(client, member.get_absolute_url(), member.full_name)
        else:
            assert refused(response)
            assert not created.exists()
            assert response.status_code != 400 or _has_nul(name, position, card)


@PROPERTY
@given(born=DATE_TEXT)
@example(born="31/12/1899")
@example(born="01/01/2101")
@example(born="01/01/0001")
@example(born="31/12/9999")
def test_member_date_of_birth_outside_1900_2100_is_refused(users, tree, born):
    client = signed_in(users.officer_a)
    url = reverse("unions:member_create", args=[tree.unit_a.pk])
    with rolled_back():
        response = client.post(url, _member_data(date_of_birth=born))
        saved = Member.objects.filter(unit=tree.unit_a).first()
        if saved is not None:
            assert saved.date_of_birth is None or 1900 <= saved.date_of_birth.year <= 2100
        else:
            assert refused(response)
            errors = response.context["form"].errors if response.status_code == 200 else {}
            if (
                response.status_code == 200
                and re.fullmatch(r"\d\d/\d\d/\d{4}", born)
                and not 1900 <= int(born[-4:]) <= 2100
            ):
                assert errors["date_of_birth"] == ["Enter a date between 1900 and 2100."]


# --- The movement form, its rounds and criteria -----------------------------------------------


def _movement_data(tree, **changes):
    management = {}
    for prefix, total in (("rounds", 1), ("criteria", 1)):
        management.update(
            {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
             f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
        )  # fmt: skip
    return {
        "launching_unit": str(tree.city.pk),
        "code": "CSVH",
        "title_vi": "Xây dựng công sở văn hóa",
        "title_en": "",
        "kind": "regular",
        "legal_basis": "",
        "description": "",
        "starts_on": "01/01/2026",
        "ends_on": "",
        **management,
        "rounds-0-name": "Đợt năm 2026",
        "rounds-0-year": "2026",
        "rounds-0-opens_on": "15/01/2026",
        "rounds-0-registration_deadline": "",
        "criteria-0-position": "1",
        "criteria-0-group": "Ứng xử văn hóa",
        "criteria-0-text": "Thực hiện quy tắc ứng xử",
        "criteria-0-max_points": "60",
        "criteria-0-target": "individual",
        "criteria-0-kind": "standard",
        **changes,
    }


@PROPERTY
@given(code=TEXT, title=TEXT, round_name=TEXT, group=TEXT, text=TEXT, points=NUMBER_TEXT)
@example(
    code="CSVH-OLD\u200b", title="\u202eCông sở", round_name="Đợt 1\ufeff", group="<i>g</i>",
    text="x" * 10_000, points="99999999999999999999",
)  # fmt: skip
def test_movement_form_saves_clean_escaped_names_or_says_why(
    users, tree, code, title, round_name, group, text, points
):
    client = signed_in(users.city_officer)
    data = _movement_data(
        tree, **{"code": code, "title_vi": title, "rounds-0-name": round_name,
                 "criteria-0-group": group, "criteria-0-text": text,
                 "criteria-0-max_points": points}
    )  # fmt: skip
    with rolled_back():
        Movement.objects.create(
            code="CSVH-OLD", title_vi="Cũ", launching_unit=tree.city, kind="regular",
            starts_on=date(2025, 1, 1),
        )  # fmt: skip
        response = client.post(reverse("movements:movement_create"), data)
        created = Movement.objects.exclude(code="CSVH-OLD")
        if response.status_code == 302:
            movement = created.get()
            criterion = Criterion.objects.get(movement=movement)
            names = [movement.code, movement.title_vi, movement.rounds.get().name, criterion.group]
            assert names == [normalize_text(v) for v in (code, title, round_name, group)]
            assert not FORBIDDEN_IN_NAMES.search("".join(names))
            shown_escaped(client, movement.get_absolute_url(), movement.title_vi)
        else:
            assert response.status_code == 400 or (
                response.status_code == 200
                and any(
                    response.context[name].errors or response.context[name].non_form_errors()
                    for name in ("rounds", "criteria")
                )
                or response.context["form"].errors
            )
            assert not created.exists()


# --- The nomination form ----------------------------------------------------------------------


@pytest.fixture
def nominee(tree, round_, kinds):
    member = MemberFactory(unit=tree.unit_a, full_name="Nguyễn Thị Hằng")
    register(round_, member)
    round_.movement.requires_registration = False
    round_.movement.save()
    return member


@PROPERTY
@given(achievement=TEXT, citation=TEXT, comment=TEXT, points=NUMBER_TEXT)
@example(achievement="<script>alert(1)</script>", citation="\u202e", comment="x" * 10_000,
         points="99999999999999999999")  # fmt: skip
def test_nomination_form_saves_escaped_text_or_says_why(
    users, tree, round_, kinds, nominee, achievement, citation, comment, points
):
    client = signed_in(users.officer_a)
    url = reverse("awards:nominate_member", args=[nominee.pk])
    query = f"?unit={tree.unit_a.pk}&round={round_.pk}"
    criteria = round_.movement.criteria.filter(target="individual").order_by("pk")
    data = {"award_kind": kinds.bk_city.pk, "achievement": achievement,
            "public_citation": citation, "publishable": "on"}  # fmt: skip
    for index, criterion in enumerate(criteria):
        data[f"score_{criterion.pk}"] = points if index == 0 else "0"
        data[f"comment_{criterion.pk}"] = comment
    with rolled_back():
        response = client.post(url + query, data)
        if response.status_code == 302:
            nomination = Nomination.objects.get()
            assert nomination.achievement.strip() == achievement.strip().replace("\r\n", "\n")
            shown_escaped(client, nomination.get_absolute_url(), nomination.nominee_name)
            content = client.get(nomination.get_absolute_url()).content.decode()
            assert "<script>alert(1)</script>" not in content
        else:
            assert refused(response)
            assert not Nomination.objects.exists()


# --- The council vote form --------------------------------------------------------------------


@pytest.fixture
def submitted(users, round_, kinds, nominee):
    return nominate(round_, kinds.bk_city, actor=users.officer_a, member=nominee, submit=True)


@PROPERTY
@given(
    meeting=DATE_TEXT, total=NUMBER_TEXT, present=NUMBER_TEXT, for_=NUMBER_TEXT,
    against=NUMBER_TEXT, abstain=NUMBER_TEXT,
)  # fmt: skip
@example(meeting="31/12/1899", total="9", present="9", for_="9", against="0", abstain="0")
@example(meeting="01/01/0001", total="9", present="9", for_="9", against="0", abstain="0")
@example(meeting="01/01/2020", total="99999999999999999999", present="9", for_="9",
         against="0", abstain="0")  # fmt: skip
def test_vote_form_records_a_plausible_vote_or_says_why(
    users, submitted, meeting, total, present, for_, against, abstain
):
    client = signed_in(users.city_reviewer)
    data = {"meeting_date": meeting, "members_total": total, "present": present,
            "votes_for": for_, "votes_against": against, "abstain": abstain}  # fmt: skip
    with rolled_back():
        response = client.post(reverse("awards:nomination_vote", args=[submitted.pk]), data)
        if response.status_code == 302:
            vote = CouncilVote.objects.get()
            assert 1900 <= vote.meeting_date.year <= date.today().year
            assert 1 <= vote.members_total <= 1000
        else:
            assert refused(response)
            assert not CouncilVote.objects.exists()
            if response.status_code == 400:
                assert _has_nul(meeting, total, present, for_, against, abstain)
            elif re.fullmatch(r"\d\d/\d\d/\d{4}", meeting) and int(meeting[-4:]) < 1900:
                assert response.context["form"].errors["meeting_date"] == [
                    "Enter a date between 1900 and 2100."
                ]


# --- The decision form ------------------------------------------------------------------------


@pytest.fixture
def approved(users, submitted):
    from awards import services

    return services.approve_nomination(submitted, actor=users.city_reviewer)


@PROPERTY
@given(number=TEXT, day=DATE_TEXT, place=TEXT, signer=TEXT, achievement=TEXT)
@example(number="45/QĐ\u200b", day="19/05/1899", place="<b>Hà Nội</b>", signer="\u202eAn",
         achievement="x" * 10_000)  # fmt: skip
@example(number="45/QĐ", day="19/05/2101", place="Hà Nội", signer="An", achievement="")
def test_decision_form_saves_clean_escaped_text_or_says_why(
    users, tree, kinds, approved, number, day, place, signer, achievement
):
    client = signed_in(users.clerk)
    data = {
        "issuing_unit": tree.city.pk, "award_kind": kinds.bk_city.pk, "number": number,
        "date": day, "place": place, "parent_body": "", "issuing_body": "Ban Chấp hành",
        "authority": "Ban Thường vụ", "signer_title": "Chủ tịch", "signer_name": signer,
        "legal_bases": "Căn cứ Luật Thi đua, khen thưởng;", "proposal": "",
        "achievement": achievement,
    }  # fmt: skip
    with rolled_back():
        response = client.post(reverse("commendations:decision_create"), data)
        if response.status_code == 302:
            decision = Decision.objects.get()
            assert 1900 <= decision.date.year <= 2100
            assert decision.signer_name == normalize_text(signer)
            assert not FORBIDDEN_IN_NAMES.search(decision.number + decision.signer_name)
            shown_escaped(client, decision.get_absolute_url(), decision.number)
        else:
            assert refused(response)
            assert not Decision.objects.exists()
            if response.status_code == 400:
                assert _has_nul(number, day, place, signer, achievement)
            elif re.fullmatch(r"\d\d/\d\d/\d{4}", day) and not 1900 <= int(day[-4:]) <= 2100:
                assert response.context["form"].errors["date"] == [
                    "Enter a date between 1900 and 2100."
                ]
