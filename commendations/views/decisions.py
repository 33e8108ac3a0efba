"""Decision, register, certificate-template and verification pages.

Thin: decisions and commendations come through the scopes of commendations.services (404 outside),
the 403 decisions through its named rules, and every change through its services. Files are
streamed from the private storage by these views only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from commendations import documents, rendering, scoping, services
from commendations.forms import (
    AwardeesForm,
    DecisionForm,
    RevokeForm,
    award_kinds_for,
)
from commendations.models import RenderState
from movements.models import AwardKind
from unions import scoping as unions_scoping
from unions.query_params import page_or_404
from unions.spreadsheets import build_workbook, xlsx_response
from unions.text import file_name_part

PER_PAGE = 50
VERIFY_RATE_PER_MINUTE = 30


def _error_text(error):
    return " ".join(error.messages)


# --- Decisions ---------------------------------------------------------------------------------


@login_required
def decision_list(request):
    user = request.user
    queryset = scoping.decisions_visible_to(user)
    unit = None
    if request.GET.get("unit"):
        unit = unions_scoping.get_unit_or_404(user, request.GET["unit"])
        queryset = queryset.filter(issuing_unit=unit)
    queryset = (
        queryset.select_related("issuing_unit", "award_kind")
        .annotate(
            draft_count=Count("nominations", distinct=True),
            commendation_count=Count("commendations", distinct=True),
        )
        .order_by("-date", "-pk")
    )
    page = page_or_404(request, queryset, PER_PAGE)
    issuing_units = list(scoping.issuing_units_for(user))
    ready = []
    for issuing_unit in issuing_units:
        for kind_id, count in (
            scoping.approved_at(issuing_unit)
            .values_list("award_kind")
            .annotate(count=Count("pk"))
            .order_by()
        ):
            ready.append((issuing_unit, kind_id, count))
    kinds = AwardKind.objects.in_bulk({kind_id for _unit, kind_id, _count in ready})
    ready = [(u, kinds[k], count) for u, k, count in ready]
    return render(
        request,
        "commendations/decision_list.html",
        {"page_obj": page, "unit": unit, "can_create": bool(issuing_units), "ready": ready},
    )


@login_required
def decision_create(request):
    user = request.user
    units = scoping.issuing_units_for(user)
    if not units.exists():
        raise PermissionDenied
    kinds = award_kinds_for(units)
    # The decision list links here with the unit and award kind to start from: any other value
    # (another unit, a malformed id) names nothing the clerk may issue, so it is not found.
    unit_id, kind_id = request.GET.get("unit"), request.GET.get("award_kind")
    initial_unit = unions_scoping.get_or_404(units, unit_id) if unit_id else units.first()
    initial_kind = unions_scoping.get_or_404(kinds, kind_id) if kind_id else None
    if request.method == "POST":
        form = DecisionForm(request.POST, units=units, award_kinds=kinds)
        if form.is_valid():
            data = dict(form.cleaned_data)
            issuing_unit, award_kind = data.pop("issuing_unit"), data.pop("award_kind")
            try:
                decision = services.create_decision(
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
        initial = services.decision_defaults(initial_unit, initial_kind)
        initial.update({"issuing_unit": initial_unit, "award_kind": initial_kind})
        form = DecisionForm(initial=initial, units=units, award_kinds=kinds)
    return render(request, "commendations/decision_form.html", {"form": form})


@login_required
def decision_detail(request, pk):
    user = request.user
    decision = scoping.get_decision_or_404(user, pk)
    context = {
        "decision": decision,
        "can_edit": services.may(user, "edit_decision", decision),
        "can_render": services.may(user, "render_decision", decision),
        "can_revoke": services.may(user, "revoke_commendation", decision),
    }
    if decision.is_draft:
        included = set(decision.nominations.values_list("pk", flat=True))
        choices = (
            scoping.approved_at(decision.issuing_unit, decision.award_kind)
            .select_related("nominee_member__unit", "nominee_unit", "proposing_unit", "round")
            .order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
        )
        context["candidates"] = [(n, n.pk in included) for n in choices]
        context["included_count"] = len(included)
    else:
        context["commendations"] = decision.commendations.order_by("position")
        context["total"] = len(context["commendations"])
        context["stale"] = rendering.render_is_stale(decision)
        context["render_state_label"] = rendering.render_state_label(decision)
    return render(request, "commendations/decision_detail.html", context)


def _decision_for(request, pk, action="edit_decision"):
    """The decision, if the user may take `action` on it now; 403 without the authority, and
    back to the page with the reason when the decision no longer allows it."""
    decision = scoping.get_decision_or_404(request.user, pk)
    error = services.refusal(action, decision, request.user)
    if error is not None:
        messages.error(request, _error_text(error))
        return decision, redirect(decision)
    return decision, None


@login_required
def decision_edit(request, pk):
    decision, response = _decision_for(request, pk)
    if response:
        return response
    form = DecisionForm(request.POST or None, instance=decision)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_decision(decision, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft decision was saved."))
            return redirect(decision)
    return render(request, "commendations/decision_form.html", {"form": form, "decision": decision})


@login_required
@require_POST
def decision_awardees(request, pk):
    decision, response = _decision_for(request, pk)
    if response:
        return response
    form = AwardeesForm(
        request.POST, choices=scoping.approved_at(decision.issuing_unit, decision.award_kind)
    )
    if not form.is_valid():
        messages.error(
            request,
            _("Some of the chosen nominations can no longer be commended: reload the page."),
        )
        return redirect(decision)
    try:
        services.set_awardees(
            decision, actor=request.user, nominations=form.cleaned_data["nominations"]
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The list of awardees was saved."))
    return redirect(decision)


@login_required
def decision_issue(request, pk):
    """GET: the confirmation, with what issuing will do (awardees, register numbers, date);
    POST: issue."""
    decision, response = _decision_for(request, pk, "issue_decision")
    if response:
        return response
    if request.method != "POST":
        awardees = decision.nominations.select_related(
            "nominee_member__unit", "nominee_unit", "proposing_unit"
        ).order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
        return render(
            request,
            "commendations/decision_issue.html",
            {
                "decision": decision,
                "awardees": awardees,
                "register_numbers": services.register_numbers_foreseen(decision),
            },
        )
    try:
        decision = services.issue_decision(decision, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            _("The decision %(number)s was issued; its certificates are being rendered.")
            % {"number": decision.number},
        )
    return redirect("commendations:decision_detail", pk=pk)


@login_required
@require_POST
def decision_delete(request, pk):
    decision, response = _decision_for(request, pk)
    if response:
        return response
    services.delete_draft(decision, actor=request.user)
    messages.success(
        request, _("The draft decision %(number)s was deleted.") % {"number": decision.number}
    )
    return redirect("commendations:decision_list")


@login_required
@never_cache
def decision_progress(request, pk):
    """What the decision page polls while the worker renders."""
    decision = scoping.get_decision_or_404(request.user, pk)
    total = decision.commendations.count()
    return JsonResponse(
        {
            "state": decision.render_state,
            "state_label": rendering.render_state_label(decision),
            "rendered": decision.rendered_count,
            "total": total,
            "done": decision.render_state == RenderState.DONE,
            "failed": decision.render_state == RenderState.FAILED,
            "error": decision.render_error,
            "stale": rendering.render_is_stale(decision),
        }
    )


@login_required
@require_POST
def decision_render(request, pk):
    decision, response = _decision_for(request, pk, "render_decision")
    if response:
        return response
    try:
        services.resume_rendering(
            decision,
            actor=request.user,
            restart=request.POST.get("restart") == "1",
            current_template=request.POST.get("current_template") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(decision)
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
    decision = scoping.get_decision_or_404(request.user, pk)
    if decision.is_draft:
        raise Http404
    return decision


def _safe_number(decision):
    return file_name_part(decision.number) or str(decision.pk)


@login_required
def decision_print_file(request, pk):
    decision = _issued(request, pk)
    if decision.render_state != RenderState.DONE:
        raise Http404
    return _stream(
        rendering.PRINT_FILE.format(id=decision.pk),
        f"bang-khen-{_safe_number(decision)}.pdf",
        inline="download" not in request.GET,
    )


@login_required
def decision_zip(request, pk):
    decision = _issued(request, pk)
    if decision.render_state != RenderState.DONE:
        raise Http404
    return _stream(
        rendering.ZIP_FILE.format(id=decision.pk),
        f"chung-nhan-{_safe_number(decision)}.zip",
        content_type="application/zip",
    )


@login_required
def certificate_download(request, pk, commendation_pk):
    # The proposing unit's readers download it too: the outcome comes back to who proposed it.
    commendation = scoping.get_certificate_or_404(request.user, pk, commendation_pk)
    if commendation.rendered_at is None:
        raise Http404
    return _stream(
        commendation.file_name,
        documents.certificate_download_name(commendation),
        inline="download" not in request.GET,
    )


@login_required
def decision_pdf(request, pk):
    """The decision and its annex, to sign (a draft prints without register numbers)."""
    decision = scoping.get_decision_or_404(request.user, pk)
    try:
        pdf = documents.decision_pdf(decision)
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
    decision = scoping.get_decision_or_404(request.user, pk)
    headers, rows = documents.annex_rows(decision)
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
    commendation = scoping.get_commendation_or_404(request.user, pk, commendation_pk)
    decision = commendation.decision
    error = services.refusal("revoke_commendation", decision, request.user)
    if error is not None:
        messages.error(request, _error_text(error))
        return redirect(decision)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_commendation(commendation, actor=request.user, **form.cleaned_data)
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
        "commendations/revoke_form.html",
        {"form": form, "commendation": commendation, "decision": decision},
    )


@login_required
def decision_prizes_xlsx(request, pk):
    """The prizes of the decision for the accountant: one row per awardee and the total."""
    decision = scoping.get_decision_or_404(request.user, pk)
    headers, rows = documents.prize_rows(decision)
    kind = decision.award_kind
    title = _("Prizes of the decision %(number)s of %(date)s: %(award)s") % {
        "number": decision.number,
        "date": decision.date.strftime("%d/%m/%Y"),
        "award": kind.name_vi,
    }
    preamble = [decision.issuing_unit.name, title]
    if kind.prize_basis:
        preamble.append(kind.prize_basis)
    workbook = build_workbook(headers, rows, sheet_title=decision.number, preamble=preamble)
    return xlsx_response(f"tien-thuong-{_safe_number(decision)}.xlsx", workbook)
