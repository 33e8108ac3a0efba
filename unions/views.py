from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unions import scoping, services
from unions.forms import (
    ActivityFilterForm,
    InvitationForm,
    MemberForm,
    MemberSearchForm,
    MoveMemberForm,
)
from unions.models import (
    Activity,
    Gender,
    Member,
    MemberCount,
    MemberStatus,
    Unit,
    attach_cached_member_counts,
    attach_member_counts,
)
from unions.paging import bounded_page_or_404
from unions.query_params import choice_or_404, page_or_404
from unions.spreadsheets import build_workbook, xlsx_response

MEMBERS_PER_PAGE = 50
CHILDREN_PER_PAGE = 100


def unit_ancestors(user, unit):
    """The unit's ancestors, top first, for the breadcrumbs (one query).

    Units above the user's scope are named but not linked: their pages would answer 404.
    """
    ancestors = list(Unit.objects.get_ancestors(unit))
    for ancestor in ancestors:
        ancestor.readable = user.has_perm("unions.view_unit_data", ancestor)
    return ancestors


def _require(allowed):
    if not allowed:
        raise PermissionDenied


@login_required
def home(request):
    user = request.user
    units = attach_cached_member_counts(scoping.top_units_of_roles(user))
    return render(request, "unions/home.html", {"top_units": units})


@login_required
def unit_tree(request):
    units = attach_member_counts(scoping.top_units(request.user))
    return render(request, "unions/unit_tree.html", {"units": units})


@login_required
def unit_children(request, pk):
    """The children of a unit, as a fragment for the lazy-expanding tree."""
    unit = scoping.get_unit_or_404(request.user, pk)
    children = attach_member_counts(Unit.objects.get_children(unit)[:CHILDREN_PER_PAGE])
    return render(
        request,
        "unions/_unit_children.html",
        {"units": children, "more": unit.numchild > CHILDREN_PER_PAGE, "parent": unit},
    )


@login_required
def unit_detail(request, pk):
    user = request.user
    unit = scoping.get_unit_or_404(user, pk)
    # The unit is readable, so is its whole subtree: its active members are the counters' sum
    # (a province's ~30,000 counter rows, not its ~100,000 members).
    totals = MemberCount.objects.filter(unit__path__startswith=unit.path).aggregate(
        members=Coalesce(Sum("count"), 0),
        women=Coalesce(Sum("count", filter=Q(gender=Gender.FEMALE)), 0),
    )
    children_page = page_or_404(request, Unit.objects.get_children(unit), CHILDREN_PER_PAGE)
    children_page.object_list = attach_member_counts(children_page.object_list)
    roles = (
        unit.role_assignments.current().select_related("user").order_by("role", "user__username")
    )
    return render(
        request,
        "unions/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit_ancestors(user, unit),
            "children_page": children_page,
            "totals": totals,
            "women_share": (100 * totals["women"] / totals["members"]) if totals["members"] else 0,
            "roles": roles,
            "can_manage": user.has_perm("unions.manage_unit", unit),
            "can_grant": user.has_perm("unions.grant_roles", unit),
        },
    )


def filtered_members(user, unit, params):
    """The members the list page shows for these GET parameters (search, status); `unit` is
    one the user may read (scoping.get_unit_or_404)."""
    members = scoping.readable_members_below(user, unit)
    status = choice_or_404(params, "status", MemberStatus.values)
    if status:
        members = members.filter(status=status)
    form = MemberSearchForm(params)
    if form.is_valid() and form.cleaned_data["q"]:
        members = members.search(form.cleaned_data["q"])
    return members.select_related("unit").in_vietnamese_order()


@login_required
def member_list(request, pk):
    user = request.user
    unit = scoping.get_unit_or_404(user, pk)
    form = MemberSearchForm(request.GET)
    status = request.GET.get("status")
    members = filtered_members(user, unit, request.GET)
    # A province reads ~100,000 members: counted up to COUNT_CAP (500), not every one, and
    # paged on ids (the walk reads an index, not the table; unions.models.Member's indexes).
    page = bounded_page_or_404(
        request,
        members.values_list("pk", flat=True),
        MEMBERS_PER_PAGE,
        rows=lambda ids: (
            Member.objects.filter(pk__in=ids).select_related("unit").in_vietnamese_order()
        ),
    )
    return render(
        request,
        "unions/member_list.html",
        {
            "unit": unit,
            "ancestors": unit_ancestors(user, unit),
            "page_obj": page,
            "form": form,
            "status": status,
            "statuses": MemberStatus.choices,
            "show_unit_column": not unit.is_leaf(),
            "can_manage": user.has_perm("unions.manage_unit", unit),
        },
    )


@login_required
def member_create(request, pk):
    user = request.user
    unit = scoping.get_unit_or_404(user, pk)
    _require(user.has_perm("unions.manage_unit", unit))
    if not unit.holds_members:
        messages.error(request, _("Members are added to a grassroots union or a union group."))
        return redirect(unit)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.create_member(unit=unit, actor=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": member.full_name})
            return redirect(member)
    return render(
        request,
        "unions/member_form.html",
        {"form": form, "unit": unit, "ancestors": unit_ancestors(user, unit), "member": None},
    )


@login_required
def member_detail(request, pk):
    user = request.user
    member = scoping.get_member_or_404(user, pk)
    transfers = member.transfers.select_related("from_unit", "to_unit", "moved_by")
    return render(
        request,
        "unions/member_detail.html",
        {
            "member": member,
            "unit": member.unit,
            "ancestors": unit_ancestors(user, member.unit),
            "transfers": transfers,
            "can_manage": user.has_perm("unions.manage_member", member),
        },
    )


@login_required
def member_edit(request, pk):
    user = request.user
    member = scoping.get_member_or_404(user, pk)
    _require(user.has_perm("unions.manage_member", member))
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_member(member, actor=user, **changes)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(member)
    return render(
        request,
        "unions/member_form.html",
        {
            "form": form,
            "unit": member.unit,
            "ancestors": unit_ancestors(user, member.unit),
            "member": member,
        },
    )


@login_required
def member_move(request, pk):
    user = request.user
    member = scoping.get_member_or_404(user, pk)
    _require(user.has_perm("unions.manage_member", member))
    form = MoveMemberForm(
        request.POST or None, units=scoping.managed_units(user).exclude(pk=member.unit_id)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.move_member(
                member,
                to_unit=form.cleaned_data["to_unit"],
                actor=user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s now belongs to %(unit)s.")
                % {"name": member.full_name, "unit": form.cleaned_data["to_unit"].name},
            )
            return redirect("unions:member_detail", pk=member.pk)
    return render(
        request,
        "unions/member_move.html",
        {
            "form": form,
            "member": member,
            "unit": member.unit,
            "ancestors": unit_ancestors(user, member.unit),
        },
    )


@login_required
def unit_roles(request, pk):
    """Who holds which role at a unit; an officer of a level above invites new accounts."""
    user = request.user
    unit = scoping.get_unit_or_404(user, pk)
    can_grant = user.has_perm("unions.grant_roles", unit)
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        _require(can_grant)
        if form.is_valid():
            data = form.cleaned_data
            try:
                invited = services.invite_user(
                    username=data["username"],
                    email=data["email"],
                    full_name=data["full_name"],
                    unit=unit,
                    role=data["role"],
                    actor=user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The account %(username)s was created and an invitation sent to %(email)s.")
                    % {"username": invited.username, "email": invited.email},
                )
                return redirect("unions:unit_roles", pk=unit.pk)
    roles = unit.role_assignments.select_related("user").order_by("role", "user__username")
    return render(
        request,
        "unions/unit_roles.html",
        {
            "unit": unit,
            "ancestors": unit_ancestors(user, unit),
            "roles": roles,
            "form": form,
            "can_grant": can_grant,
        },
    )


@login_required
@require_POST
def role_revoke(request, pk):
    assignment = scoping.get_role_assignment_or_404(request.user, pk)
    _require(request.user.has_perm("unions.grant_roles", assignment.unit))
    services.revoke_role(assignment, actor=request.user)
    messages.success(request, _("The role was removed."))
    return redirect("unions:unit_roles", pk=assignment.unit_id)


ACTIVITIES_PER_PAGE = 50


def unit_activity_queryset(unit, params):
    """The unit's subtree activity, filtered by `params`; also used by the export."""
    form = ActivityFilterForm(params)
    activities = Activity.objects.filter(unit__path__startswith=unit.path)
    if form.is_valid():
        activities = form.filter(activities)
    return form, activities.select_related("actor", "unit")


@login_required
def unit_activity(request, pk):
    """Who did what and when in the unit's subtree, from the activity rows services write."""
    user = request.user
    unit = scoping.get_unit_or_404(user, pk)
    form, activities = unit_activity_queryset(unit, request.GET)
    page = page_or_404(request, activities, ACTIVITIES_PER_PAGE)
    return render(
        request,
        "unions/unit_activity.html",
        {"unit": unit, "ancestors": unit_ancestors(user, unit), "form": form, "page_obj": page},
    )


ACTIVITY_EXPORT_LIMIT = 50_000


@login_required
def unit_activity_export(request, pk):
    """The activity page's rows, with its filters, as .xlsx."""
    user = request.user
    unit = scoping.get_unit_or_404(user, pk)
    _form, activities = unit_activity_queryset(unit, request.GET)
    rows = (
        (
            activity.created_at,
            activity.actor.get_username() if activity.actor else "",
            activity.unit.name,
            activity.action,
            activity.summary,
        )
        for activity in activities[:ACTIVITY_EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    workbook = build_workbook(
        [_("Time"), _("User"), _("Unit"), _("Action"), _("What")],
        rows,
        column_widths=[18, 18, 40, 24, 80],
        sheet_title=_("Activity"),
    )
    return xlsx_response(f"hoat-dong-{unit.code}.xlsx", workbook)
