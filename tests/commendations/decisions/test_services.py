"""The decision services: drafts, issuing with register numbers, snapshots, revocation."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commendations import documents, scoping, services
from commendations.models import (
    CertificateTemplateVersion,
    Commendation,
    Decision,
    DecisionState,
    RegisterCounter,
)
from tests.commendations.decisions.conftest import draft, issue
from tests.factories import UserFactory, grant, nominate
from unions.models import Activity, Role


def test_create_decision_takes_every_approved_nomination_of_the_kind(approve, users, tree, kinds):
    approved = approve(3)
    decision = draft(users, tree, kinds)
    assert decision.state == DecisionState.DRAFT
    assert set(decision.nominations.all()) == set(approved)
    assert decision.year == 2025
    assert decision.issuing_body == "Ban Chấp hành Công đoàn Viên chức Hà Nội"
    assert decision.parent_body == "Công đoàn Viên chức"
    assert Activity.objects.filter(action="decision.drafted", unit=tree.city).count() == 1


def test_create_decision_refused_to_a_reviewer(approve, users, tree, kinds):
    approve(1)
    with pytest.raises(PermissionDenied):
        services.create_decision(
            actor=users.city_reviewer,
            issuing_unit=tree.city,
            award_kind=kinds.bk_city,
            number="1/QĐ",
            date=date(2025, 1, 2),
            place="Hà Nội",
            signer_name="A",
        )


def test_create_decision_refused_for_an_award_of_another_level(approve, users, tree, kinds):
    with pytest.raises(ValidationError) as error:
        services.create_decision(
            actor=users.clerk,
            issuing_unit=tree.city,
            award_kind=kinds.bk_national,
            number="1/QĐ",
            date=date(2025, 1, 2),
            place="Hà Nội",
            signer_name="A",
        )
    assert error.value.code == "wrong_level"
    assert Decision.objects.count() == 0


def test_create_decision_refuses_a_nomination_not_approved_here(
    approve, users, tree, kinds, round_, member_a
):
    submitted = nominate(round_, kinds.bk_city, actor=users.officer_a, member=member_a, submit=True)
    with pytest.raises(ValidationError) as error:
        draft(users, tree, kinds, nominations=[submitted])
    assert error.value.code == "not_eligible"
    assert Decision.objects.count() == 0


def test_decision_number_is_unique_per_unit_and_year(approve, users, tree, kinds):
    approve(1)
    draft(users, tree, kinds)
    with pytest.raises(ValidationError) as error:
        draft(users, tree, kinds)
    assert "number" in error.value.message_dict
    # The same number in another year is another decision.
    other = draft(users, tree, kinds, date=date(2026, 1, 5))
    assert other.number == "45/QĐ-CĐVCHN"


def test_set_awardees_removes_one_before_issuing(approve, users, tree, kinds):
    first, second, third = approve(3)
    decision = draft(users, tree, kinds)
    services.set_awardees(decision, actor=users.clerk, nominations=[first, third])
    assert set(decision.nominations.all()) == {first, third}
    activity = Activity.objects.get(action="decision.awardees_changed")
    assert activity.data == {"removed": [second.pk], "added": []}


def test_issue_decision_numbers_the_register_and_snapshots_the_certificate(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    approve(3, names=["Trần Văn Hùng", "Nguyễn Thị Hằng", "Lê Minh Anh"])
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    commendations = list(decision.commendations.order_by("position"))
    # Vietnamese order: by given name (Anh, Hằng, Hùng).
    assert [c.awardee_name for c in commendations] == [
        "Lê Minh Anh",
        "Nguyễn Thị Hằng",
        "Trần Văn Hùng",
    ]
    assert [c.register_number for c in commendations] == ["0001/2025", "0002/2025", "0003/2025"]
    # The line under the name: the agency ("Công đoàn cơ sở A" gathers the staff of A).
    assert commendations[0].unit_name == "A"
    assert commendations[0].job_title == "Chuyên viên"
    assert commendations[0].award_name == "Bằng khen CĐVC thành phố"
    assert commendations[0].achievement == decision.achievement
    assert len(commendations[0].verification_code) == 32
    assert decision.state == DecisionState.ISSUED
    assert decision.issued_by == users.clerk


def test_register_numbers_continue_across_decisions_and_restart_each_year(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    first, second, third = approve(3)
    one = draft(users, tree, kinds, nominations=[first, second], number="1/QĐ")
    issue(one, users.clerk, django_capture_on_commit_callbacks)
    two = draft(users, tree, kinds, nominations=[third], number="2/QĐ")
    issue(two, users.clerk, django_capture_on_commit_callbacks)
    assert [c.register_number for c in two.commendations.all()] == ["0003/2025"]
    counter = RegisterCounter.objects.get(unit=tree.city, year=2025)
    assert counter.last_number == 3
    more = approve(1)
    three = draft(users, tree, kinds, nominations=more, number="1/QĐ", date=date(2026, 1, 3))
    issue(three, users.clerk, django_capture_on_commit_callbacks)
    assert [c.register_number for c in three.commendations.all()] == ["0001/2026"]


def test_issued_decision_is_never_edited(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    approve(1)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        services.update_decision(decision, actor=users.clerk, signer_name="Người khác")
    assert error.value.code == "issued"
    with pytest.raises(ValidationError):
        services.issue_decision(decision, actor=users.clerk)
    decision.refresh_from_db()
    assert decision.signer_name == "Phan Văn Anh"
    assert Commendation.objects.count() == 1


def test_nomination_is_in_at_most_one_issued_decision(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    (nomination,) = approve(1)
    one = draft(users, tree, kinds, number="1/QĐ")
    two = draft(users, tree, kinds, number="2/QĐ")  # a second draft may list it too
    issue(one, users.clerk, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as error:
        services.issue_decision(two, actor=users.clerk)
    assert error.value.code == "already_commended"
    two.refresh_from_db()
    assert two.state == DecisionState.DRAFT
    assert Commendation.objects.filter(nomination=nomination).count() == 1
    assert RegisterCounter.objects.get().last_number == 1
    assert list(scoping.approved_at(tree.city)) == []


def test_issue_decision_without_awardees_is_refused(approve, users, tree, kinds):
    approve(1)
    decision = draft(users, tree, kinds)
    services.set_awardees(decision, actor=users.clerk, nominations=[])
    with pytest.raises(ValidationError) as error:
        services.issue_decision(decision, actor=users.clerk)
    assert error.value.code == "empty"
    assert RegisterCounter.objects.count() == 0


def test_issue_decision_refused_to_the_city_reviewer(approve, users, tree, kinds):
    approve(1)
    decision = draft(users, tree, kinds)
    with pytest.raises(PermissionDenied):
        services.issue_decision(decision, actor=users.city_reviewer)
    decision.refresh_from_db()
    assert decision.state == DecisionState.DRAFT


def test_renaming_a_member_later_does_not_change_the_commendation(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    (nomination,) = approve(1)
    issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    member = nomination.nominee_member
    member.full_name = "Tên Khác"
    member.save()
    tree.unit_a.name = "Đơn vị đổi tên"
    tree.unit_a.save()
    commendation = Commendation.objects.get()
    assert (commendation.awardee_name, commendation.unit_name) == (
        "Nguyễn Thị Hằng",
        "A",
    )


def test_revoke_commendation_keeps_the_reason_and_the_number(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    approve(1)
    issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    commendation = Commendation.objects.get()
    services.revoke_commendation(
        commendation,
        actor=users.clerk,
        number="52/QĐ-CĐVCHN",
        date=date(2025, 8, 1),
        reason="Hồ sơ khai không đúng thành tích.",
    )
    commendation.refresh_from_db()
    assert commendation.is_revoked is True
    assert commendation.revocation_reason == "Hồ sơ khai không đúng thành tích."
    assert commendation.register_number == "0001/2025"
    with pytest.raises(ValidationError) as error:
        services.revoke_commendation(
            commendation, actor=users.clerk, number="53/QĐ", date=date(2025, 8, 2), reason="x"
        )
    assert error.value.code == "already_revoked"


def test_revoke_commendation_needs_a_reason(
    approve, users, tree, kinds, django_capture_on_commit_callbacks
):
    approve(1)
    issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    commendation = Commendation.objects.get()
    with pytest.raises(ValidationError) as error:
        services.revoke_commendation(
            commendation, actor=users.clerk, number="52/QĐ", date=date(2025, 8, 1), reason=" "
        )
    assert error.value.code == "revocation_incomplete"
    commendation.refresh_from_db()
    assert commendation.is_revoked is False


def test_save_certificate_template_reports_a_syntax_error_and_keeps_the_old(users, tree, kinds):
    with pytest.raises(ValidationError) as error:
        services.save_certificate_template(
            kinds.bk_city, actor=users.clerk, unit=tree.city, source="<p>{% if %}</p>"
        )
    assert error.value.code == "template_syntax"
    assert documents.own_template_source(kinds.bk_city, tree.city) == ""
    assert not CertificateTemplateVersion.objects.exists()


def test_a_unit_s_template_is_for_the_clerks_of_that_unit_at_the_granting_level(users, tree, kinds):
    source = "<style>p{color:red}</style><p>{{ certificate.awardee_name }}</p>"
    version = services.save_certificate_template(
        kinds.bk_city, actor=users.clerk, unit=tree.city, source=source
    )
    assert version.number == 1
    assert documents.own_template_source(kinds.bk_city, tree.city) == source
    assert documents.certificate_template_source(kinds.bk_city, tree.city) == source
    # The default, and therefore the other city, is untouched.
    assert documents.certificate_template_source(kinds.bk_city, tree.other_city) != source
    assert documents.own_template_source(kinds.bk_city) == ""
    for kind, unit, actor in [
        (kinds.bk_national, tree.national, users.clerk),  # not the clerk's unit
        (kinds.bk_city, tree.other_city, users.clerk),  # another city
        (kinds.bk_city, None, users.clerk),  # the default: not the clerk's to edit
        (kinds.bk_city, tree.city, users.city_reviewer),  # not a clerk
    ]:
        with pytest.raises(PermissionDenied):
            services.save_certificate_template(kind, actor=actor, unit=unit, source="")


def test_approved_at_lists_only_what_the_unit_itself_approved(approve, users, tree, kinds, round_):
    approved = approve(2)
    # Approved at a grassroots committee: not the city's to decide.
    assert set(scoping.approved_at(tree.city)) == set(approved)
    assert list(scoping.approved_at(tree.unit_a)) == []


def test_certificate_preview_command_uses_the_kind_s_default_template(users, tree, kinds, tmp_path):
    from django.core.management import call_command

    from tests.commendations.certificates.conftest import poppler_text

    root_clerk = UserFactory()
    grant(root_clerk, tree.confederation, Role.CLERK)
    services.save_certificate_template(
        kinds.bk_city,
        actor=root_clerk,
        source="<p>MẪU RIÊNG {{ certificate.awardee_name }}</p>",
    )
    out = tmp_path / "sample.pdf"
    call_command("certificate_preview", award_kind="BK-HN", name="Nguyễn Thị Hằng", out=str(out))
    assert "MẪU RIÊNG Nguyễn Thị Hằng" in poppler_text(out.read_bytes())


def test_admin_lists_decisions_in_the_staff_scope(
    approve, users, tree, kinds, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    approve(1)
    issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    for user in (users.clerk, users.outsider):
        user.is_staff = True
        user.save()
    client.force_login(users.clerk)
    assert (
        client.get(reverse("admin:commendations_decision_changelist")).context["cl"].result_count
        == 1
    )
    client.force_login(users.outsider)
    assert (
        client.get(reverse("admin:commendations_decision_changelist")).context["cl"].result_count
        == 0
    )
    assert (
        client.get(reverse("admin:commendations_commendation_changelist"))
        .context["cl"]
        .result_count
        == 0
    )
