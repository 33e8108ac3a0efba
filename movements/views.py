from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from movements import scoping, services
from movements.forms import (
    AnnualRegistrationForm,
    ClassificationForm,
    CriterionFormSet,
    MemberRegistrationForm,
    MovementForm,
    RegistrationForm,
    ReturnForm,
    RoundFormSet,
    award_kinds_for,
    formset_specs,
)
from movements.models import (
    SENDABLE_REGISTRATION_STATES,
    ClassificationRecord,
    CriterionKind,
    CriterionTarget,
    Movement,
    MovementState,
    Registration,
    RegistrationState,
    Round,
)
from unions import scoping as unit_scoping
from unions.models import Activity, MemberStatus, Role, Unit
from unions.query_params import choice_or_404, page_or_404

PER_PAGE = 50
STATUS_LABELS = {
    services.STATUS_NOT_SENT: RegistrationState.DRAFT.label,
    services.STATUS_AWAITING: RegistrationState.AWAITING.label,
    services.STATUS_RETURNED: RegistrationState.RETURNED.label,
    services.STATUS_APPROVED: RegistrationState.APPROVED.label,
}


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _page(request, queryset, name="page"):
    return page_or_404(request, queryset, PER_PAGE, name)


def _error_text(error):
    return " ".join(error.messages)


def _next_url(request, default):
    """The page to go back to: a path of this site (as the pages send it), else `default`.

    Anything else, even harmless for the browser, would be taken by redirect() for a URL name.
    """
    target = request.POST.get("next") or request.GET.get("next")
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


# --- Movements ------------------------------------------------------------------------------


@login_required
def movement_list(request):
    user = request.user
    movements = scoping.visible_movements(user).select_related("launching_unit")
    state = choice_or_404(request.GET, "state", MovementState.values)
    if state:
        movements = movements.filter(state=state)
    return render(
        request,
        "movements/movement_list.html",
        {
            "page_obj": _page(request, movements.order_by("-starts_on", "code")),
            "state": state,
            "states": MovementState.choices,
            "can_create": scoping.launchable_units(user).exists(),
        },
    )


def criteria_tables(criteria):
    """The scoring tables of a movement: one per target, lines grouped, with their totals.

    Standard lines add up to the table's total (usually 100); bonus and penalty lines are
    shown apart, as the most a nominee may gain or lose on top of it.
    """
    tables = []
    for target, label in CriterionTarget.choices:
        lines = [criterion for criterion in criteria if criterion.target == target]
        if not lines:
            continue
        groups = {}
        for criterion in lines:
            groups.setdefault(criterion.group, []).append(criterion)

        def total(items, kind):
            return sum((c.max_points for c in items if c.kind == kind), start=0)

        tables.append(
            {
                "target": label,
                "groups": [
                    {
                        "name": name,
                        "lines": items,
                        "total": total(items, CriterionKind.STANDARD),
                        "bonus": total(items, CriterionKind.BONUS),
                        "penalty": total(items, CriterionKind.PENALTY),
                    }
                    for name, items in groups.items()
                ],
                "total": total(lines, CriterionKind.STANDARD),
                "bonus": total(lines, CriterionKind.BONUS),
                "penalty": total(lines, CriterionKind.PENALTY),
            }
        )
    return tables


def _my_units_in(user, movement):
    """The user's units inside the movement: where they register, and whose children they
    follow (the status of each child's registrations)."""
    launching = movement.launching_unit
    held = [
        h
        for h in unit_scoping.held_roles(user)
        if h.path.startswith(launching.path) and h.role in (Role.OFFICER, Role.REVIEWER)
    ]
    units = Unit.objects.in_bulk({h.unit_id for h in held}) if held else {}
    registering = sorted(
        {units[h.unit_id] for h in held if h.role == Role.OFFICER and h.unit_id != launching.pk},
        key=lambda unit: unit.path,
    )
    # Reviewers decide what their children send; the launching unit's officers follow it too.
    following = sorted(
        {
            units[h.unit_id]
            for h in held
            if units[h.unit_id].numchild and (h.role == Role.REVIEWER or h.unit_id == launching.pk)
        },
        key=lambda unit: unit.path,
    )
    return registering, following


@login_required
def movement_detail(request, pk):
    user = request.user
    movement = scoping.get_movement_or_404(user, pk)
    rounds = movement.rounds.prefetch_related("deadlines")
    registering, reviewing = _my_units_in(user, movement)
    history = Activity.objects.filter(
        target_type=Movement._meta.label_lower, target_id=movement.pk
    ).select_related("actor")[:20]
    return render(
        request,
        "movements/movement_detail.html",
        {
            "movement": movement,
            "rounds": rounds,
            "tables": criteria_tables(list(movement.criteria.all())),
            "can_manage": user.has_perm("movements.manage_movement", movement),
            "registering_units": registering,
            "reviewing_units": reviewing,
            "history": history,
        },
    )


def _forms_valid(*forms):
    # Validate every form (not only up to the first invalid one) so that all errors show.
    results = [form.is_valid() for form in forms if form is not None]
    return all(results)


@login_required
def movement_create(request):
    user = request.user
    units = scoping.launchable_units(user)
    _require(units.exists())
    data = request.POST if request.method == "POST" else None
    form = MovementForm(data, launching_units=units)
    rounds = RoundFormSet(data, instance=Movement(), prefix="rounds")
    criteria = CriterionFormSet(data, instance=Movement(), prefix="criteria")
    if data is not None and _forms_valid(form, rounds, criteria):
        try:
            movement = services.create_movement(
                actor=user,
                launching_unit=form.cleaned_data["launching_unit"],
                rounds=formset_specs(rounds),
                criteria=formset_specs(criteria),
                **form.movement_fields(),
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(
                request,
                _("The movement %(title)s was created as a draft.") % {"title": movement.title},
            )
            return redirect(movement)
    return render(
        request,
        "movements/movement_form.html",
        {"form": form, "rounds": rounds, "criteria": criteria, "movement": None},
    )


@login_required
def movement_edit(request, pk):
    user = request.user
    movement = scoping.get_movement_or_404(user, pk)
    _require(user.has_perm("movements.manage_movement", movement))
    if (error := services.edit_refusal(movement)) is not None:
        messages.error(request, _error_text(error))
        return redirect(movement)
    data = request.POST if request.method == "POST" else None
    form = MovementForm(data, instance=movement)
    rounds = RoundFormSet(
        data,
        instance=movement,
        prefix="rounds",
        queryset=Round.objects.prefetch_related("deadlines"),
    )
    criteria = None
    if not services.criteria_are_fixed(movement):
        criteria = CriterionFormSet(data, instance=movement, prefix="criteria")
    if data is not None and _forms_valid(form, rounds, criteria):
        try:
            services.update_movement(
                movement,
                actor=user,
                rounds=formset_specs(rounds),
                criteria=formset_specs(criteria) if criteria is not None else None,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("movements:movement_detail", pk=movement.pk)
    return render(
        request,
        "movements/movement_form.html",
        {
            "form": form,
            "rounds": rounds,
            "criteria": criteria,
            "movement": movement,
            "fixed_criteria": criteria_tables(list(movement.criteria.all()))
            if criteria is None
            else None,
        },
    )


def _movement_transition(request, pk, *, service, action, success):
    user = request.user
    movement = scoping.get_movement_or_404(user, pk)
    _require(user.has_perm("movements.manage_movement", movement))
    if request.method == "POST":
        try:
            service(movement, actor=user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, success % {"title": movement.title})
        return redirect("movements:movement_detail", pk=movement.pk)
    return render(
        request,
        "movements/movement_confirm.html",
        {
            "action": action,
            "movement": movement,
            "round_count": movement.rounds.count(),
            "criterion_count": movement.criteria.count(),
        },
    )


@login_required
def movement_launch(request, pk):
    return _movement_transition(
        request,
        pk,
        service=services.launch_movement,
        action="launch",
        success=_("The movement %(title)s is launched: its whole subtree now sees it."),
    )


@login_required
def movement_close(request, pk):
    return _movement_transition(
        request,
        pk,
        service=services.close_movement,
        action="close",
        success=_("The movement %(title)s is closed."),
    )


# --- A unit's movements ---------------------------------------------------------------------


@login_required
def unit_movements(request, pk):
    """The movements open to a unit, with each round's deadlines and the unit's status."""
    user = request.user
    unit = unit_scoping.get_unit_or_404(user, pk)
    movements = list(
        scoping.movements_open_to_unit(unit)
        .select_related("launching_unit")
        .prefetch_related(Prefetch("rounds", queryset=Round.objects.prefetch_related("deadlines")))
        .order_by("-starts_on", "code")
    )
    counts = {}
    rows = (
        Registration.objects.filter(round__movement__in=[m.pk for m in movements], unit=unit)
        .exclude(state=RegistrationState.DRAFT)
        .values_list("round_id", "state")
        .order_by()
        .annotate(count=Count("pk"))
    )
    for round_id, state, count in rows:
        counts.setdefault(round_id, {})[state] = count
    for movement in movements:
        for round_ in movement.rounds.all():
            status = services.status_from_counts(counts.get(round_.pk))
            round_.unit_status = status
            round_.unit_status_label = STATUS_LABELS[status]
    return render(
        request,
        "movements/unit_movements.html",
        {
            "unit": unit,
            "ancestors": Unit.objects.get_ancestors(unit),
            "movements": movements,
            "can_register": user.has_perm("movements.register_unit", unit),
        },
    )


# --- Registrations of one unit in one round -------------------------------------------------


def _round_and_unit(user, round_pk, unit_pk):
    round_ = scoping.get_round_or_404(user, round_pk)
    unit = unit_scoping.get_unit_or_404(user, unit_pk)
    if not scoping.movement_covers(round_.movement, unit):
        raise Http404
    return round_, unit


def _registration_refusal(round_, unit):
    """The services' reason why the unit cannot register in this round now (None: it can)."""
    error = services.registration_refusal(round_, unit)
    return None if error is None else " ".join(error.messages)


@login_required
def round_unit(request, round_pk, unit_pk):
    """A unit's registrations in a round: its collective one and its members'.

    The unit's officers register here; the reviewers of the level above decide here.
    """
    user = request.user
    round_, unit = _round_and_unit(user, round_pk, unit_pk)
    can_register = user.has_perm("movements.register_unit", unit)
    refusal = _registration_refusal(round_, unit)
    collective = (
        Registration.objects.filter(round=round_, unit=unit, member__isnull=True)
        .select_related("target_award")
        .first()
    )
    may_send = can_register and refusal is None
    may_send = may_send and (collective is None or collective.can_be_sent)
    annual = round_.movement.is_annual
    may_file_list = may_send and annual
    may_send = may_send and not annual  # an annual round takes the unit's list at once
    form = None
    if may_send:
        initial = {"target_award": collective.target_award_id} if collective else None
        form = RegistrationForm(
            request.POST or None, target=CriterionTarget.COLLECTIVE, initial=initial
        )
    if request.method == "POST":
        _require(can_register)
        if form is None:
            if annual and refusal is None:
                return redirect("movements:round_annual_registration", round_.pk, unit.pk)
            messages.error(request, refusal or _("The unit is already registered for this round."))
            return redirect(request.path)
        if form.is_valid():
            try:
                services.register(
                    round=round_,
                    unit=unit,
                    target_award=form.cleaned_data["target_award"],
                    note=form.cleaned_data["note"],
                    actor=user,
                )
            except ValidationError as error:
                form.add_error(None, ValidationError(error.messages))
            else:
                messages.success(request, _("The registration was sent to the level above."))
                return redirect(request.path)
    members = (
        Registration.objects.filter(round=round_, unit=unit, member__isnull=False)
        .select_related("member__unit", "target_award")
        .order_by("member__name_sort_key", "pk")
    )
    state = choice_or_404(request.GET, "state", RegistrationState.values)
    if state:
        members = members.filter(state=state)
    return render(
        request,
        "movements/round_unit.html",
        {
            "round": round_,
            "movement": round_.movement,
            "unit": unit,
            "collective": collective,
            "form": form,
            "page_obj": _page(request, members),
            "state": state,
            "states": RegistrationState.choices,
            "can_register": can_register,
            "refusal": refusal,
            "can_review": user.has_perm("movements.review_unit_registrations", unit),
            "has_children": unit.numchild > 0,
            "annual": annual,
            "may_file_list": may_file_list,
        },
    )


@login_required
def round_register_members(request, round_pk, unit_pk):
    """Pick members of the unit (searchable, paginated) and register them for the round."""
    user = request.user
    round_, unit = _round_and_unit(user, round_pk, unit_pk)
    _require(user.has_perm("movements.register_unit", unit))
    if round_.is_annual:
        return redirect("movements:round_annual_registration", round_.pk, unit.pk)
    back = reverse("movements:round_unit", args=[round_.pk, unit.pk])
    refusal = _registration_refusal(round_, unit)
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    candidates = unit_scoping.managed_members(user).filter(
        unit__path__startswith=unit.path, status=MemberStatus.ACTIVE
    )
    form = MemberRegistrationForm(request.POST or None, members=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            registered = services.register_members(
                round=round_,
                unit=unit,
                members=form.cleaned_data["members"],
                target_award=form.cleaned_data["target_award"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            count = len(registered)
            messages.success(
                request,
                ngettext(
                    "%(count)d member was registered and awaits the level above.",
                    "%(count)d members were registered and await the level above.",
                    count,
                )
                % {"count": count},
            )
            return redirect(back)
    query = request.GET.get("q", "").strip()[:100]
    listed = candidates.search(query) if query else candidates
    page = _page(request, listed.select_related("unit").in_vietnamese_order())
    registered = dict(
        Registration.objects.filter(round=round_, member__in=[m.pk for m in page]).values_list(
            "member_id", "state"
        )
    )
    labels = dict(RegistrationState.choices)
    selected = {str(pk) for pk in request.POST.getlist("members")}
    for member in page:
        member.registration_state = registered.get(member.pk)
        member.registration_label = labels.get(member.registration_state, "")
        member.can_select = member.registration_state in (None, *SENDABLE_REGISTRATION_STATES)
        member.selected = str(member.pk) in selected
    return render(
        request,
        "movements/round_register_members.html",
        {
            "round": round_,
            "movement": round_.movement,
            "unit": unit,
            "form": form,
            "page_obj": page,
            "q": query,
        },
    )


# --- Annual rounds: the unit's one list, and the year's task classification -----------------


def _annual_round_and_unit(user, round_pk, unit_pk):
    round_, unit = _round_and_unit(user, round_pk, unit_pk)
    if not round_.movement.is_annual:
        raise Http404
    return round_, unit


@login_required
def round_annual_registration(request, round_pk, unit_pk):
    """The unit's one registration for an annual round: its collective title and the list of
    its members with the title each aims for, sent at once to the level above."""
    user = request.user
    round_, unit = _annual_round_and_unit(user, round_pk, unit_pk)
    _require(user.has_perm("movements.register_unit", unit))
    back = reverse("movements:round_unit", args=[round_.pk, unit.pk])
    refusal = _registration_refusal(round_, unit)
    registration = services.annual_registration_of(round_, unit)
    if refusal is None and registration is not None and not registration.can_be_sent:
        refusal = _("The unit's registration for %(round)s was already sent (%(state)s).") % {
            "round": round_.name,
            "state": registration.get_state_display(),
        }
    if refusal:
        messages.error(request, refusal)
        return redirect(back)
    members = list(
        unit_scoping.managed_members(user)
        .filter(unit__path__startswith=unit.path, status=MemberStatus.ACTIVE)
        .select_related("unit")
        .in_vietnamese_order()
    )
    individual_kinds = list(award_kinds_for(CriterionTarget.INDIVIDUAL).order_by("name_vi"))
    initial = {}
    if registration is not None:
        initial["collective_award"] = registration.target_award_id
        initial["note"] = registration.note
        for member_id, award_id in Registration.objects.filter(filed_with=registration).values_list(
            "member_id", "target_award_id"
        ):
            initial[f"title_{member_id}"] = str(award_id)
    form = AnnualRegistrationForm(
        request.POST or None,
        unit=unit,
        members=members,
        individual_kinds=individual_kinds,
        collective_kinds=award_kinds_for(CriterionTarget.COLLECTIVE).order_by("name_vi"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.file_annual_registration(
                round=round_,
                unit=unit,
                collective_award=form.cleaned_data["collective_award"],
                members=form.cleaned_data["entries"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        except ValidationError as error:
            form.add_error(None, ValidationError(error.messages))
        else:
            count = len(form.cleaned_data["entries"])
            messages.success(
                request,
                ngettext(
                    "The unit's registration, with %(count)d member, was sent to the level above.",
                    "The unit's registration, with %(count)d members, was sent to the level above.",
                    count,
                )
                % {"count": count},
            )
            return redirect(back)
    return render(
        request,
        "movements/round_annual_registration.html",
        {
            "round": round_,
            "movement": round_.movement,
            "unit": unit,
            "form": form,
            "registration": registration,
        },
    )


@login_required
def round_classification(request, round_pk, unit_pk):
    """At the end of the year, the unit records the task classification of each member on its
    approved list (one select each, one to set all the empty ones), and of itself."""
    user = request.user
    round_, unit = _annual_round_and_unit(user, round_pk, unit_pk)
    can_record = user.has_perm("movements.register_unit", unit)
    back = reverse("movements:round_unit", args=[round_.pk, unit.pk])
    error = services.classification_refusal_for_unit(round_, unit)
    if error is not None:
        messages.error(request, _error_text(error))
        return redirect(back)
    registration = services.annual_registration_of(round_, unit)
    lines = (
        Registration.objects.filter(filed_with=registration, state=RegistrationState.APPROVED)
        .select_related("member__unit", "target_award")
        .order_by("member__name_sort_key", "pk")
    )
    form = ClassificationForm(
        request.POST if request.method == "POST" else None,
        lines=lines,
        initial={"collective": registration.classification},
    )
    if request.method == "POST":
        _require(can_record)
        if form.is_valid():
            try:
                count = services.record_classifications(
                    round=round_,
                    unit=unit,
                    grades=form.grades(),
                    collective=form.cleaned_data["collective"],
                    actor=user,
                )
            except ValidationError as error:
                form.add_error(None, ValidationError(error.messages))
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d classification was recorded.",
                        "%(count)d classifications were recorded.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(request.path)
    history = ClassificationRecord.objects.filter(
        registration__in=[registration.pk, *(line.pk for line in form.lines)]
    ).select_related("registration__member", "actor")[:20]
    return render(
        request,
        "movements/round_classification.html",
        {
            "round": round_,
            "movement": round_.movement,
            "unit": unit,
            "form": form,
            "registration": registration,
            "can_record": can_record,
            "history": history,
            "classification_page": True,
        },
    )


CHILDREN_PER_PAGE = 50


@login_required
def round_children(request, round_pk, unit_pk):
    """The level above: each child unit's registration status in the round."""
    user = request.user
    round_, unit = _round_and_unit(user, round_pk, unit_pk)
    children = list(Unit.objects.get_children(unit))
    counts = services.registration_counts(round_, [child.pk for child in children])
    rows = []
    totals = dict.fromkeys(STATUS_LABELS, 0)
    for child in children:
        status = services.status_from_counts(counts.get(child.pk))
        totals[status] += 1
        rows.append(
            {
                "unit": child,
                "status": status,
                "label": STATUS_LABELS[status],
                "counts": counts.get(child.pk, {}),
            }
        )
    wanted = choice_or_404(request.GET, "status", STATUS_LABELS)
    if wanted:
        rows = [row for row in rows if row["status"] == wanted]
    # A province has 1,500 units below it: the totals count them all, the table shows a page.
    page = page_or_404(request, rows, CHILDREN_PER_PAGE)
    return render(
        request,
        "movements/round_children.html",
        {
            "round": round_,
            "movement": round_.movement,
            "unit": unit,
            "rows": page.object_list,
            "page_obj": page,
            "totals": [(key, STATUS_LABELS[key], totals[key]) for key in STATUS_LABELS],
            "status": wanted,
            "can_review": user.has_perm("movements.review_children_registrations", unit),
        },
    )


# --- Registrations --------------------------------------------------------------------------


@login_required
def registration_list(request):
    user = request.user
    waiting = choice_or_404(request.GET, "waiting", ["1"]) == "1"
    if waiting:
        registrations = scoping.registrations_reviewable_by(user).filter(
            state=RegistrationState.AWAITING
        )
    else:
        registrations = scoping.registrations_visible_to(user)
    state = choice_or_404(request.GET, "state", RegistrationState.values)
    if state and not waiting:
        registrations = registrations.filter(state=state)
    registrations = registrations.select_related(
        "round__movement", "unit", "member", "target_award"
    ).order_by("-submitted_at", "-pk")
    return render(
        request,
        "movements/registration_list.html",
        {
            "page_obj": _page(request, registrations),
            "waiting": waiting,
            "state": state,
            "states": RegistrationState.choices,
        },
    )


def _target_of(registration):
    return CriterionTarget.INDIVIDUAL if registration.member_id else CriterionTarget.COLLECTIVE


@login_required
def registration_detail(request, pk):
    user = request.user
    registration = scoping.get_registration_or_404(user, pk)
    annual = registration.round.movement.is_annual
    can_resubmit = (
        registration.can_be_sent
        and not annual  # an annual registration is sent again with the unit's list
        and user.has_perm("movements.register_unit", registration.unit)
        and _registration_refusal(registration.round, registration.unit) is None
    )
    resubmit_form = None
    if can_resubmit:
        resubmit_form = RegistrationForm(
            target=_target_of(registration),
            initial={"target_award": registration.target_award_id, "note": registration.note},
        )
    return render(
        request,
        "movements/registration_detail.html",
        {
            "registration": registration,
            "round": registration.round,
            "movement": registration.round.movement,
            "transitions": registration.transitions.select_related("actor"),
            "can_review": registration.awaits_decision
            and not registration.is_filed_with_unit
            and user.has_perm("movements.review_registration", registration),
            "annual": annual,
            "can_file_list": annual
            and registration.member_id is None
            and registration.can_be_sent
            and user.has_perm("movements.register_unit", registration.unit),
            "resubmit_form": resubmit_form,
            "return_form": ReturnForm(),
        },
    )


def _reviewable(request, pk):
    registration = scoping.get_registration_or_404(request.user, pk)
    _require(request.user.has_perm("movements.review_registration", registration))
    return registration


@login_required
@require_POST
def registration_approve(request, pk):
    registration = _reviewable(request, pk)
    try:
        services.approve_registration(registration, actor=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The registration was approved."))
    return redirect(_next_url(request, reverse("movements:registration_detail", args=[pk])))


@login_required
def registration_return(request, pk):
    registration = _reviewable(request, pk)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_registration(
                registration, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The registration was returned to the unit."))
        return redirect(_next_url(request, reverse("movements:registration_detail", args=[pk])))
    return render(
        request,
        "movements/registration_return.html",
        {
            "registration": registration,
            "round": registration.round,
            "movement": registration.round.movement,
            "form": form,
            "next": _next_url(request, ""),
        },
    )


@login_required
@require_POST
def registration_resubmit(request, pk):
    user = request.user
    registration = scoping.get_registration_or_404(user, pk)
    _require(user.has_perm("movements.register_unit", registration.unit))
    form = RegistrationForm(request.POST, target=_target_of(registration))
    if not form.is_valid():
        messages.error(request, _("Choose the title aimed for."))
    else:
        try:
            services.register(
                round=registration.round,
                unit=registration.unit,
                member=registration.member,
                target_award=form.cleaned_data["target_award"],
                note=form.cleaned_data["note"],
                actor=user,
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The registration was sent again to the level above."))
    return redirect("movements:registration_detail", pk=registration.pk)


@login_required
@require_POST
def registration_bulk_approve(request):
    """Approve a selection, after a confirmation page that lists it."""
    user = request.user
    back = _next_url(request, reverse("movements:registration_list") + "?waiting=1")
    posted = request.POST.getlist("registrations")
    if not posted:
        messages.error(request, _("Select at least one registration."))
        return redirect(back)
    # A value that cannot be an id names no registration awaiting the user, as a stale one does.
    ids = {int(value) for value in posted if unit_scoping.is_id(value)}
    selection = list(
        scoping.registrations_reviewable_by(user)
        .filter(pk__in=ids, state=RegistrationState.AWAITING)
        .select_related("round__movement", "unit", "member", "target_award")
        .order_by("unit__path", "member__name_sort_key", "pk")
    )
    if len(ids) != len(set(posted)) or len(selection) != len(ids):
        messages.error(
            request,
            _(
                "Some of the selected registrations are not awaiting your decision any more: "
                "nothing was changed."
            ),
        )
        return redirect(back)
    if request.POST.get("confirm") != "1":
        return render(
            request,
            "movements/registration_bulk_confirm.html",
            {"selection": selection, "next": back},
        )
    try:
        services.approve_registrations(selection, actor=user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d registration was approved.",
                "%(count)d registrations were approved.",
                len(selection),
            )
            % {"count": len(selection)},
        )
    return redirect(back)


# --- Award kinds ----------------------------------------------------------------------------


@login_required
def award_kind_list(request):
    kinds = (
        scoping.award_kinds_visible_to(request.user)
        .select_related("prerequisite_kind", "quota_base_kind", "movement")
        .in_level_order()
    )
    return render(request, "movements/award_kind_list.html", {"award_kinds": kinds})
