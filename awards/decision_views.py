"""Decision, register, certificate-template and verification pages.

Thin: decisions and commendations come through the scopes of awards.decisions (404 outside),
the 403 decisions through its named rules, and every change through its services. Files are
streamed from the private storage by these views only.
"""

import time

import rules
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from awards import decisions
from awards.certificates import render_certificate_pdf, sample_certificate
from awards.decision_forms import (
    AwardeesForm,
    CertificateTemplateForm,
    DecisionForm,
    RegisterFilterForm,
    RevokeForm,
    award_kinds_for,
)
from awards.models import AwardKind, Commendation, RenderState
from unions import scoping as unions_scoping
from unions.spreadsheets import build_workbook, xlsx_response
from unions.text import fold

PER_PAGE = 50
VERIFY_RATE_PER_MINUTE = 30


def _error_text(error):
    return " ".join(error.messages)


def _require(request, rule, obj):
    if not rules.test_rule(rule, request.user, obj):
        raise PermissionDenied


# --- Decisions ---------------------------------------------------------------------------------


@login_required
def decision_list(request):
    user = request.user
    queryset = decisions.decisions_visible_to(user)
    unit = None
    if request.GET.get("unit"):
        unit = unions_scoping.get_readable_unit(user, request.GET["unit"])
        queryset = queryset.filter(issuing_unit=unit)
    queryset = (
        queryset.select_related("issuing_unit", "award_kind")
        .annotate(
            draft_count=Count("nominations", distinct=True),
            commendation_count=Count("commendations", distinct=True),
        )
        .order_by("-date", "-pk")
    )
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    issuing_units = list(decisions.issuing_units_for(user))
    ready = []
    for issuing_unit in issuing_units:
        for kind_id, count in (
            decisions.approved_at(issuing_unit)
            .values_list("award_kind")
            .annotate(count=Count("pk"))
            .order_by()
        ):
            ready.append((issuing_unit, kind_id, count))
    kinds = AwardKind.objects.in_bulk({kind_id for _unit, kind_id, _count in ready})
    ready = [(u, kinds[k], count) for u, k, count in ready]
    return render(
        request,
        "awards/decisions/decision_list.html",
        {"page_obj": page, "unit": unit, "can_create": bool(issuing_units), "ready": ready},
    )


@login_required
def decision_create(request):
    user = request.user
    units = decisions.issuing_units_for(user)
    if not units.exists():
        raise PermissionDenied
    kinds = award_kinds_for(units)
    initial_unit = units.filter(pk=request.GET.get("unit") or 0).first() or units.first()
    initial_kind = kinds.filter(pk=request.GET.get("award_kind") or 0).first()
    if request.method == "POST":
        form = DecisionForm(request.POST, units=units, award_kinds=kinds)
        if form.is_valid():
            data = dict(form.cleaned_data)
            issuing_unit, award_kind = data.pop("issuing_unit"), data.pop("award_kind")
            try:
                decision = decisions.create_decision(
                    actor=user, issuing_unit=issuing_unit, award_kind=award_kind, **data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The draft decision %(number)s was created with %(count)s awardees.")
                    % {"number": decision.number, "count": decision.nominations.count()},
                )
                return redirect(decision)
    else:
        initial = decisions.decision_defaults(initial_unit, initial_kind)
        initial.update({"issuing_unit": initial_unit, "award_kind": initial_kind})
        form = DecisionForm(initial=initial, units=units, award_kinds=kinds)
    return render(request, "awards/decisions/decision_form.html", {"form": form})


@login_required
def decision_detail(request, pk):
    user = request.user
    decision = decisions.get_visible_decision(user, pk)
    context = {
        "decision": decision,
        "can_edit": rules.test_rule("awards.edit_decision", user, decision),
        "can_render": rules.test_rule("awards.render_decision", user, decision),
        "can_revoke": rules.test_rule("awards.revoke_commendation", user, decision),
    }
    if decision.is_draft:
        included = set(decision.nominations.values_list("pk", flat=True))
        choices = (
            decisions.approved_at(decision.issuing_unit, decision.award_kind)
            .select_related("nominee_member__unit", "nominee_unit", "proposing_unit", "round")
            .order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
        )
        context["candidates"] = [(n, n.pk in included) for n in choices]
        context["included_count"] = len(included)
    else:
        context["commendations"] = decision.commendations.order_by("position")
        context["total"] = len(context["commendations"])
        context["stale"] = decisions.render_is_stale(decision)
    return render(request, "awards/decisions/decision_detail.html", context)


def _draft_for(request, pk, rule="awards.edit_decision"):
    decision = decisions.get_visible_decision(request.user, pk)
    if not rules.test_rule(rule, request.user, decision):
        if decisions.clerk_of_issuing_unit(request.user, decision):
            messages.error(
                request,
                _("The decision %(number)s is issued: an issued decision is never edited.")
                % {"number": decision.number},
            )
            return decision, redirect(decision)
        raise PermissionDenied
    return decision, None


@login_required
def decision_edit(request, pk):
    decision, response = _draft_for(request, pk)
    if response:
        return response
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.update_decision(decision, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft decision was saved."))
            return redirect(decision)
    return render(
        request, "awards/decisions/decision_form.html", {"form": form, "decision": decision}
    )


@login_required
@require_POST
def decision_awardees(request, pk):
    decision, response = _draft_for(request, pk)
    if response:
        return response
    form = AwardeesForm(
        request.POST, choices=decisions.approved_at(decision.issuing_unit, decision.award_kind)
    )
    if not form.is_valid():
        messages.error(
            request,
            _("Some of the chosen nominations can no longer be commended: reload the page."),
        )
        return redirect(decision)
    try:
        decisions.set_awardees(
            decision, actor=request.user, nominations=form.cleaned_data["nominations"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The list of awardees was saved."))
    return redirect(decision)


@login_required
@require_POST
def decision_issue(request, pk):
    decision, response = _draft_for(request, pk, "awards.issue_decision")
    if response:
        return response
    try:
        decision = decisions.issue_decision(decision, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The decision %(number)s was issued; its certificates are being rendered.")
            % {"number": decision.number},
        )
    return redirect("awards:decision_detail", pk=pk)


@login_required
@require_POST
def decision_delete(request, pk):
    decision, response = _draft_for(request, pk)
    if response:
        return response
    decisions.delete_draft(decision, actor=request.user)
    messages.success(
        request, _("The draft decision %(number)s was deleted.") % {"number": decision.number}
    )
    return redirect("awards:decision_list")


@login_required
@never_cache
def decision_progress(request, pk):
    """What the decision page polls while the worker renders."""
    decision = decisions.get_visible_decision(request.user, pk)
    total = decision.commendations.count()
    return JsonResponse(
        {
            "state": decision.render_state,
            "state_label": decision.get_render_state_display(),
            "rendered": decision.rendered_count,
            "total": total,
            "done": decision.render_state == RenderState.DONE,
            "failed": decision.render_state == RenderState.FAILED,
            "error": decision.render_error,
            "stale": decisions.render_is_stale(decision),
        }
    )


@login_required
@require_POST
def decision_render(request, pk):
    decision = decisions.get_visible_decision(request.user, pk)
    _require(request, "awards.render_decision", decision)
    decisions.resume_rendering(
        decision, actor=request.user, restart=request.POST.get("restart") == "1"
    )
    messages.success(request, _("The certificates are being rendered."))
    return redirect(decision)


# --- Downloads ---------------------------------------------------------------------------------


def _stream(name, filename, content_type="application/pdf", inline=False):
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _issued(request, pk):
    decision = decisions.get_visible_decision(request.user, pk)
    if decision.is_draft:
        raise Http404
    return decision


def _safe_number(decision):
    return fold(decision.number).replace("/", "-").replace(" ", "-") or str(decision.pk)


@login_required
def decision_print_file(request, pk):
    decision = _issued(request, pk)
    if decision.render_state != RenderState.DONE:
        raise Http404
    return _stream(
        decisions.PRINT_FILE.format(id=decision.pk),
        f"bang-khen-{_safe_number(decision)}.pdf",
        inline="download" not in request.GET,
    )


@login_required
def decision_zip(request, pk):
    decision = _issued(request, pk)
    if decision.render_state != RenderState.DONE:
        raise Http404
    return _stream(
        decisions.ZIP_FILE.format(id=decision.pk),
        f"chung-nhan-{_safe_number(decision)}.zip",
        content_type="application/zip",
    )


@login_required
def certificate_download(request, pk, commendation_pk):
    commendation = decisions.get_visible_commendation(request.user, pk, commendation_pk)
    if commendation.rendered_at is None:
        raise Http404
    return _stream(
        commendation.file_name,
        decisions.certificate_download_name(commendation),
        inline="download" not in request.GET,
    )


@login_required
def decision_pdf(request, pk):
    """The decision and its annex, to sign (a draft prints without register numbers)."""
    decision = decisions.get_visible_decision(request.user, pk)
    try:
        pdf = decisions.decision_pdf(decision)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect(decision)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        "download" in request.GET, f"quyet-dinh-{_safe_number(decision)}.pdf"
    )
    return response


@login_required
def decision_annex_xlsx(request, pk):
    decision = decisions.get_visible_decision(request.user, pk)
    headers, rows = decisions.annex_rows(decision)
    title = _("Annex to the decision %(number)s of %(date)s: %(award)s") % {
        "number": decision.number,
        "date": decision.date.strftime("%d/%m/%Y"),
        "award": decision.award_kind.name_vi,
    }
    workbook = build_workbook(
        headers, rows, sheet_title=decision.number, preamble=[decision.issuing_unit.name, title]
    )
    return xlsx_response(f"phu-luc-{_safe_number(decision)}.xlsx", workbook)


@login_required
def commendation_revoke(request, pk, commendation_pk):
    commendation = decisions.get_visible_commendation(request.user, pk, commendation_pk)
    decision = commendation.decision
    _require(request, "awards.revoke_commendation", decision)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decisions.revoke_commendation(commendation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The commendation of %(name)s was revoked.")
                % {"name": commendation.awardee_name},
            )
            return redirect(decision)
    return render(
        request,
        "awards/decisions/revoke_form.html",
        {"form": form, "commendation": commendation, "decision": decision},
    )


# --- The register (sổ vàng) --------------------------------------------------------------------


def _register(request, pk):
    unit = unions_scoping.get_readable_unit(request.user, pk)
    commendations = Commendation.objects.filter(issuing_unit=unit)
    years = list(
        commendations.order_by("-register_year").values_list("register_year", flat=True).distinct()
    )
    form = RegisterFilterForm(request.GET or None, years=years)
    if form.is_valid():
        if form.cleaned_data["year"]:
            commendations = commendations.filter(register_year=form.cleaned_data["year"])
        words = fold(form.cleaned_data["q"]).split()
        if words:
            query = Q()
            for word in words:
                query &= Q(awardee_name_folded__contains=word)
            commendations = commendations.filter(query)
    commendations = commendations.select_related("decision").order_by(
        "-register_year", "register_sequence"
    )
    return unit, form, commendations


@login_required
def register(request, pk):
    unit, form, commendations = _register(request, pk)
    page = Paginator(commendations, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/register/register.html",
        {"unit": unit, "form": form, "page_obj": page},
    )


@login_required
def register_xlsx(request, pk):
    unit, _form, commendations = _register(request, pk)
    headers = [
        _("Register number"),
        _("Name"),
        _("Position"),
        _("Unit"),
        _("Award"),
        _("Decision"),
        _("Date"),
        _("Revoked"),
    ]
    rows = [
        [
            c.register_number,
            c.awardee_name,
            c.job_title,
            c.unit_name,
            c.award_name,
            c.decision.number,
            c.decision.date,
            c.revocation_number if c.is_revoked else "",
        ]
        for c in commendations
    ]
    title = _("Register of awards of %(unit)s") % {"unit": unit.name}
    return xlsx_response(
        f"so-vang-{unit.code}.xlsx",
        build_workbook(headers, rows, sheet_title=_("Register"), preamble=[title]),
    )


# --- Certificate templates ---------------------------------------------------------------------


def _template_kind(request, pk):
    try:
        kind = AwardKind.objects.get(pk=pk)
    except (AwardKind.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _require(request, "awards.edit_certificate_template", kind)
    return kind


@login_required
def certificate_template(request, pk):
    kind = _template_kind(request, pk)
    if request.method == "POST":
        form = CertificateTemplateForm(request.POST)
        if form.is_valid():
            try:
                decisions.update_certificate_template(
                    kind, actor=request.user, source=form.cleaned_data["source"]
                )
            except ValidationError as error:
                form.add_error("source", error)
            else:
                messages.success(
                    request,
                    _("The certificate template of %(award)s was saved.") % {"award": kind.name},
                )
                return redirect("awards:certificate_template", pk=kind.pk)
    else:
        form = CertificateTemplateForm(
            initial={"source": decisions.certificate_template_source(kind)}
        )
    return render(
        request,
        "awards/decisions/certificate_template.html",
        {"form": form, "kind": kind, "is_default": not kind.certificate_template.strip()},
    )


@login_required
@require_POST
@xframe_options_sameorigin
def certificate_template_preview(request, pk):
    """The posted template rendered with sample data: a PDF, or the error as plain text (400)."""
    kind = _template_kind(request, pk)
    form = CertificateTemplateForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_error_text(ValidationError(form.errors["source"])), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    source = form.cleaned_data["source"] or decisions.certificate_template_source_default(kind)
    try:
        pdf = render_certificate_pdf(
            source, sample_certificate(award_name=kind.name_vi, verification_url=_sample_url())
        )
    except ValidationError as error:
        return HttpResponse(
            _error_text(error), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, "preview.pdf")
    return response


def _sample_url():
    return settings.SITE_URL + "/xac-minh/mau/"


# --- Public verification -----------------------------------------------------------------------


def _over_rate(request):
    # REMOTE_ADDR: the address of whoever connects. Behind a proxy, the proxy must set it
    # from the client's (a forwarded header could be written by anyone).
    window = int(time.time() // 60)
    key = f"verify-rate:{request.META.get('REMOTE_ADDR', '')}:{window}"
    if cache.add(key, 1, timeout=90):
        return False
    try:
        return cache.incr(key) > VERIFY_RATE_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        return False


@never_cache
def verify(request, code):
    if _over_rate(request):
        response = render(request, "awards/verify/too_many.html", status=429)
        response["Retry-After"] = "60"
        return response
    commendation = None
    if decisions.is_well_formed_code(code):
        commendation = (
            Commendation.objects.select_related("decision").filter(verification_code=code).first()
        )
    if commendation is None:
        response = render(request, "awards/verify/not_found.html", status=404)
    else:
        response = render(request, "awards/verify/verify.html", {"commendation": commendation})
    # The code is the key to the page: do not hand it to other sites or to search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
