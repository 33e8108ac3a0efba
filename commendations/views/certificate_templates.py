"""Certificate templates: each issuing unit's own for an award kind, edited by its clerks, and
each award kind's default, edited by the clerks of the unit that owns the kind; with a live
preview and the list of versions (view one, restore it as a new version).

Fetched through commendations.scoping (404 outside the scope), permitted by
commendations.rules ("commendations.edit_certificate_template", 403 for a reader who may not
edit), saved through commendations.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from commendations import documents, scoping, services
from commendations.forms import CertificateTemplateForm
from commendations.models import TemplateOrigin
from movements.models import AwardKind
from unions import scoping as unions_scoping


def _error_text(error):
    return " ".join(error.messages)


def _editable(request, kind, unit):
    template = services.template_for(kind, unit)
    if not request.user.has_perm("commendations.edit_certificate_template", template):
        raise PermissionDenied
    return template


def _urls(kind, unit):
    if unit is None:
        return (
            reverse("commendations:certificate_template", args=[kind.pk]),
            reverse("commendations:certificate_template_preview", args=[kind.pk]),
        )
    return (
        reverse("commendations:unit_certificate_template", args=[unit.pk, kind.pk]),
        reverse("commendations:unit_certificate_template_preview", args=[unit.pk, kind.pk]),
    )


def _editor(request, kind, unit):
    _editable(request, kind, unit)
    page_url, preview_url = _urls(kind, unit)
    if request.method == "POST":
        form = CertificateTemplateForm(request.POST)
        if form.is_valid():
            try:
                version = services.save_certificate_template(
                    kind, actor=request.user, unit=unit, source=form.cleaned_data["source"]
                )
            except ValidationError as error:
                form.add_error("source", error)
            else:
                if version is None:
                    messages.info(request, _("Nothing changed: no new version was saved."))
                else:
                    messages.success(
                        request,
                        _("Version %(number)s of the certificate template was saved.")
                        % {"number": version.number},
                    )
                return redirect(page_url)
    else:
        form = CertificateTemplateForm(
            initial={"source": documents.certificate_template_source(kind, unit)}
        )
    own = documents.own_template_source(kind, unit)
    return render(
        request,
        "commendations/certificate_template.html",
        {
            "form": form,
            "kind": kind,
            "unit": unit,
            "follows_fallback": not own,
            "versions": documents.template_versions(kind, unit).select_related("created_by"),
            "preview_url": preview_url,
            "default_url": reverse("commendations:certificate_template", args=[kind.pk])
            if unit is not None
            and request.user.has_perm(
                "commendations.edit_certificate_template", services.template_for(kind)
            )
            else None,
        },
    )


def _preview(request, kind, unit):
    """The posted template rendered with sample data: a PDF, or what is wrong as plain text
    (400), checked as saving would check it."""
    _editable(request, kind, unit)
    form = CertificateTemplateForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_error_text(ValidationError(form.errors["source"])), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    source = form.cleaned_data["source"] or documents.fallback_template_source(kind, unit)
    try:
        pdf = services.check_template(source, kind, unit).pdf
    except ValidationError as error:
        return HttpResponse(
            _error_text(error), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, "preview.pdf")
    return response


@login_required
def certificate_template(request, pk):
    """The award kind's default template (its owner's clerks)."""
    return _editor(request, scoping.get_default_template_or_404(request.user, pk), None)


@login_required
@require_POST
@xframe_options_sameorigin
def certificate_template_preview(request, pk):
    return _preview(request, scoping.get_default_template_or_404(request.user, pk), None)


@login_required
def unit_certificate_template(request, unit_pk, pk):
    """An issuing unit's own template of an award kind (the unit's clerks)."""
    unit, kind = scoping.get_unit_template_or_404(request.user, unit_pk, pk)
    return _editor(request, kind, unit)


@login_required
@require_POST
@xframe_options_sameorigin
def unit_certificate_template_preview(request, unit_pk, pk):
    unit, kind = scoping.get_unit_template_or_404(request.user, unit_pk, pk)
    return _preview(request, kind, unit)


@login_required
def unit_certificate_templates(request, pk):
    """The award kinds a unit grants, and what each of its certificates prints on."""
    unit = unions_scoping.get_unit_or_404(request.user, pk)
    kinds = list(AwardKind.objects.granted_by_the_union().granted_at([unit.level]).in_level_order())
    rows = []
    for kind in kinds:
        source, version = documents.effective_template(kind, unit)
        if version is None:
            layer = _("shipped template")
        elif version.template.unit_id is None:
            layer = _("default of the award kind, version %(number)s") % {"number": version.number}
        else:
            layer = _("own template, version %(number)s") % {"number": version.number}
        may_edit = request.user.has_perm(
            "commendations.edit_certificate_template", services.template_for(kind, unit)
        )
        rows.append({"kind": kind, "layer": layer, "may_edit": may_edit})
    return render(
        request, "commendations/certificate_template_list.html", {"unit": unit, "rows": rows}
    )


def _version_for_editor(request, pk):
    version = scoping.get_template_version_or_404(request.user, pk)
    template = version.template
    _editable(request, template.award_kind, template.unit)
    return version


@login_required
def certificate_template_version(request, pk):
    version = _version_for_editor(request, pk)
    template = version.template
    return render(
        request,
        "commendations/certificate_template_version.html",
        {
            "version": version,
            "kind": template.award_kind,
            "unit": template.unit,
            "editor_url": _urls(template.award_kind, template.unit)[0],
            "is_builtin": version.origin == TemplateOrigin.BUILTIN,
        },
    )


@login_required
@require_POST
def certificate_template_version_restore(request, pk):
    version = _version_for_editor(request, pk)
    template = version.template
    try:
        restored = services.restore_certificate_template_version(version, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        if restored is None:
            messages.info(request, _("The template already says exactly that: nothing changed."))
        else:
            messages.success(
                request,
                _("Version %(old)s was restored as version %(number)s.")
                % {"old": version.number, "number": restored.number},
            )
    return redirect(_urls(template.award_kind, template.unit)[0])
