"""Certificate templates as decisions print them: per issuing unit, fixed at issue, refused when
they cannot print, links limited to the verification page, failures that never leave a
decision stuck."""

import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from commendations import documents, services
from commendations.certificates.templating import MAX_ITERATIONS, MAX_SOURCE_LENGTH
from commendations.models import Commendation, RenderState, TemplateOrigin
from tests.commendations.decisions.conftest import draft, issue
from tests.factories import UserFactory, grant, template_version
from unions.models import Role


def _text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _certificate(private_storage):
    commendation = Commendation.objects.get()
    return (private_storage / commendation.file_name).read_bytes()


def _link_targets(pdf):
    targets = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") == "/Link":
                action = annotation.get("/A")
                targets.append(action.get_object().get("/URI") if action else "internal")
    return targets


@pytest.fixture
def root_clerk(tree):
    user = UserFactory(username="root_clerk")
    grant(user, tree.confederation, Role.CLERK)
    return user


@pytest.fixture
def other_clerk(tree):
    user = UserFactory(username="other_clerk")
    grant(user, tree.other_city, Role.CLERK)
    return user


def test_another_city_s_template_does_not_change_hanoi_s_certificates(
    approve, users, tree, kinds, other_clerk, django_capture_on_commit_callbacks, private_storage
):
    services.save_certificate_template(
        kinds.bk_city,
        actor=other_clerk,
        unit=tree.other_city,
        source="<p>MẪU ĐÀ NẴNG {{ certificate.awardee_name }}</p>",
    )
    approve(1)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert decision.render_state == RenderState.DONE
    text = _text(_certificate(private_storage))
    assert "MẪU ĐÀ NẴNG" not in text
    assert "Nguyễn Thị Hằng" in text
    # Hanoi printed on the shipped template, kept as a version of the kind's default.
    assert decision.certificate_template.origin == TemplateOrigin.BUILTIN
    assert decision.certificate_template.template.unit is None


def test_the_version_is_fixed_when_the_decision_is_issued(
    approve, users, tree, kinds, root_clerk, django_capture_on_commit_callbacks, private_storage
):
    first = services.save_certificate_template(
        kinds.bk_city,
        actor=users.clerk,
        unit=tree.city,
        source="<p>MẪU MỘT {{ certificate.awardee_name }} {{ certificate.register_number }}</p>",
    )
    approve(1)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert decision.certificate_template == first
    issued_text = _text(_certificate(private_storage))
    assert "MẪU MỘT Nguyễn Thị Hằng 0001/" in issued_text
    # The unit's template and the kind's default change afterwards...
    services.save_certificate_template(
        kinds.bk_city, actor=users.clerk, unit=tree.city, source="<p>MẪU HAI</p>"
    )
    services.save_certificate_template(kinds.bk_city, actor=root_clerk, source="<p>MẪU BA</p>")
    # ...and re-rendering the old decision prints exactly what it printed.
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_rendering(decision, actor=users.clerk, restart=True)
    decision.refresh_from_db()
    assert decision.render_state == RenderState.DONE
    assert decision.certificate_template == first
    assert _text(_certificate(private_storage)) == issued_text


def test_a_decision_on_the_shipped_template_keeps_it_when_the_default_changes(
    approve, users, tree, kinds, root_clerk, django_capture_on_commit_callbacks, private_storage
):
    approve(1)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    issued_text = _text(_certificate(private_storage))
    services.save_certificate_template(kinds.bk_city, actor=root_clerk, source="<p>MỚI</p>")
    assert documents.certificate_template_source(kinds.bk_city, tree.city) == "<p>MỚI</p>"
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_rendering(decision, actor=users.clerk, restart=True)
    assert _text(_certificate(private_storage)) == issued_text


@pytest.mark.parametrize(
    ("source", "code"),
    [
        ("{% url 'x' %}", "template_render"),
        ("{% for x in 5 %}{% endfor %}", "template_render"),
        ("{% load i18n %}{% get_language_info for 'xx' as l %}", "template_render"),
        ("<p>" + "x" * MAX_SOURCE_LENGTH + "</p>", "template_too_long"),
        (
            "{% for a in certificate.awardee_name %}{% for b in certificate.awardee_name %}"
            "{% for c in certificate.awardee_name %}{% for d in certificate.awardee_name %}"
            "x{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
            "template_render",
        ),
        ('{{ certificate.awardee_name|ljust:"100000000" }}', "template_render"),
        ('{{ 5|stringformat:"0100000000d" }}', "template_render"),
        ("{% lorem 100000 w %}", "template_render"),
        ("{% debug %}", "template_render"),
        (
            "{% autoescape off %}{{ certificate.awardee_name }}{% endautoescape %}",
            "template_syntax",
        ),
        ('<p><a href="https://evil.example/">x</a></p>', "template_links"),
        ('<p><a href="#here">x</a><span id="here">y</span></p>', "template_links"),
        ('<p>{{ "see https://evil.example/"|urlize }}</p>', "template_links"),
    ],
)
def test_a_template_that_cannot_print_is_refused_when_saved(users, tree, kinds, source, code):
    with pytest.raises(ValidationError) as error:
        services.save_certificate_template(
            kinds.bk_city, actor=users.clerk, unit=tree.city, source=source
        )
    assert error.value.code == code, error.value.messages
    assert documents.own_template_source(kinds.bk_city, tree.city) == ""


def test_safe_does_not_print_a_name_as_markup():
    from commendations.certificates import sample_certificate
    from commendations.certificates.render import certificates_html

    html = certificates_html(
        "<p>{{ certificate.awardee_name|safe }}</p>",
        [sample_certificate(awardee_name="<b>Hằng</b>")],
    )
    assert "&lt;b&gt;Hằng&lt;/b&gt;" in html
    assert "<b>Hằng</b>" not in html


def test_the_loop_budget_is_per_certificate(users, tree, kinds):
    assert MAX_ITERATIONS >= 1000
    source = "{% for a in certificate.awardee_name %}{{ a }}{% endfor %}"
    assert services.save_certificate_template(
        kinds.bk_city, actor=users.clerk, unit=tree.city, source=source
    )


def test_only_the_verification_address_is_a_link_in_the_pdf(
    approve, users, tree, kinds, django_capture_on_commit_callbacks, private_storage
):
    services.save_certificate_template(
        kinds.bk_city,
        actor=users.clerk,
        unit=tree.city,
        source='<p><a href="{{ certificate.verification_url }}">{{ certificate.awardee_name }}</a>'
        "</p>",
    )
    # A version written before the check existed, with links out: taken out when printed.
    template_version(
        kinds.bk_city,
        '<p><a href="{{ certificate.verification_url }}">{{ certificate.awardee_name }}</a> '
        '<a href="https://evil.example/">x</a> <a href="file:///etc/passwd">y</a></p>',
        unit=tree.city,
    )
    approve(2)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert decision.render_state == RenderState.DONE, decision.render_error
    for commendation in Commendation.objects.all():
        pdf = (private_storage / commendation.file_name).read_bytes()
        assert _link_targets(pdf) == [commendation.get_verification_url()]
    print_file = (private_storage / f"decisions/{decision.pk}/print.pdf").read_bytes()
    assert sorted(_link_targets(print_file)) == sorted(
        c.get_verification_url() for c in Commendation.objects.all()
    )


def test_a_render_failure_marks_the_decision_failed_and_retry_on_the_current_template_works(
    approve, users, tree, kinds, django_capture_on_commit_callbacks, private_storage
):
    # Saved before the checks existed, and failing for every real certificate.
    template_version(
        kinds.bk_city, "<p>{% fit_size certificate.awardee_name 'x' 1 %}</p>", unit=tree.city
    )
    approve(1)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    assert decision.render_state == RenderState.FAILED
    assert "fit_size" in decision.render_error
    # Resuming on the fixed version fails the same way, visibly, never stuck in rendering.
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_rendering(decision, actor=users.clerk)
    decision.refresh_from_db()
    assert decision.render_state == RenderState.FAILED
    fixed = services.save_certificate_template(
        kinds.bk_city,
        actor=users.clerk,
        unit=tree.city,
        source="<p>SỬA {{ certificate.awardee_name }}</p>",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_rendering(decision, actor=users.clerk, current_template=True)
    decision.refresh_from_db()
    assert decision.render_state == RenderState.DONE
    assert decision.certificate_template == fixed
    assert "SỬA Nguyễn Thị Hằng" in _text(_certificate(private_storage))
    # Once rendered, the template stays fixed.
    with pytest.raises(ValidationError) as error:
        services.resume_rendering(decision, actor=users.clerk, current_template=True)
    assert error.value.code == "template_fixed"


def test_the_decision_page_offers_the_current_template_after_a_failure(
    approve, users, tree, kinds, client_for, django_capture_on_commit_callbacks
):
    template_version(
        kinds.bk_city, "<p>{% fit_size certificate.awardee_name 'x' 1 %}</p>", unit=tree.city
    )
    approve(1)
    decision = issue(draft(users, tree, kinds), users.clerk, django_capture_on_commit_callbacks)
    page = client_for(users.clerk).get(decision.get_absolute_url()).content.decode()
    assert 'name="current_template"' in page
    assert "fit_size" in page
