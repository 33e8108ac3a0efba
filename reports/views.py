"""Dashboards of a movement over a unit's subtree, and the public honour roll.

Who sees a dashboard: whoever may read the unit (unions.scoping) and the movement
(movements.scoping); anything else answers 404. The numbers come from reports.dashboards.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from awards.models import Nomination
from commendations import scoping as commendations_scoping
from movements import scoping as movements_scoping
from movements.models import Registration
from reports import dashboards, honour_roll
from reports.forms import DashboardFilterForm, HonourRollFilterForm
from unions import scoping as unions_scoping
from unions.query_params import page_or_404
from unions.views import unit_ancestors

# --- Dashboards -------------------------------------------------------------------------------

# The tables of the units below show this many a page: a province federation has 1,450 units
# directly below it, and rendering every row was most of the page's time (issue 13).
CHILDREN_PER_PAGE = 50


@login_required
def dashboard_index(request):
    """The movements the user may read, each linking to its dashboard."""
    movements = (
        movements_scoping.visible_movements(request.user)
        .select_related("launching_unit")
        .order_by("-starts_on", "code")
    )
    page = page_or_404(request, movements, 25)
    return render(request, "reports/dashboards/index.html", {"page_obj": page})


def _entry_unit(user, movement):
    """Where a movement's dashboard opens: at the launching unit for those who read it, else at
    the highest unit the user reads that the movement reaches (in its subtree, or along the
    guidance line below a unit it guides)."""
    launching = movement.launching_unit
    if user.has_perm("unions.view_unit_data", launching):
        return launching
    tops = unions_scoping.top_units(user).order_by("depth", "path")
    return next((unit for unit in tops if unit.reached_by(launching)), None)


@login_required
def movement_dashboard(request, pk):
    user = request.user
    movement = movements_scoping.get_movement_or_404(user, pk)
    unit = _entry_unit(user, movement)
    if unit is None:
        raise Http404
    return redirect(f"{reverse('reports:unit_dashboard', args=[unit.pk])}?movement={movement.pk}")


def _movement_taken_part_in(unit, movements):
    """Of `movements`, the most recent one the unit's subtree registered for (else nominated
    in): the dashboard opens on a movement with data rather than on an empty one."""
    for model, prefix in ((Registration, "unit__"), (Nomination, "proposing_unit__")):
        found = (
            model.objects.filter(unit.subtree_q(prefix), round__movement__in=movements)
            .order_by("-round__movement__starts_on", "-round__movement__pk")
            .values_list("round__movement", flat=True)
            .first()
        )
        if found is not None:
            return movements.get(pk=found)
    return None


@login_required
def unit_dashboard(request, pk):
    """A movement's numbers over the unit's subtree: charts with their tables."""
    user = request.user
    unit = unions_scoping.get_unit_or_404(user, pk)
    movements = movements_scoping.movements_concerning(user, unit)
    params = request.GET.copy()
    if not params.get("movement"):
        first = _movement_taken_part_in(unit, movements) or movements.first()
        if first is not None:
            params["movement"] = str(first.pk)
    form = DashboardFilterForm(params, movements=movements)
    dashboard = children_page = None
    if params.get("movement") and form.is_valid():
        scope = dashboards.Scope(
            movement=form.cleaned_data["movement"], unit=unit, round=form.cleaned_data["round"]
        )
        dashboard = dashboards.build(scope)
        # The rows are already in memory (the totals and the charts need them all): a page of
        # them costs no query.
        children_page = page_or_404(request, dashboard.children, CHILDREN_PER_PAGE)
    return render(
        request,
        "reports/dashboards/dashboard.html",
        {
            "unit": unit,
            "ancestors": unit_ancestors(user, unit),
            "form": form,
            "dashboard": dashboard,
            "children_page": children_page,
            "charts": dashboard.charts() if dashboard else None,
            "no_movement": not params.get("movement"),
        },
    )


# --- The public honour roll -------------------------------------------------------------------

HONOUR_ROLL_PER_PAGE = 30


def _roll_page(request, commendations, key, version):
    """The page of a roll that ?page= asks for, its length and its rows from the cache (`key`
    names the roll and its filters; None: an invalid filter, an empty roll)."""
    if key is None:
        return page_or_404(request, commendations.none(), HONOUR_ROLL_PER_PAGE, count=0)
    count = honour_roll.cached_count(commendations, key, version)
    page = page_or_404(request, commendations, HONOUR_ROLL_PER_PAGE, count=count)
    page.object_list = honour_roll.cached_page(
        commendations.order_by(*honour_roll.ROLL_ORDER), key, page, version
    )
    return page


def public_movement_list(request):
    """Every launched movement, each linking to its honour roll. No sign-in needed."""
    version = honour_roll.version()
    page = page_or_404(request, honour_roll.public_movements(), 25)
    honoured = honour_roll.honoured_counts(version)
    for movement in page.object_list:
        movement.honoured = honoured.get(movement.pk, 0)
    return render(
        request,
        "reports/honour_roll/index.html",
        {"page_obj": page, "quick_honoured": honoured.get(None, 0)},
    )


def movement_honour_roll(request, pk):
    """The people and collectives a movement honoured, as their units chose to publish them."""
    version = honour_roll.version()
    movement = unions_scoping.get_or_404(honour_roll.public_movements(), pk)
    commendations = commendations_scoping.published_commendations(movement)
    years = honour_roll.published_years(movement, version)
    form = HonourRollFilterForm(request.GET or None, movement=movement, years=years)
    key = f"{movement.pk}"
    if form.is_bound and form.is_valid():
        if form.cleaned_data["unit"]:
            unit = form.cleaned_data["unit"]
            commendations = commendations.filter(unit.subtree_q("nomination__proposing_unit__"))
        if form.cleaned_data["year"]:
            commendations = commendations.filter(register_year=form.cleaned_data["year"])
        key = f"{movement.pk}:{getattr(form.cleaned_data['unit'], 'pk', '')}:"
        key += f"{form.cleaned_data['year'] or ''}"
    elif form.is_bound:
        commendations = commendations.none()
        key = None
    page = _roll_page(request, commendations, key, version)
    return render(
        request,
        "reports/honour_roll/movement.html",
        {"movement": movement, "form": form, "page_obj": page},
    )


def quick_honour_roll(request):
    """The people and collectives honoured by quick commendations (khen thưởng đột xuất), for a
    deed outside any movement, as their units chose to publish them."""
    version = honour_roll.version()
    commendations = commendations_scoping.published_quick_commendations()
    years = honour_roll.published_years(None, version)
    form = HonourRollFilterForm(request.GET or None, movement=None, years=years)
    key = "quick"
    if form.is_bound and form.is_valid():
        if form.cleaned_data["year"]:
            commendations = commendations.filter(register_year=form.cleaned_data["year"])
        key = f"quick:{form.cleaned_data['year'] or ''}"
    elif form.is_bound:
        commendations = commendations.none()
        key = None
    page = _roll_page(request, commendations, key, version)
    return render(request, "reports/honour_roll/quick.html", {"form": form, "page_obj": page})
