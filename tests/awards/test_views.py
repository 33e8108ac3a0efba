"""The pages: nominating with evidence, refusals that save nothing, escaping, decisions, the
review queue and its bulk actions, and query counts that do not grow with the rows."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from awards import services
from awards.models import Evidence, Nomination, NominationState
from awards.views.refusals import PER_PAGE
from tests.factories import (
    MemberFactory,
    UserFactory,
    grant,
    make_pdf,
    make_png,
    nominate,
    register,
)

S = NominationState
XSS = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    return tmp_path / "private"


def _stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _form_data(round_, award_kind, **extra):
    data = {"award_kind": award_kind.pk, "achievement": "Hoàn thành xuất sắc nhiệm vụ."}
    for criterion in services.criteria_for(round_, award_kind.beneficiary):
        data[f"score_{criterion.pk}"] = "40" if criterion.required else "0"
        data[f"comment_{criterion.pk}"] = ""
    data.update(extra)
    return data


def _nominate_url(member):
    return reverse("awards:nominate_member", args=[member.pk])


# --- Nominating -------------------------------------------------------------------------------


def test_nominate_page_offers_the_open_round_and_the_awards_of_the_levels_above(
    client_for, users, round_, kinds, member_a
):
    response = client_for(users.officer_a).get(_nominate_url(member_a))
    assert response.status_code == 200
    form = response.context["form"]
    assert response.context["round"] == round_
    assert set(form.fields["award_kind"].queryset.values_list("code", flat=True)) == {
        "LDTT",
        "BK-HN",
        "BK-CDVC",
        "BK-TLD",
    }
    assert [row.criterion.text for row in form.score_rows()] == [
        "Tham mưu đúng, kịp thời",
        "Sáng kiến được áp dụng",
        "Vi phạm kỷ luật",
    ]


def test_nominate_with_evidence_and_submit(client_for, users, tree, round_, kinds, member_a,
                                           private_storage):  # fmt: skip
    files = [
        SimpleUploadedFile("báo cáo thành tích.pdf", make_pdf(2), "application/pdf"),
        SimpleUploadedFile("ảnh.png", make_png(), "image/png"),
    ]
    response = client_for(users.officer_a).post(
        _nominate_url(member_a), {**_form_data(round_, kinds.bk_city), "evidence": files,
                                  "submit": "1"},
    )  # fmt: skip
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response.url == nomination.get_absolute_url()
    assert (nomination.state, nomination.reviewing_unit, nomination.self_score_total) == (
        S.SUBMITTED,
        tree.city,
        Decimal(40),
    )
    assert sorted(nomination.evidence.values_list("original_name", "content_type")) == [
        ("báo cáo thành tích.pdf", "application/pdf"),
        ("ảnh.png", "image/png"),
    ]
    assert len(_stored_files(private_storage)) == 2


def test_nominate_saves_a_draft_without_submitting(client_for, users, round_, kinds, member_a):
    client_for(users.officer_a).post(_nominate_url(member_a), _form_data(round_, kinds.bk_city))
    assert Nomination.objects.get().state == S.DRAFT


def test_nominate_and_submit_with_a_refusal_keeps_the_draft_and_says_why(
    client_for, users, tree, round_, kinds
):
    member = MemberFactory(unit=tree.unit_a)  # not registered
    client = client_for(users.officer_a)
    response = client.post(
        _nominate_url(member), {**_form_data(round_, kinds.bk_city), "submit": "1"}, follow=True
    )
    assert Nomination.objects.get().state == S.DRAFT
    assert "did not register" in response.content.decode()


def test_oversized_evidence_is_refused_and_nothing_is_saved(
    client_for, users, round_, kinds, member_a, settings, private_storage
):
    settings.EVIDENCE_MAX_BYTES = 2000
    big = SimpleUploadedFile("lớn.pdf", make_pdf(1) + b"%" * 3000, "application/pdf")
    response = client_for(users.officer_a).post(
        _nominate_url(member_a), {**_form_data(round_, kinds.bk_city), "evidence": [big]}
    )
    assert response.status_code == 200
    assert "more than the" in response.content.decode()
    assert (Nomination.objects.count(), Evidence.objects.count()) == (0, 0)
    assert _stored_files(private_storage) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bao-cao.pdf", b"<html><script>alert(1)</script></html>"),
        ("anh.png", b"\x89PNG\r\n\x1a\nnot really an image"),
        ("bao-cao.pdf", b"%PDF-1.7 but nothing else"),
        ("tai-lieu.docx", b"PK\x03\x04 a word document"),
        ("rong.pdf", b""),
    ],
)
def test_wrong_type_evidence_is_refused_and_nothing_is_saved(
    client_for, users, round_, kinds, member_a, private_storage, name, content
):
    upload = SimpleUploadedFile(name, content, "application/pdf")
    good = SimpleUploadedFile("tot.pdf", make_pdf(), "application/pdf")
    response = client_for(users.officer_a).post(
        _nominate_url(member_a), {**_form_data(round_, kinds.bk_city), "evidence": [good, upload]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"]
    assert (Nomination.objects.count(), Evidence.objects.count()) == (0, 0)
    assert _stored_files(private_storage) == []


def test_bad_evidence_added_on_edit_changes_nothing(client_for, users, round_, kinds, member_a):
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    data = _form_data(round_, kinds.bk_city, achievement="Đã sửa")
    data["evidence"] = [SimpleUploadedFile("x.pdf", b"MZ\x90\x00", "application/pdf")]
    response = client_for(users.officer_a).post(
        reverse("awards:nomination_edit", args=[nomination.pk]), data
    )
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert (nomination.achievement, nomination.evidence.count()) == (
        "Hoàn thành xuất sắc nhiệm vụ năm.",
        0,
    )


def test_self_score_above_the_maximum_is_refused_by_the_form(
    client_for, users, round_, kinds, member_a
):
    data = _form_data(round_, kinds.bk_city)
    required = services.criteria_for(round_, "individual").get(required=True)
    data[f"score_{required.pk}"] = "61"
    response = client_for(users.officer_a).post(_nominate_url(member_a), data)
    assert response.context["form"].errors[f"score_{required.pk}"]
    assert Nomination.objects.count() == 0


def test_evidence_is_served_to_readers_with_its_checked_type(
    client_for, users, round_, kinds, member_a
):
    content = make_png()
    nomination = nominate(
        round_,
        kinds.bk_city,
        actor=users.officer_a,
        member=member_a,
        files=[SimpleUploadedFile("ảnh.png", content, "text/html")],
    )
    evidence = nomination.evidence.get()
    response = client_for(users.city_reviewer).get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content
    assert evidence.file.name.startswith("evidence/")
    assert "ảnh" not in evidence.file.name


def test_evidence_can_be_removed_from_a_draft(
    client_for, users, round_, kinds, member_a, private_storage, django_capture_on_commit_callbacks
):
    upload = SimpleUploadedFile("a.pdf", make_pdf(), "application/pdf")
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, files=[upload]
    )
    evidence = nomination.evidence.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(users.officer_a).post(
            reverse("awards:evidence_delete", args=[nomination.pk, evidence.pk])
        )
    assert (nomination.evidence.count(), _stored_files(private_storage)) == (0, [])


# --- Escaping ---------------------------------------------------------------------------------


def test_html_typed_into_text_fields_comes_back_escaped(client_for, users, tree, round_, kinds,
                                                        member_a):  # fmt: skip
    data = _form_data(round_, kinds.bk_city, achievement=XSS, public_citation=XSS)
    required = services.criteria_for(round_, "individual").get(required=True)
    data[f"comment_{required.pk}"] = XSS
    officer, reviewer = client_for(users.officer_a), None
    officer.post(_nominate_url(member_a), {**data, "submit": "1"})
    nomination = Nomination.objects.get()
    reviewer = client_for(users.city_reviewer)
    reviewer.post(reverse("awards:nomination_scores", args=[nomination.pk]),
                  {f"score_{required.pk}": "30", f"comment_{required.pk}": XSS})  # fmt: skip
    reviewer.post(reverse("awards:nomination_return", args=[nomination.pk]), {"comment": XSS})
    pages = [
        reviewer.get(nomination.get_absolute_url()),
        client_for(users.officer_a).get(reverse("awards:nomination_edit", args=[nomination.pk])),
    ]
    for response in pages:
        content = response.content.decode()
        assert XSS not in content
        assert "&lt;script&gt;" in content
    assert nomination.transitions.last().comment == XSS


# --- The reviewer's scoring form --------------------------------------------------------------


def test_scoring_form_shows_the_self_score_beside_each_criterion(client_for, users, tree, round_,
                                                                 kinds, member_a):  # fmt: skip
    criteria = {c.text: c for c in services.criteria_for(round_, "individual")}
    self_scores = {c.pk: (Decimal(0), "") for c in criteria.values()}
    self_scores[criteria["Tham mưu đúng, kịp thời"].pk] = (Decimal(55), "12 đề án trình đúng hạn")
    self_scores[criteria["Vi phạm kỷ luật"].pk] = (Decimal(5), "")
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a,
                          submit=True, self_scores=self_scores)  # fmt: skip
    response = client_for(users.city_reviewer).get(
        reverse("awards:nomination_scores", args=[nomination.pk])
    )
    rows = response.context["form"].score_rows()
    assert [(r.criterion.text, r.own.points) for r in rows] == [
        ("Tham mưu đúng, kịp thời", Decimal(55)),
        ("Sáng kiến được áp dụng", Decimal(0)),
        ("Vi phạm kỷ luật", Decimal(5)),
    ]
    content = response.content.decode()
    assert "12 đề án trình đúng hạn" in content
    assert "−5" in content  # a penalty's self-score reads as negative
    assert "/ −20" in content


def test_scoring_error_is_at_its_field_in_plain_words(client_for, users, tree, round_, kinds,
                                                      member_a):  # fmt: skip
    nomination = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a,
                          submit=True)  # fmt: skip
    required = services.criteria_for(round_, "individual").get(required=True)
    response = client_for(users.city_reviewer).post(
        reverse("awards:nomination_scores", args=[nomination.pk]),
        {f"score_{required.pk}": "75"},
    )
    assert response.status_code == 200
    field = response.context["form"][f"score_{required.pk}"]
    assert field.errors == ["Enter a number of points from 0 to 60."]
    html = str(field)
    assert "is-invalid" in html
    assert f'aria-describedby="id_score_{required.pk}-error"' in html
    assert f'id="id_score_{required.pk}-error"' in response.content.decode()
    assert nomination.review_scores.count() == 0


def test_member_name_with_markup_is_escaped_in_the_queue(client_for, users, tree, round_, kinds):
    member = MemberFactory(unit=tree.unit_a, full_name="<b>Hằng</b>")
    register(round_, member)
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True)
    content = client_for(users.city_reviewer).get(reverse("awards:review_queue")).content.decode()
    assert "&lt;b&gt;Hằng&lt;/b&gt;" in content
    assert "<b>Hằng</b>" not in content


# --- Decisions --------------------------------------------------------------------------------


def test_return_without_reasons_shows_the_form_again_and_changes_nothing(
    client_for, users, round_, kinds, member_a
):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    response = client_for(users.city_reviewer).post(
        reverse("awards:nomination_return", args=[nomination.pk]), {"comment": "  "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["comment"]
    assert Nomination.objects.get().state == S.SUBMITTED


def test_second_reviewer_acting_after_the_first_is_told_it_was_already_decided(
    client_for, users, tree, round_, kinds, member_a
):
    other = UserFactory(username="city_reviewer_2")
    grant(other, tree.city, "reviewer")
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    client_for(users.city_reviewer).post(reverse("awards:nomination_approve", args=[nomination.pk]))
    response = client_for(other).post(
        reverse("awards:nomination_reject", args=[nomination.pk]), {"comment": "Không"},
        follow=True,
    )  # fmt: skip
    assert Nomination.objects.get().state == S.APPROVED
    assert "can no longer be done" in response.content.decode()


def test_approve_with_a_failed_vote_shows_the_rule(client_for, users, round_, kinds, member_a):
    kinds.bk_city.vote_threshold = Decimal("0.6667")
    kinds.bk_city.vote_denominator = "present"
    kinds.bk_city.save()
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    client = client_for(users.city_reviewer)
    client.post(
        reverse("awards:nomination_vote", args=[nomination.pk]),
        {"meeting_date": "01/01/2025", "members_total": 9, "present": 9, "votes_for": 5,
         "votes_against": 4, "abstain": 0},
    )  # fmt: skip
    response = client.post(reverse("awards:nomination_approve", args=[nomination.pk]), follow=True)
    assert "did not pass" in response.content.decode()
    assert Nomination.objects.get().state == S.UNDER_REVIEW


def test_returned_nomination_is_completed_and_submitted_again_from_the_edit_page(
    client_for, users, round_, kinds, member_a
):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    services.return_nomination(nomination, actor=users.city_reviewer, reason="Thiếu minh chứng")
    client = client_for(users.officer_a)
    page = client.get(reverse("awards:nomination_edit", args=[nomination.pk]))
    assert "Thiếu minh chứng" in page.content.decode()
    data = _form_data(round_, kinds.bk_city, achievement="Đã bổ sung minh chứng", submit="1")
    data["evidence"] = [SimpleUploadedFile("qd.pdf", make_pdf(), "application/pdf")]
    client.post(reverse("awards:nomination_edit", args=[nomination.pk]), data)
    nomination.refresh_from_db()
    assert (nomination.state, nomination.evidence.count()) == (S.SUBMITTED, 1)


# --- The review queue -------------------------------------------------------------------------


@pytest.fixture
def queue(users, tree, round_, kinds, member_a, member_b):
    """Two nominations waiting at the city, one already returned, one draft."""
    high = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True,
                    points=55)  # fmt: skip
    low = nominate(round_, kinds.bk_national, actor=users.officer_b, member=member_b, submit=True,
                   points=20)  # fmt: skip
    # One achievement, one award: the returned one and the draft are of other members.
    other_a, other_b = MemberFactory(unit=tree.unit_a), MemberFactory(unit=tree.unit_b)
    register(round_, other_a)
    register(round_, other_b)
    returned = nominate(round_, kinds.bk_national, actor=users.officer_a, member=other_a,
                        submit=True)  # fmt: skip
    services.return_nomination(returned, actor=users.city_reviewer, reason="Bổ sung")
    draft = nominate(round_, kinds.bk_city, actor=users.officer_b, member=other_b)
    return {"high": high, "low": low, "returned": returned, "draft": draft}


def _queue(client, **params):
    response = client.get(reverse("awards:review_queue"), params)
    return [n.pk for n in response.context["page_obj"]]


def test_review_queue_shows_what_awaits_by_default_sorted_by_score(client_for, users, queue):
    client = client_for(users.city_reviewer)
    assert _queue(client) == [queue["high"].pk, queue["low"].pk]
    assert _queue(client, sort="score") == [queue["low"].pk, queue["high"].pk]


def test_review_queue_filters(client_for, users, tree, kinds, queue):
    client = client_for(users.city_reviewer)
    assert _queue(client, state="returned") == [queue["returned"].pk]
    assert sorted(_queue(client, state="")) == sorted(
        [queue["high"].pk, queue["low"].pk, queue["returned"].pk]
    )
    assert _queue(client, unit=tree.unit_b.pk) == [queue["low"].pk]
    assert _queue(client, award_kind=kinds.bk_city.pk) == [queue["high"].pk]
    assert _queue(client, movement=queue["high"].round.movement_id, round=queue["high"].round_id)


def test_review_queue_of_a_higher_level_holds_only_what_was_forwarded(client_for, users, queue):
    client = client_for(users.national_reviewer)
    assert _queue(client) == []
    services.forward_nomination(queue["low"], actor=users.city_reviewer)
    assert _queue(client) == [queue["low"].pk]


def test_bulk_return_lists_the_selection_before_anything_changes(client_for, users, queue):
    client = client_for(users.city_reviewer)
    ids = [queue["high"].pk, queue["low"].pk]
    response = client.post(
        reverse("awards:bulk_action"), {"action": "return", "ids": ids, "comment": "Bổ sung"}
    )
    assert response.status_code == 200
    assert [n.pk for n in response.context["selected"]] == sorted(ids)
    content = response.content.decode()
    assert "Nguyễn Thị Hằng" in content and "Lê Minh Anh" in content
    assert "2" in content.split("<h1", 1)[1].split("</h1>")[0]
    assert Nomination.objects.filter(state=S.SUBMITTED).count() == 2
    response = client.post(
        reverse("awards:bulk_action"),
        {"action": "return", "ids": ids, "comment": "Bổ sung", "confirmed": "1"},
    )
    assert response.status_code == 302
    states = Nomination.objects.filter(pk__in=ids).values_list("state", flat=True)
    assert list(states) == [S.RETURNED, S.RETURNED]


def test_bulk_forward_and_approve(client_for, users, tree, queue):
    client = client_for(users.city_reviewer)
    client.post(reverse("awards:bulk_action"),
                {"action": "forward", "ids": [queue["low"].pk], "confirmed": "1"})  # fmt: skip
    client.post(reverse("awards:bulk_action"),
                {"action": "approve", "ids": [queue["high"].pk], "confirmed": "1"})  # fmt: skip
    queue["low"].refresh_from_db()
    queue["high"].refresh_from_db()
    assert (queue["low"].state, queue["low"].reviewing_unit) == (S.FORWARDED, tree.national)
    assert queue["high"].state == S.APPROVED


def test_bulk_approve_of_a_nomination_granted_higher_is_refused_on_the_confirmation(
    client_for, users, queue
):
    ids = [queue["high"].pk, queue["low"].pk]
    response = client_for(users.city_reviewer).post(
        reverse("awards:bulk_action"), {"action": "approve", "ids": ids, "confirmed": "1"}
    )
    assert [n.pk for n in response.context["refused"]] == [queue["low"].pk]
    assert Nomination.objects.filter(state=S.SUBMITTED).count() == 2


def test_bulk_return_without_a_comment_is_refused(client_for, users, queue):
    response = client_for(users.city_reviewer).post(
        reverse("awards:bulk_action"),
        {"action": "return", "ids": [queue["high"].pk], "confirmed": "1"},
        follow=True,
    )
    assert "Give the reasons" in response.content.decode()
    assert Nomination.objects.get(pk=queue["high"].pk).state == S.SUBMITTED


# --- Query counts -----------------------------------------------------------------------------


def _many(users, tree, round_, kinds, count):
    for _ in range(count):
        member = MemberFactory(unit=tree.unit_a)
        register(round_, member)
        nominate(round_, kinds.bk_city, actor=users.officer_a, member=member, submit=True)


@pytest.mark.parametrize("rows", [1, 30])
def test_review_queue_query_count_does_not_grow(client_for, users, tree, round_, kinds, rows,
                                                django_assert_num_queries):  # fmt: skip
    _many(users, tree, round_, kinds, rows)
    client = client_for(users.city_reviewer)
    # With the navigation's badges (one query); the page's ids, then its rows; "awaiting our
    # decision" asks no more which rows await the user's decision: all of them do.
    with django_assert_num_queries(11):
        response = client.get(reverse("awards:review_queue"))
    assert len(response.context["page_obj"]) == min(rows, PER_PAGE)


@pytest.mark.parametrize("rows", [1, 30])
def test_nomination_list_query_count_does_not_grow(client_for, users, tree, round_, kinds, rows,
                                                   django_assert_num_queries):  # fmt: skip
    _many(users, tree, round_, kinds, rows)
    client = client_for(users.officer_a)
    with django_assert_num_queries(9):  # with the navigation's badges (one query)
        response = client.get(reverse("awards:nomination_list"), {"unit": tree.unit_a.pk})
    assert len(response.context["page_obj"]) == min(rows, PER_PAGE)


@pytest.mark.parametrize("rows", [1, 12])
def test_nomination_page_query_count_does_not_grow(client_for, users, tree, round_, kinds,
                                                   member_a, rows,
                                                   django_assert_num_queries):  # fmt: skip
    upload = SimpleUploadedFile("a.pdf", make_pdf(), "application/pdf")
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True, files=[upload]
    )
    criteria = services.criteria_for(round_, "individual")
    for number in range(rows):
        reviewer = UserFactory(username=f"reviewer{number}")
        grant(reviewer, tree.city, "reviewer")
        scores = {c.pk: (Decimal(number % 10), "") for c in criteria}
        services.record_review_scores(nomination, actor=reviewer, scores=scores)
    client = client_for(users.city_reviewer)
    # One more than the page's reads for a reviewer: whether they declared a conflict on it;
    # the dossier's bình xét ballots and the tờ trình that carried it; the round's deadlines,
    # for the time limit of the step the nomination is at; and the navigation's badges.
    with django_assert_num_queries(16):
        response = client.get(nomination.get_absolute_url())
    assert len(response.context["reviewers"]) == rows


@pytest.mark.parametrize("rows", [1, 10])
def test_home_panel_query_count_does_not_grow(client_for, users, tree, round_, kinds, rows,
                                              django_assert_num_queries):  # fmt: skip
    _many(users, tree, round_, kinds, rows)
    client = client_for(users.city_reviewer)
    with django_assert_num_queries(11):  # the reviewer's worklist: tests/worklists
        response = client.get(reverse("home"))
    assert f"{rows} " in response.content.decode()


# --- Entry points -----------------------------------------------------------------------------


def test_member_page_offers_to_nominate(client_for, users, member_a):
    content = client_for(users.officer_a).get(member_a.get_absolute_url()).content.decode()
    assert _nominate_url(member_a) in content


def test_unit_page_offers_collective_nomination_to_its_officers(client_for, users, tree):
    url = reverse("awards:nominate_unit", args=[tree.unit_a.pk])
    assert url in client_for(users.officer_a).get(tree.unit_a.get_absolute_url()).content.decode()
    assert (
        url
        not in client_for(users.city_reviewer).get(tree.unit_a.get_absolute_url()).content.decode()
    )


def test_home_lists_drafts_and_returned_nominations(client_for, users, round_, kinds, member_a):
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a)
    content = client_for(users.officer_a).get(reverse("home")).content.decode()
    assert "Nguyễn Thị Hằng" in content


def test_collective_nomination_through_the_unit_page(client_for, users, tree, round_, kinds):
    register(round_, unit=tree.unit_a)
    criteria = services.criteria_for(round_, "collective")
    data = {"award_kind": kinds.collective.pk, "achievement": "Tập thể xuất sắc", "submit": "1",
            **{f"score_{c.pk}": "80" for c in criteria}}  # fmt: skip
    client_for(users.officer_a).post(reverse("awards:nominate_unit", args=[tree.unit_a.pk]), data)
    nomination = Nomination.objects.get()
    assert (nomination.nominee_unit, nomination.state) == (tree.unit_a, S.SUBMITTED)


def test_grassroots_committee_queue_holds_its_own_awards_and_its_groups_not_what_it_sent_up(
    client_for, users, tree, round_, kinds, member_a, member_a1, reviewer_a
):
    own = nominate(round_, kinds.ldtt, actor=users.officer_a, member=member_a, submit=True)
    from_group = nominate(round_, kinds.ldtt, actor=users.officer_a, member=member_a1,
                          proposing_unit=tree.group_a1, submit=True)  # fmt: skip
    nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    client = client_for(reviewer_a)
    assert sorted(_queue(client, state="")) == sorted([own.pk, from_group.pk])


def test_bulk_action_with_an_id_that_cannot_exist_is_refused_and_changes_nothing(
    client_for, users, queue
):
    response = client_for(users.city_reviewer).post(
        reverse("awards:bulk_action"),
        {"action": "approve", "ids": [queue["high"].pk, "99999999999999999999"], "confirmed": "1"},
        follow=True,
    )
    assert response.status_code == 200
    assert "A selected nomination no longer awaits your decision." in response.content.decode()
    assert Nomination.objects.filter(state=S.SUBMITTED).count() == 2


@pytest.mark.parametrize("page", ["abc", "-1", "99999999999999999999"])
def test_a_page_of_the_review_queue_that_cannot_exist_is_not_found(client_for, users, page):
    response = client_for(users.city_reviewer).get(reverse("awards:review_queue"), {"page": page})
    assert response.status_code == 404


@pytest.mark.parametrize("day", ["31/12/1899", "01/01/0001"])
def test_vote_with_a_meeting_date_before_1900_is_refused(
    client_for, users, round_, kinds, member_a, day
):
    nomination = nominate(
        round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True
    )
    response = client_for(users.city_reviewer).post(
        reverse("awards:nomination_vote", args=[nomination.pk]),
        {"meeting_date": day, "members_total": 9, "present": 9, "votes_for": 9,
         "votes_against": 0, "abstain": 0},
    )  # fmt: skip
    assert response.context["form"].errors["meeting_date"] == [
        "Enter a date between 1900 and 2100."
    ]
    assert not nomination.votes.exists()


# --- The member picker ------------------------------------------------------------------------


def test_picker_finds_members_without_accents_within_the_officers_units(
    client_for, users, tree, round_, member_a, member_b
):
    client = client_for(users.officer_a)
    found = client.get(reverse("awards:nominee_search"), {"q": "nguyen hang"}).json()["results"]
    assert [(m["name"], m["url"]) for m in found] == [
        ("Nguyễn Thị Hằng", reverse("awards:nominate_member", args=[member_a.pk]))
    ]
    # Officer A may not nominate unit B's member: the picker does not offer them.
    assert client.get(reverse("awards:nominee_search"), {"q": "le minh"}).json() == {"results": []}
    page = client.get(reverse("awards:nominate_pick"), {"q": "HANG", "round": round_.pk})
    assert page.status_code == 200
    assert [m.pk for m in page.context["members"]] == [member_a.pk]
    assert f"/members/{member_a.pk}/nominate/?round={round_.pk}" in page.content.decode()


def test_picker_is_for_officers_and_their_rounds(client_for, users, tree, round_, member_a):
    assert client_for(users.city_reviewer).get(reverse("awards:nominate_pick")).status_code == 403
    officer = client_for(users.officer_a)
    for value in ("999999", "x", "9" * 30):
        response = officer.get(reverse("awards:nominate_pick"), {"round": value})
        assert response.status_code == 404
