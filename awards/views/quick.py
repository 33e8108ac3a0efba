"""Quick commendations (khen thưởng đột xuất): choosing whom, the form, and its edit.

A quick commendation is a nomination outside any round (awards.services.create_quick_nomination):
it goes straight to the unit that grants the award, whose committee reviews it once on the
nomination's own page, and whose clerk issues it in a decision. Thin, like the other pages:
scoping for what the user reads (404), permissions (403), services for every change.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse

from awards import scoping, services
from awards.forms import QuickNominationForm
from awards.views.nominations import _proposing_units, _saved
from awards.views.refusals import guard
from movements.models import Beneficiary
from unions import scoping as unions_scoping
from unions.models import Unit


def _require_officer(user):
    if not (unions_scoping.is_superuser(user) or unions_scoping.officer_units(user).exists()):
        raise PermissionDenied


@login_required
def quick_pick(request):
    """Whom to propose for a quick commendation: a member of the units the user manages (search
    by name or card number), or one of those units as a collective."""
    user = request.user
    _require_officer(user)
    query = request.GET.get("q", "")[:100]
    members = list(scoping.search_nominable_members(user, query))
    for member in members:
        member.nominate_url = reverse("awards:quick_member", args=[member.pk])
    units = unions_scoping.officer_units(user).order_by("path")[:50]
    return render(
        request,
        "awards/quick_pick.html",
        {"query": query, "members": members, "units": units},
    )


def _choices(proposing_unit, beneficiary):
    """The award kinds that may be proposed quickly from `proposing_unit` for a member or a
    collective, and the units that may grant them (nearest first)."""
    candidates = services.quick_granting_units(proposing_unit)
    levels = {unit.level for unit, _guided in candidates}
    kinds = services.quick_award_kinds(beneficiary).granted_at(levels).in_level_order()
    granting = Unit.objects.filter(pk__in=[unit.pk for unit, _guided in candidates]).order_by(
        "-depth", "path"
    )
    return kinds, granting


def _quick_create(request, *, member=None, nominee_unit=None):
    user = request.user
    target_unit = member.unit if member else nominee_unit
    units = _proposing_units(user, target_unit)
    if not units:
        raise PermissionDenied
    beneficiary = Beneficiary.INDIVIDUAL if member else Beneficiary.COLLECTIVE
    kinds, granting = _choices(units[0], beneficiary)
    form = QuickNominationForm(
        request.POST or None,
        request.FILES or None,
        units=units,
        award_kinds=kinds,
        granting_units=granting,
        initial={"unit": units[0]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.create_quick_nomination(
                actor=user,
                proposing_unit=data["unit"],
                award_kind=data["award_kind"],
                deed=data["deed"],
                deed_date=data["deed_date"],
                achievement=data["achievement"],
                member=member,
                unit=nominee_unit,
                files=data["evidence"],
                public_citation=data["public_citation"],
                publishable=data["publishable"],
                granting_unit=data["granting_unit"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, nomination)
    return render(
        request,
        "awards/quick_form.html",
        {
            "form": form,
            "nomination": None,
            "member": member,
            "nominee_unit": nominee_unit,
            "nominee_name": member.full_name if member else nominee_unit.name,
            "no_kinds": not kinds.exists(),
        },
    )


@login_required
def quick_member(request, pk):
    member = unions_scoping.get_member_or_404(request.user, pk)
    return _quick_create(request, member=member)


@login_required
def quick_unit(request, pk):
    unit = unions_scoping.get_unit_or_404(request.user, pk)
    return _quick_create(request, nominee_unit=unit)


def quick_edit(request, nomination):
    """The edit page of a quick commendation (awards.views.nominations.nomination_edit hands a
    quick one over to this); its proposing unit stays."""
    if (response := guard(request, nomination, "edit_nomination")) is not None:
        return response
    kinds, granting = _choices(nomination.proposing_unit, nomination.award_kind.beneficiary)
    form = QuickNominationForm(
        request.POST or None,
        request.FILES or None,
        units=Unit.objects.filter(pk=nomination.proposing_unit_id),
        award_kinds=kinds,
        granting_units=granting,
        initial={
            "unit": nomination.proposing_unit_id,
            "award_kind": nomination.award_kind_id,
            "granting_unit": nomination.deciding_unit_id,
            "deed": nomination.deed,
            "deed_date": nomination.deed_date,
            "achievement": nomination.achievement,
            "public_citation": nomination.public_citation,
            "publishable": nomination.publishable,
        },
    )
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_quick_nomination(
                nomination,
                actor=request.user,
                award_kind=data["award_kind"],
                granting_unit=data["granting_unit"],
                deed=data["deed"],
                deed_date=data["deed_date"],
                achievement=data["achievement"],
                public_citation=data["public_citation"],
                publishable=data["publishable"],
                files=data["evidence"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, nomination)
    return render(
        request,
        "awards/quick_form.html",
        {
            "form": form,
            "nomination": nomination,
            "nominee_name": nomination.nominee_name,
            "evidence": nomination.evidence.all(),
        },
    )
