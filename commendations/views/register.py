"""The register of awards (sổ vàng) of a unit: every commendation it issued, by year."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from commendations import scoping
from commendations.forms import (
    RegisterFilterForm,
)
from commendations.models import Commendation
from unions import scoping as unions_scoping
from unions.query_params import choice_or_404, page_or_404
from unions.spreadsheets import build_workbook, xlsx_response
from unions.text import fold

PER_PAGE = 50


def _register(request, pk):
    """The unit's register: what it issued (by register number), or with ?view=received what
    its members and collectives received, whoever issued it (the outcome of its proposals)."""
    unit = unions_scoping.get_unit_or_404(request.user, pk)
    received = choice_or_404(request.GET, "view", ["received"]) == "received"
    if received:
        commendations = scoping.commendations_received(unit=unit)
    else:
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
    if received:
        return unit, form, commendations, received
    commendations = commendations.select_related("decision").order_by(
        "-register_year", "register_sequence"
    )
    return unit, form, commendations, received


@login_required
def register(request, pk):
    unit, form, commendations, received = _register(request, pk)
    page = page_or_404(request, commendations, PER_PAGE)
    if received:
        for commendation in page:
            commendation.downloadable = scoping.may_download_certificate(request.user, commendation)
    return render(
        request,
        "commendations/register.html",
        {"unit": unit, "form": form, "page_obj": page, "received": received},
    )


@login_required
def register_xlsx(request, pk):
    unit, _form, commendations, _received = _register(request, pk)
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
        build_workbook(
            headers,
            rows,
            sheet_title=pgettext("register of commendations", "Register"),
            preamble=[title],
        ),
    )
