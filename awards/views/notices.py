"""Công khai: the public pages where an approving level posts its list before the decision, and
the committee's pages that post it and record and answer the objections it draws.

Thin, as the other awards pages: scoping, permissions and services do the work.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from awards import scoping, services
from awards.forms import AnswerForm, ObjectionForm, PublishNoticeForm
from awards.views.refusals import error_text
from movements import scoping as movements_scoping
from movements.models import AwardKind
from unions import scoping as unions_scoping
from unions.query_params import page_or_404

NOTICES_PER_PAGE = 20
NOMINEE_RELATED = ("nominee_member__unit", "nominee_unit", "proposing_unit", "round__movement")


def _nominees(notice):
    return notice.nominations.select_related(*NOMINEE_RELATED).order_by(
        "nominee_member__name_sort_key", "nominee_unit__name", "pk"
    )


# --- Public -----------------------------------------------------------------------------------


def public_notice_list(request):
    """Every list posted so far, the open ones first."""
    notices = (
        scoping.published_notices()
        .select_related("unit", "award_kind")
        .annotate(nominee_count=Count("nominations"))
        .order_by("-ends_on", "-pk")
    )
    return render(
        request,
        "awards/public_notice_list.html",
        {
            "page_obj": page_or_404(request, notices, NOTICES_PER_PAGE),
            "today": timezone.localdate(),
        },
    )


def public_notice(request, pk):
    notice = scoping.get_published_notice_or_404(pk)
    return render(
        request,
        "awards/public_notice.html",
        {
            "notice": notice,
            "nominations": _nominees(notice),
            "is_open": notice.is_open_on(timezone.localdate()),
        },
    )


# --- The approving committee ------------------------------------------------------------------


@login_required
def notice_list(request):
    """The lists the user's units posted, and what their committees may post now."""
    user = request.user
    notices = (
        scoping.notices_visible_to(user)
        .select_related("unit", "award_kind")
        .annotate(
            nominee_count=Count("nominations", distinct=True),
            open_objections=Count(
                "objections", filter=Q(objections__answered_at__isnull=True), distinct=True
            ),
        )
        .order_by("-opens_on", "-pk")
    )
    postable = []
    kinds = list(AwardKind.objects.filter(public_notice_days__gt=0))
    for unit in unions_scoping.reviewer_units(user).order_by("path"):
        for kind in kinds:
            if kind.is_granted_at(unit.level):
                count = services.notice_candidates(unit, kind).count()
                if count:
                    postable.append({"unit": unit, "kind": kind, "count": count})
    return render(
        request,
        "awards/notice_list.html",
        {
            "page_obj": page_or_404(request, notices, NOTICES_PER_PAGE),
            "postable": postable,
            "today": timezone.localdate(),
        },
    )


@login_required
def notice_new(request, unit_pk, kind_pk):
    unit = unions_scoping.get_unit_or_404(request.user, unit_pk)
    kind = movements_scoping.get_award_kind_or_404(request.user, kind_pk)
    if not request.user.has_perm("awards.publish_notice", unit):
        raise PermissionDenied
    candidates = services.notice_candidates(unit, kind).select_related(*NOMINEE_RELATED)
    form = PublishNoticeForm(
        request.POST or None,
        candidates=candidates.order_by("nominee_member__name_sort_key", "pk"),
        initial={"opens_on": timezone.localdate(), "nominations": candidates},
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.publish_notice(
                actor=request.user,
                unit=unit,
                award_kind=kind,
                nominations=form.cleaned_data["nominations"],
                opens_on=form.cleaned_data["opens_on"],
            )
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("The list is posted publicly from %(start)s to %(end)s.")
                % {"start": f"{notice.opens_on:%d/%m/%Y}", "end": f"{notice.ends_on:%d/%m/%Y}"},
            )
            return redirect("awards:notice_detail", pk=notice.pk)
    return render(request, "awards/notice_form.html", {"form": form, "unit": unit, "kind": kind})


@login_required
def notice_detail(request, pk):
    notice = scoping.get_notice_or_404(request.user, pk)
    may_handle = request.user.has_perm("awards.handle_objections", notice)
    objections = notice.objections.select_related(
        "nomination__nominee_member", "nomination__nominee_unit", "recorded_by", "answered_by"
    )
    return render(
        request,
        "awards/notice_detail.html",
        {
            "notice": notice,
            "nominations": _nominees(notice),
            "objections": objections,
            "may_handle": may_handle,
            "form": ObjectionForm(notice=notice, initial={"received_on": timezone.localdate()})
            if may_handle
            else None,
            "answer_form": AnswerForm() if may_handle else None,
            "is_open": notice.is_open_on(timezone.localdate()),
        },
    )


def _require_handler(request, notice):
    if not request.user.has_perm("awards.handle_objections", notice):
        raise PermissionDenied


@login_required
@require_POST
def objection_new(request, pk):
    notice = scoping.get_notice_or_404(request.user, pk)
    _require_handler(request, notice)
    form = ObjectionForm(request.POST, notice=notice)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("awards:notice_detail", pk=notice.pk)
    try:
        services.record_objection(notice, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The objection is recorded; answer it before the decision."))
    return redirect("awards:notice_detail", pk=notice.pk)


@login_required
@require_POST
def objection_answer(request, pk, objection_pk):
    objection = scoping.get_objection_or_404(request.user, pk, objection_pk)
    _require_handler(request, objection.notice)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
    else:
        try:
            services.answer_objection(
                objection, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The answer is recorded."))
    return redirect("awards:notice_detail", pk=objection.notice_id)
