"""The reviewing committee's pages: the review queue (and its .xlsx export), bulk actions, and
the decisions on one nomination: start the review, score, vote, approve, forward, return,
reject.

Thin, as the proposer's pages: scoping, permissions and services do the work.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from awards import scoping, services
from awards.forms import (
    AWAITING,
    BULK_ACTIONS,
    QUICK,
    SORTS,
    BulkActionForm,
    CommentForm,
    ForwardForm,
    QueueFilterForm,
    ReviewScoreForm,
    VoteForm,
)
from awards.models import Nomination
from awards.views.refusals import LIST_RELATED, PER_PAGE, error_text, guard
from movements import scoping as movements_scoping
from movements.models import Beneficiary, Round
from unions.forms import unit_search_results
from unions.query_params import page_or_404
from unions.spreadsheets import build_workbook, xlsx_response

# What a row of the queue shows (templates/awards/review_queue.html), and nothing more: the
# dossier's achievement report, the movement's description and the award's legal basis are long
# texts that the page would read 25 times and never show.
QUEUE_ROW_FIELDS = (
    "quick",
    "deed_date",
    "state",
    "self_score_total",
    "review_score",
    "submitted_at",
    "nominee_member__full_name",
    "nominee_unit__name",
    "award_kind__name_vi",
    "award_kind__name_en",
    "round__name",
    "round__movement__code",
    "proposing_unit__name",
    "proposing_unit__short_name",
    "reviewing_unit__name",
    "reviewing_unit__short_name",
)


def _queue_choices(user):
    visible = movements_scoping.visible_movements(user)
    return {
        "movements": visible,
        "rounds": Round.objects.filter(movement__in=visible).select_related("movement"),
        "units": scoping.queue_units_for(user).order_by("path"),
        "award_kinds": movements_scoping.award_kinds_visible_to(user),
    }


def filtered_review_queue(user, query):
    """(filter form, ordered nominations) of the review queue under the GET `query`: shared by
    the page and its .xlsx export, so that the file holds what the page lists."""
    params = query.copy()
    params.setdefault("state", AWAITING)  # "All states" is an explicit empty state
    form = QueueFilterForm(params, **_queue_choices(user))
    nominations = scoping.review_queue_for(user)
    sort = "-score"
    if form.is_valid():
        data = form.cleaned_data
        if data["state"] == AWAITING:
            # What awaits a committee's decision has come before it: this part of the queue is
            # awaiting_decision_by() alone, which the (reviewing_unit, state) index answers,
            # without the queue's OR over the proposing and furthest units (tests/awards/
            # test_review_queue.py checks that the two agree).
            nominations = scoping.awaiting_decision_by(user)
        elif data["state"]:
            nominations = nominations.filter(state=data["state"])
        if data["movement"]:
            nominations = nominations.filter(round__movement=data["movement"])
        if data["round"]:
            nominations = nominations.filter(round=data["round"])
        if data["unit"]:
            nominations = nominations.filter(data["unit"].subtree_q("proposing_unit__"))
        if data["award_kind"]:
            nominations = nominations.filter(award_kind=data["award_kind"])
        if data["path"]:
            nominations = nominations.filter(quick=data["path"] == QUICK)
        sort = data["sort"] or sort
    else:
        nominations = nominations.none()
    return form, nominations.select_related(*LIST_RELATED).order_by(*SORTS[sort][1])


@login_required
def review_queue(request):
    """What came up to the committees where the user is a reviewer, awaiting decision first."""
    user = request.user
    is_reviewer = scoping.sits_on_a_committee(user)
    form, nominations = filtered_review_queue(user, request.GET)
    # The page's ids first, from the nomination table alone (the queue's scope, filters and
    # sort), then those 25 rows with their units, award and round. Joined before OFFSET …
    # LIMIT, PostgreSQL joined every dossier of the queue to six tables (a scan of every member)
    # to keep 25 (docs/benchmarks.md, "National scale"). The ids come from the scoped queue in
    # this request: the rows are read by id alone.
    page = page_or_404(request, nominations.values_list("pk", flat=True), PER_PAGE)
    ids = list(page.object_list)
    rows = Nomination.objects.select_related(*LIST_RELATED).only(*QUEUE_ROW_FIELDS).in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    if form.is_valid() and form.cleaned_data["state"] == AWAITING:
        # That page is awaiting_decision_by() itself: every row on it awaits the user's decision.
        awaiting_ids = {nomination.pk for nomination in page.object_list}
    else:
        awaiting_ids = set(
            scoping.awaiting_decision_by(user)
            .filter(pk__in=[n.pk for n in page.object_list])
            .order_by()
            .values_list("pk", flat=True)
        )
    for nomination in page.object_list:
        nomination.selectable = nomination.pk in awaiting_ids
    return render(
        request,
        "awards/review_queue.html",
        {
            "page_obj": page,
            "form": form,
            "is_reviewer": is_reviewer,
            "bulk_actions": BULK_ACTIONS,
            "any_selectable": bool(awaiting_ids),
        },
    )


@login_required
def review_queue_units(request):
    """The queue's unit filter, searched as the reviewer types: JSON, at most 20 units, only
    among the units the queue can be filtered by."""
    units = scoping.queue_units_for(request.user)
    return JsonResponse({"results": unit_search_results(units, request.GET.get("q", "")[:100])})


@login_required
@require_POST
def bulk_action(request):
    """Step 1 lists the selection and its count; step 2 (confirmed) acts on all or none."""
    user = request.user
    form = BulkActionForm(request.POST, nominations=scoping.awaiting_decision_by(user))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("awards:review_queue")
    data = form.cleaned_data
    selected = list(data["ids"].select_related(*LIST_RELATED).order_by("pk"))
    action = data["action"]
    permission = {
        "approve": "approve_nomination",
        "return": "return_nomination",
        "forward": "forward_nomination",
    }[action]
    refused = [n for n in selected if not services.may(user, permission, n)]
    if request.POST.get("confirmed") == "1" and not refused:
        try:
            if action == "approve":
                services.approve_nominations(selected, actor=user, comment=data["comment"])
            elif action == "return":
                services.return_nominations(selected, actor=user, reason=data["comment"])
            else:
                services.forward_nominations(selected, actor=user, comment=data["comment"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("%(action)s: done for %(count)d nomination(s).")
                % {"action": BULK_ACTIONS[action], "count": len(selected)},
            )
            return redirect("awards:review_queue")
    return render(
        request,
        "awards/bulk_confirm.html",
        {
            "form": form,
            "selected": selected,
            "refused": refused,
            "action_label": BULK_ACTIONS[action],
            "action": action,
        },
    )


@login_required
@require_POST
def nomination_start_review(request, pk):
    nomination = scoping.get_nomination_or_404(request.user, pk)
    if (response := guard(request, nomination, "start_review")) is not None:
        return response
    try:
        services.start_review(nomination, actor=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    return redirect(nomination)


DECISIONS = {
    # name: (action, service, reason required, title). The titles are lazy: this dict is
    # built at import, in no request's language.
    "approve": (
        "approve_nomination",
        services.approve_nomination,
        False,
        gettext_lazy("Approve"),
    ),
    "forward": (
        "forward_nomination",
        services.forward_nomination,
        False,
        gettext_lazy("Forward to the level above"),
    ),
    "return": (
        "return_nomination",
        services.return_nomination,
        True,
        gettext_lazy("Return for completion"),
    ),
    "reject": (
        "reject_nomination",
        services.reject_nomination,
        True,
        gettext_lazy("Reject"),
    ),
    "withdraw": (
        "withdraw_nomination",
        services.withdraw_nomination,
        False,
        gettext_lazy("Withdraw the nomination"),
    ),
}


def _decision(request, pk, name):
    nomination = scoping.get_nomination_or_404(request.user, pk)
    action, service, reason_required, title = DECISIONS[name]
    if (response := guard(request, nomination, action)) is not None:
        return response
    posted = request.POST if request.method == "POST" else None  # all fields may be empty
    form_class = ForwardForm if name == "forward" else CommentForm
    form = form_class(posted, reason_required=reason_required)
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["comment"]
        kwargs = {"reason": text} if reason_required else {"comment": text}
        if name == "forward":
            kwargs.update(
                signer_name=form.cleaned_data["signer_name"],
                signer_title=form.cleaned_data["signer_title"],
            )
        try:
            service(nomination, actor=request.user, **kwargs)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect(nomination)
        messages.success(
            request,
            _("%(action)s: done for %(nominee)s.")
            % {"action": title, "nominee": nomination.nominee_name},
        )
        return redirect(nomination)
    return render(
        request,
        "awards/nomination_action.html",
        {
            "nomination": nomination,
            "form": form,
            "title": title,
            "name": name,
            "quota": services.quota_before_sending(nomination) if name == "forward" else None,
        },
    )


@login_required
def nomination_approve(request, pk):
    return _decision(request, pk, "approve")


@login_required
def nomination_forward(request, pk):
    return _decision(request, pk, "forward")


@login_required
def nomination_return(request, pk):
    return _decision(request, pk, "return")


@login_required
def nomination_reject(request, pk):
    return _decision(request, pk, "reject")


# The proposer's withdrawal goes through the same confirmation page as the committee's decisions.
@login_required
def nomination_withdraw(request, pk):
    return _decision(request, pk, "withdraw")


@login_required
def nomination_scores(request, pk):
    user = request.user
    nomination = scoping.get_nomination_or_404(user, pk)
    if (response := guard(request, nomination, "review_nomination")) is not None:
        return response
    if nomination.quick:
        messages.info(
            request, _("A quick commendation has no scoring table: there is nothing to score.")
        )
        return redirect(nomination)
    if nomination.round.is_annual:
        messages.info(request, services.ANNUAL_ROUND_NOT_SCORED)
        return redirect(nomination)
    mine = {
        s.criterion_id: (s.points, s.comment)
        for s in nomination.review_scores.filter(reviewer=user)
    }
    form = ReviewScoreForm(
        request.POST if request.method == "POST" else None,
        criteria=services.criteria_for(nomination.round, nomination.award_kind.beneficiary),
        initial_scores=mine,
        own_scores={s.criterion_id: s for s in nomination.self_scores.all()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review_scores(nomination, actor=user, scores=form.scores())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your scores were saved."))
            return redirect(nomination)
    return render(
        request,
        "awards/review_scores.html",
        {"nomination": nomination, "form": form, "evidence": nomination.evidence.all()},
    )


@login_required
def nomination_vote(request, pk):
    user = request.user
    nomination = scoping.get_nomination_or_404(user, pk)
    if (response := guard(request, nomination, "review_nomination")) is not None:
        return response
    form = VoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.record_vote(nomination, actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if vote.passed:
                messages.success(request, _("The vote was recorded: it passed."))
            else:
                messages.warning(request, _("The vote was recorded: it did not pass."))
            return redirect(nomination)
    return render(request, "awards/vote_form.html", {"nomination": nomination, "form": form})


EXPORT_LIMIT = 50_000


def _score(value):
    return None if value is None else float(value)


@login_required
def review_queue_export(request):
    """The review queue with the page's filters and sort, every page of it, as .xlsx."""
    _form, nominations = filtered_review_queue(request.user, request.GET)
    nominations = nominations.select_related("nominee_member__unit", "round__movement")
    rows = (
        (
            number,
            nomination.nominee_name,
            str(
                Beneficiary.COLLECTIVE.label
                if nomination.is_collective
                else Beneficiary.INDIVIDUAL.label
            ),
            nomination.nominee_unit.name
            if nomination.is_collective
            else nomination.nominee_member.unit.name,
            nomination.award_kind.name,
            # A quick commendation has no movement: its kind, and the date of its deed.
            _("Quick commendation") if nomination.quick else nomination.round.movement.title,
            nomination.deed_date.strftime("%d/%m/%Y")
            if nomination.quick
            else nomination.round.name,
            nomination.proposing_unit.name,
            nomination.get_state_display(),
            nomination.reviewing_unit.name if nomination.reviewing_unit_id else "",
            _score(nomination.self_score_total),
            _score(nomination.review_score),
            timezone.localdate(nomination.submitted_at) if nomination.submitted_at else None,
        )
        for number, nomination in enumerate(
            nominations[:EXPORT_LIMIT].iterator(chunk_size=2000), start=1
        )
    )
    headers = [
        _("No."),
        _("Nominee"),
        _("Individual or collective"),
        _("Unit"),
        _("Proposed award"),
        _("Movement"),
        _("Round"),
        _("Proposing unit"),
        _("State"),
        _("Held by"),
        _("Self-assessed score"),
        _("Reviewers' average score"),
        _("Submitted on"),
    ]
    workbook = build_workbook(
        headers,
        rows,
        column_widths=[6, 30, 14, 36, 36, 40, 16, 36, 24, 30, 12, 12, 12],
        sheet_title=_("Review list"),
    )
    return xlsx_response(f"danh-sach-xet-duyet-{timezone.localdate():%Y%m%d}.xlsx", workbook)


@login_required
@require_POST
def nomination_conflict(request, pk):
    """A reviewer declares a conflict of interest: out of this nomination's review from now on."""
    nomination = scoping.get_nomination_or_404(request.user, pk)
    if (response := guard(request, nomination, "declare_conflict")) is not None:
        return response
    form = CommentForm(request.POST, reason_required=True)
    if not form.is_valid():
        messages.error(request, _("Say what the conflict of interest is."))
        return redirect(nomination)
    try:
        services.declare_conflict(
            nomination, actor=request.user, reason=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("Your conflict of interest is recorded: the committee reviews it without you."),
        )
    return redirect(nomination)
