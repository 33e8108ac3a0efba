"""The proposer's pages: the nomination list, nominating a member or a collective, editing,
submitting and withdrawing, the nomination page and its evidence files.

Thin: nominations come through awards.scoping (404 outside the scope), what the user may do
through the permissions of awards.rules (403), and every change through awards.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from awards import scoping, services
from awards.forms import (
    QUICK,
    CommentForm,
    NominationFilterForm,
    NominationForm,
    NominationSetupForm,
)
from awards.models import ReviewScore
from awards.views.dossier import letters_for
from awards.views.refusals import LIST_RELATED, PER_PAGE, error_text, guard
from movements import scoping as movements_scoping
from movements.models import AwardKind, Beneficiary, Round
from unions import scoping as unions_scoping
from unions.models import Unit
from unions.query_params import page_or_404


@login_required
def nomination_list(request):
    """The nominations the user may read, optionally of one unit's subtree."""
    user = request.user
    nominations = scoping.nominations_visible_to(user)
    unit = None
    if request.GET.get("unit"):
        unit = unions_scoping.get_unit_or_404(user, request.GET["unit"])
        nominations = nominations.filter(unit.subtree_q("proposing_unit__"))
    form = NominationFilterForm(
        request.GET or None, movements=movements_scoping.visible_movements(user)
    )
    if form.is_valid():
        if form.cleaned_data["state"]:
            nominations = nominations.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["movement"]:
            nominations = nominations.filter(round__movement=form.cleaned_data["movement"])
        if form.cleaned_data["path"]:
            nominations = nominations.filter(quick=form.cleaned_data["path"] == QUICK)
    nominations = nominations.select_related(*LIST_RELATED).order_by("-updated_at", "-pk")
    page = page_or_404(request, nominations, PER_PAGE)
    return render(
        request, "awards/nomination_list.html", {"page_obj": page, "form": form, "unit": unit}
    )


def _proposing_units(user, nominee_unit):
    """The units the user may propose from: the nominee's unit and those above it that the
    user manages, nearest first."""
    units = Unit.objects.filter(path__in=nominee_unit.ancestor_paths).order_by("-depth")
    allowed = [unit.pk for unit in units if user.has_perm("unions.manage_unit", unit)]
    return Unit.objects.filter(pk__in=allowed).order_by("-depth")


def _granting_units(proposing_unit, round_):
    """The units that may grant what `proposing_unit` proposes in the round: it and the units
    above it on its way up in the round's movement (the guidance line in a guiding union's
    movement, the administrative line otherwise), nearest first."""
    line, _guided = proposing_unit.line_up_in(round_.movement.launching_unit)
    ids = [proposing_unit.pk, *(unit.pk for unit in line)]
    return Unit.objects.filter(pk__in=ids).order_by("-depth")


def _award_kinds_for(proposing_unit, round_, beneficiary):
    """The kinds a unit on the way up in the round's movement grants (the guidance line in a
    guiding union's movement, the administrative line otherwise)."""
    line, _guided = proposing_unit.line_up_in(round_.movement.launching_unit)
    levels = {proposing_unit.level, *(unit.level for unit in line)}
    return (
        AwardKind.objects.valid_on()
        .granted_at(set(levels))
        .filter(beneficiary=beneficiary)
        .filter(Q(movement__isnull=True) | Q(movement=round_.movement_id))
        .in_level_order()
    )


def _open_rounds(unit):
    """The rounds of the open movements that concern `unit` whose deadline for the unit's level
    has not passed (a past phase of a movement stays in the history, not in the form)."""
    rounds = (
        Round.objects.filter(movement__in=movements_scoping.movements_open_to_unit(unit))
        .select_related("movement")
        .prefetch_related("deadlines")
        .order_by("movement__code", "-opens_on", "-pk")
    )
    current = [r.pk for r in rounds if not r.is_past_deadline(unit.level)]
    return rounds.filter(pk__in=current)


def _create(request, *, member=None, nominee_unit=None):
    user = request.user
    target_unit = member.unit if member else nominee_unit
    units = _proposing_units(user, target_unit)
    if not units:
        raise PermissionDenied
    data = request.GET.copy()
    data.setdefault("unit", str(units[0].pk))
    chosen_unit = next((unit for unit in units if str(unit.pk) == data["unit"]), units[0])
    rounds = _open_rounds(chosen_unit)
    if "round" not in data and len(rounds) == 1:
        data["round"] = str(rounds[0].pk)
    setup = NominationSetupForm(data, units=units, rounds=rounds)
    context = {
        "setup": setup,
        "member": member,
        "nominee_unit": nominee_unit,
        "nominee_name": member.full_name if member else nominee_unit.name,
        "nomination": None,
    }
    if not setup.is_valid():
        if not rounds:
            messages.warning(
                request,
                _("No open movement takes nominations from %(unit)s now.")
                % {"unit": chosen_unit.name},
            )
        return render(request, "awards/nomination_form.html", context)
    proposing_unit, round_ = setup.cleaned_data["unit"], setup.cleaned_data["round"]
    beneficiary = Beneficiary.INDIVIDUAL if member else Beneficiary.COLLECTIVE
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        award_kinds=_award_kinds_for(proposing_unit, round_, beneficiary),
        criteria=services.criteria_for(round_, beneficiary),
        granting_units=_granting_units(proposing_unit, round_),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.create_nomination(
                actor=user,
                proposing_unit=proposing_unit,
                round=round_,
                award_kind=data["award_kind"],
                achievement=data["achievement"],
                member=member,
                unit=nominee_unit,
                self_scores=form.scores(),
                files=data["evidence"],
                public_citation=data["public_citation"],
                publishable=data["publishable"],
                granting_unit=data["granting_unit"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, nomination)
    context.update(form=form, proposing_unit=proposing_unit, round=round_)
    return render(request, "awards/nomination_form.html", context)


def _saved(request, nomination):
    """After saving a draft: submit it too if that button was pressed."""
    if "submit" not in request.POST:
        messages.success(request, _("The nomination was saved as a draft."))
        return redirect(nomination)
    try:
        services.submit_nomination(nomination, actor=request.user)
    except ValidationError as error:
        messages.warning(
            request,
            _("The nomination was saved, but it could not be submitted: %(reason)s")
            % {"reason": error_text(error)},
        )
        return redirect("awards:nomination_edit", pk=nomination.pk)
    messages.success(request, _("The nomination was submitted."))
    return redirect(nomination)


def _picker_context(request):
    """Whom the user may nominate, and the round to start from (a movement or round page links
    here with ?round=): a round outside the user's scope is not found."""
    user = request.user
    if not (unions_scoping.is_superuser(user) or unions_scoping.officer_units(user).exists()):
        raise PermissionDenied
    round_ = None
    if request.GET.get("round"):
        round_ = movements_scoping.get_round_or_404(user, request.GET["round"])
    query = request.GET.get("q", "")[:100]
    members = list(scoping.search_nominable_members(user, query))
    suffix = f"?round={round_.pk}" if round_ else ""
    for member in members:
        member.nominate_url = reverse("awards:nominate_member", args=[member.pk]) + suffix
    return {"round": round_, "query": query, "members": members}


@login_required
def nominate_pick(request):
    """Choose whom to nominate: the member picker searches as you type (member_picker.js reads
    nominee_search); without JavaScript it is a plain search form."""
    return render(request, "awards/nominate_pick.html", _picker_context(request))


@login_required
def nominee_search(request):
    """The picker's JSON: up to 20 members the user may nominate matching ?q= (accents and case
    ignored), each with the address of its nomination form."""
    context = _picker_context(request)
    return JsonResponse(
        {
            "results": [
                {
                    "name": member.full_name,
                    "unit": member.unit.name,
                    "position": member.position,
                    "card": member.card_number or "",
                    "url": member.nominate_url,
                }
                for member in context["members"]
            ]
        }
    )


@login_required
def nominate_member(request, pk):
    member = unions_scoping.get_member_or_404(request.user, pk)
    return _create(request, member=member)


@login_required
def nominate_unit(request, pk):
    unit = unions_scoping.get_unit_or_404(request.user, pk)
    return _create(request, nominee_unit=unit)


@login_required
def nomination_edit(request, pk):
    user = request.user
    nomination = scoping.get_nomination_or_404(user, pk)
    if nomination.quick:
        from awards.views.quick import quick_edit  # it builds on this module's helpers

        return quick_edit(request, nomination)
    if (response := guard(request, nomination, "edit_nomination")) is not None:
        return response
    own = {s.criterion_id: (s.points, s.comment) for s in nomination.self_scores.all()}
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        award_kinds=_award_kinds_for(
            nomination.proposing_unit, nomination.round, nomination.award_kind.beneficiary
        ),
        criteria=services.criteria_for(nomination.round, nomination.award_kind.beneficiary),
        score_initial=own,
        granting_units=_granting_units(nomination.proposing_unit, nomination.round),
        initial={
            "award_kind": nomination.award_kind_id,
            "granting_unit": nomination.deciding_unit_id,
            "achievement": nomination.achievement,
            "public_citation": nomination.public_citation,
            "publishable": nomination.publishable,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_nomination(
                nomination,
                actor=user,
                award_kind=data["award_kind"],
                achievement=data["achievement"],
                public_citation=data["public_citation"],
                publishable=data["publishable"],
                granting_unit=data["granting_unit"],
                self_scores=form.scores(),
                files=data["evidence"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, nomination)
    return render(
        request,
        "awards/nomination_form.html",
        {
            "form": form,
            "nomination": nomination,
            "nominee_name": nomination.nominee_name,
            "proposing_unit": nomination.proposing_unit,
            "round": nomination.round,
            "evidence": nomination.evidence.all(),
        },
    )


def _score_table(nomination):
    """Rows per criterion: the self score, each reviewer's points, and their average."""
    criteria = list(services.criteria_for(nomination.round, nomination.award_kind.beneficiary))
    own = {s.criterion_id: s for s in nomination.self_scores.all()}
    reviews = list(
        ReviewScore.objects.filter(nomination=nomination).select_related("reviewer", "unit")
    )
    reviewers = []
    for score in reviews:
        key = (score.unit_id, score.reviewer_id)
        if key not in [(r["unit"].pk, r["user"].pk) for r in reviewers]:
            reviewers.append({"unit": score.unit, "user": score.reviewer, "total": 0})
    by_cell = {(s.criterion_id, s.unit_id, s.reviewer_id): s for s in reviews}
    rows = []
    for criterion in criteria:
        cells = [by_cell.get((criterion.pk, r["unit"].pk, r["user"].pk)) for r in reviewers]
        given = [cell.points for cell in cells if cell is not None]
        for reviewer, cell in zip(reviewers, cells, strict=True):
            if cell is not None:
                sign = -1 if criterion.kind == "penalty" else 1
                reviewer["total"] += sign * cell.points
        rows.append(
            {
                "criterion": criterion,
                "own": own.get(criterion.pk),
                "cells": cells,
                "average": sum(given) / len(given) if given else None,
            }
        )
    return rows, reviewers


@login_required
def nomination_detail(request, pk):
    user = request.user
    nomination = scoping.get_nomination_or_404(user, pk)
    rows, reviewers = _score_table(nomination)
    actions = services.allowed_actions(user, nomination)
    return render(
        request,
        "awards/nomination_detail.html",
        {
            "nomination": nomination,
            "score_rows": rows,
            "reviewers": reviewers,
            "votes": nomination.votes.select_related("unit", "recorded_by"),
            "evidence": nomination.evidence.all(),
            "transitions": nomination.transitions.select_related("actor", "at_unit", "to_unit"),
            "actions": actions,
            "quota": services.quota_before_sending(nomination)
            if actions["submit_nomination"] or actions["forward_nomination"]
            else None,
            "reason_form": CommentForm(),
            **_public_notice_context(nomination),
            "ballots": nomination.assessment_ballots.select_related("assessment"),
            "letters": letters_for(user, nomination).select_related("from_unit", "to_unit"),
            "time_limit": services.step_time_limit(nomination),
            "now": timezone.now(),
        },
    )


def _public_notice_context(nomination):
    """Where the nomination's award is posted publicly first: its postings and objections."""
    if not nomination.award_kind.public_notice_days:
        return {"public_notices": None}
    return {
        "public_notices": nomination.public_notices.select_related("unit"),
        "objections": nomination.objections.all(),
    }


@login_required
@require_POST
def nomination_submit(request, pk):
    nomination = scoping.get_nomination_or_404(request.user, pk)
    if (response := guard(request, nomination, "submit_nomination")) is not None:
        return response
    try:
        services.submit_nomination(nomination, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The nomination was submitted."))
    return redirect(nomination)


@login_required
def evidence_download(request, pk, evidence_pk):
    """Streamed only to the nomination's readers; the storage has no public URL."""
    evidence = scoping.get_evidence_or_404(request.user, pk, evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=evidence.content_type,
        as_attachment="download" in request.GET,
        filename=evidence.original_name,
    )
    # The browser shows it as the type it was checked to be, and nothing in it runs.
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_POST
def evidence_delete(request, pk, evidence_pk):
    evidence = scoping.get_evidence_or_404(request.user, pk, evidence_pk)
    nomination = evidence.nomination
    if (response := guard(request, nomination, "edit_nomination")) is not None:
        return response
    try:
        services.delete_evidence(evidence, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("The file %(name)s was removed.") % {"name": evidence.original_name}
        )
    return redirect("awards:nomination_edit", pk=nomination.pk)
