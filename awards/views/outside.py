"""Proposals to outside authorities and their recorded decisions (awards.outside).

Thin: proposals come through awards.scoping (404 outside), the 403 through awards.rules, every
change through awards.outside. The scanned decision is streamed from the private storage by
this view only, sandboxed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import letters, outside, scoping
from awards.forms import OutsideDecisionForm, OutsideProposalForm
from movements.models import AwardKind
from unions import scoping as unions_scoping
from unions.models import Role, Unit
from unions.query_params import page_or_404

PER_PAGE = 50


def _proposing_units(user):
    """The units where the user is an officer or a clerk: they send its proposals."""
    ids = [
        held.unit_id
        for held in unions_scoping.held_roles(user)
        if held.role in (Role.OFFICER, Role.CLERK)
    ]
    return Unit.objects.filter(pk__in=ids).order_by("path")


@login_required
def outside_proposal_list(request):
    user = request.user
    queryset = (
        scoping.outside_proposals_visible_to(user)
        .select_related("unit", "award_kind")
        .annotate(count=Count("nominations", distinct=True))
        .order_by("-letter_date", "-pk")
    )
    page = page_or_404(request, queryset, PER_PAGE)
    ready = []
    for unit in _proposing_units(user):
        rows = outside.proposable(unit).values_list("award_kind").annotate(n=Count("pk")).order_by()
        kinds = AwardKind.objects.in_bulk([kind_id for kind_id, _n in rows])
        ready.extend((unit, kinds[kind_id], n) for kind_id, n in rows)
    return render(request, "awards/outside_proposal_list.html", {"page_obj": page, "ready": ready})


@login_required
def outside_proposal_create(request):
    user = request.user
    units = _proposing_units(user)
    unit = unions_scoping.get_or_404(units, request.GET.get("unit") or "")
    kind_ids = outside.proposable(unit).values("award_kind")
    award_kind = unions_scoping.get_or_404(
        AwardKind.objects.filter(pk__in=kind_ids), request.GET.get("award_kind") or ""
    )
    choices = (
        outside.proposable(unit, award_kind)
        .select_related("nominee_member__unit", "nominee_unit")
        .order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
    )
    form = OutsideProposalForm(
        request.POST or None,
        choices=choices,
        initial={"letter_date": timezone.localdate(), "nominations": list(choices)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = outside.send_outside_proposal(
                actor=user, unit=unit, award_kind=award_kind, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The proposal %(number)s was recorded as sent to %(authority)s.")
                % {"number": proposal.letter_number, "authority": proposal.authority},
            )
            return redirect(proposal)
    return render(
        request,
        "awards/outside_proposal_form.html",
        {
            "form": form,
            "unit": unit,
            "award_kind": award_kind,
            "next_number": letters.foreseen_letter_number(unit, timezone.localdate().year),
        },
    )


@login_required
def outside_proposal_detail(request, pk):
    user = request.user
    proposal = scoping.get_outside_proposal_or_404(user, pk)
    can_record = outside.may(user, "record_outside_decision", proposal)
    form = None
    if can_record:
        proposed = proposal.nominations.all()
        form = OutsideDecisionForm(
            request.POST or None,
            request.FILES or None,
            choices=proposed,
            initial={"issuer": proposal.authority, "granted": list(proposed)},
        )
        if request.method == "POST" and form.is_valid():
            try:
                outside.record_outside_decision(proposal, actor=user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect(proposal)
    elif request.method == "POST":
        # 403 without the authority; the reason when the proposal no longer allows it.
        error = outside.refusal("record_outside_decision", proposal, user)
        messages.error(request, " ".join(error.messages))
        return redirect(proposal)
    nominations = proposal.nominations.select_related(
        "nominee_member__unit", "nominee_unit", "proposing_unit"
    ).order_by("nominee_member__name_sort_key", "nominee_unit__name", "pk")
    granted = set(proposal.granted.values_list("pk", flat=True))
    return render(
        request,
        "awards/outside_proposal_detail.html",
        {
            "proposal": proposal,
            "rows": [(n, n.pk in granted) for n in nominations],
            "form": form,
        },
    )


@login_required
def outside_decision_file(request, pk):
    proposal = scoping.get_outside_proposal_or_404(request.user, pk)
    if not proposal.decision_file:
        raise Http404
    try:
        handle = proposal.decision_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = proposal.decision_file.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=proposal.decision_file_type,
        as_attachment="download" in request.GET,
        filename=f"quyet-dinh-{proposal.pk}.{extension}",
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def outside_proposal_letter(request, pk):
    """The proposal letter as a PDF, for those who read the proposal (its unit and above)."""
    proposal = scoping.get_outside_proposal_or_404(request.user, pk)
    if not proposal.letter_file:
        if proposal.register_number is None:  # numbered by hand: the app wrote no letter
            raise Http404
        proposal = outside.render_proposal_letter(proposal)
    try:
        handle = proposal.letter_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type="application/pdf",
        filename=f"to-trinh-de-nghi-{proposal.pk}.pdf",
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
