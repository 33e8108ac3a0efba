"""Who may see and act on which units and members: the one place that answers it.

Every view, admin page, export and task asks these functions; nothing re-implements them.
The other apps build their own scopes on top (nominations, decisions) through `Unit.subtrees_q()`.

The three scopes of a user, from their current role assignments:
- managed units: the unit where they are an officer, and everything below it;
- reviewed units: the children of the unit where they are a reviewer (the level above reviews
  what comes up from the units directly below);
- readable units: everything below any unit where they hold any role (reports, lists).

The guidance line (Unit.guiding_unit) gives no scope here: a guiding union reads nothing of
the units it guides. What comes to it along that line (its movements' registrations and
nominations) is the other apps' scopes, built on the line's geometry on Unit.

A superuser reads and manages everything. An object outside a user's readable scope does not
exist for them: views answer 404, never 403, so that no one learns what lies outside.
403 is for an object a user may read but not change.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from unions.models import (
    MEMBER_UNIT_LEVELS,
    Member,
    MemberImport,
    Role,
    RoleAssignment,
    Unit,
    UnitLevel,
    outermost_paths,
)


@dataclass(frozen=True)
class HeldRole:
    role: str
    unit_id: int
    path: str
    level: str


def held_roles(user):
    """The user's current roles, read once per user object (one query per request)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cached = getattr(user, "_held_roles", None)
    if cached is None:
        cached = tuple(
            HeldRole(role, unit_id, path, level)
            for role, unit_id, path, level in RoleAssignment.objects.current()
            .filter(user=user)
            .values_list("role", "unit_id", "unit__path", "unit__level")
        )
        user._held_roles = cached
    return cached


def forget_roles(user):
    """Drop the cached roles after a change of assignments within the same request."""
    user.__dict__.pop("_held_roles", None)
    user.__dict__.pop("_held_role_units", None)


def held_role_units(user):
    """{id: unit} of the units where the user holds a current role, read once per user object:
    the navigation's "my roles" and the home page's top units share the query."""
    cached = getattr(user, "_held_role_units", None)
    if cached is None:
        cached = Unit.objects.in_bulk({held.unit_id for held in held_roles(user)})
        user._held_role_units = cached
    return cached


def role_paths(user, *roles):
    """The paths of the units where the user holds any of `roles` (all roles when none given)."""
    return {held.path for held in held_roles(user) if not roles or held.role in roles}


# The largest id a row may have (the BIGINT of BigAutoField).
MAX_ID = 2**63 - 1


def is_id(value):
    """Whether `value`, as a page or a form sends it, can be the id of a row: a positive integer
    within BIGINT. Anything else names nothing, and must not reach the database: SQLite cannot
    even bind an integer past 64 bits (OverflowError)."""
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID


def get_or_404(queryset, pk):
    """The object with this pk in `queryset` (a user's scope), or 404 as if it did not exist.

    Every get_<thing>_or_404(user, pk) of the project is this over its scope's queryset; a
    malformed pk is "not found" too, never a 500.
    """
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_superuser(user):
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


# --- Units ----------------------------------------------------------------------------------


def readable_units(user):
    """Units whose data the user may read: the subtree of every unit where they hold a role."""
    if is_superuser(user):
        return Unit.objects.all()
    return Unit.objects.filter(Unit.subtrees_q(role_paths(user)))


def managed_units(user):
    """Units the user manages as an officer: their unit and everything below it."""
    if is_superuser(user):
        return Unit.objects.all()
    return Unit.objects.filter(Unit.subtrees_q(role_paths(user, Role.OFFICER)))


def reviewed_units(user):
    """Units whose submissions the user reviews: the children of their reviewer units."""
    if is_superuser(user):
        return Unit.objects.below_the_roots()
    return Unit.objects.filter(Unit.children_q(role_paths(user, Role.REVIEWER)))


def reviewer_units(user):
    """The units where the user sits on the reviewing committee."""
    return _role_units(user, Role.REVIEWER)


def clerk_units(user):
    """The units where the user is a clerk (issues decisions, prints certificates)."""
    return _role_units(user, Role.CLERK)


def officer_units(user):
    """The units where the user is an officer (not the units below them)."""
    return _role_units(user, Role.OFFICER)


def _role_units(user, role):
    return Unit.objects.filter(pk__in={h.unit_id for h in held_roles(user) if h.role == role})


def grantable_units(user):
    """The units where the user may give roles: strictly below a unit where they are an officer."""
    if is_superuser(user):
        return Unit.objects.all()
    officer_paths = role_paths(user, Role.OFFICER)
    return Unit.objects.filter(Unit.subtrees_q(officer_paths)).exclude(path__in=officer_paths)


def possible_guides(user):
    """The units a user may name as a unit's guiding unit: the sectoral unions (national level)
    and the units they read, above the grassroots. Unions.services and Unit.clean check the
    rest (a higher level, another branch)."""
    units = Unit.objects.exclude(level__in=MEMBER_UNIT_LEVELS)
    if is_superuser(user):
        return units
    return units.filter(Q(level=UnitLevel.NATIONAL) | Unit.subtrees_q(role_paths(user)))


def users_visible_to(user):
    """The accounts the user may see: those holding a current role in their readable subtree."""
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.all()
    if is_superuser(user):
        return accounts
    held_below = RoleAssignment.objects.current().filter(
        Unit.subtrees_q(role_paths(user), prefix="unit__")
    )
    return accounts.filter(pk__in=held_below.values("user_id"))


def top_units(user):
    """The highest units the user can read: where their tree view starts."""
    if is_superuser(user):
        return Unit.objects.get_root_nodes()
    return Unit.objects.filter(path__in=outermost_paths(role_paths(user))).order_by("path")


def top_units_of_roles(user):
    """The units of top_units(user) as a list in path order, taken from held_role_units (no
    query of their own when the navigation has read them)."""
    if is_superuser(user):
        return list(top_units(user))
    outermost = set(outermost_paths(role_paths(user)))
    units = [unit for unit in held_role_units(user).values() if unit.path in outermost]
    return sorted(units, key=lambda unit: unit.path)


def get_unit_or_404(user, pk):
    """The unit with this pk if the user may read it; 404 otherwise, as if it did not exist."""
    return get_or_404(readable_units(user), pk)


# --- Members --------------------------------------------------------------------------------


def readable_members(user):
    if is_superuser(user):
        return Member.objects.all()
    return Member.objects.filter(Unit.subtrees_q(role_paths(user), prefix="unit__"))


def readable_members_below(user, unit):
    """The members at or below `unit` that the user may read: all of them when the unit lies in
    their readable scope (its subtree then does too), none otherwise.

    The same rows as `readable_members(user)` within the unit's subtree, with one path filter
    instead of two: PostgreSQL multiplies the selectivities of the two (equal) prefix filters and
    expects a province's 100,000 members to be 15,000, which sends it to the wrong plan.
    """
    if is_superuser(user) or any(unit.is_within(path) for path in role_paths(user)):
        return Member.objects.filter(unit__path__startswith=unit.path)
    return Member.objects.none()


def managed_members(user):
    if is_superuser(user):
        return Member.objects.all()
    return Member.objects.filter(Unit.subtrees_q(role_paths(user, Role.OFFICER), prefix="unit__"))


def get_member_or_404(user, pk):
    return get_or_404(readable_members(user).select_related("unit"), pk)


# --- Role assignments -----------------------------------------------------------------------


def get_role_assignment_or_404(user, pk):
    query = RoleAssignment.objects.select_related("unit", "user")
    if not is_superuser(user):
        query = query.filter(Unit.subtrees_q(role_paths(user), prefix="unit__"))
    return get_or_404(query, pk)


# --- Member imports -------------------------------------------------------------------------


def member_imports_visible_to(user):
    """Imports into the units the user may read (the file itself is not loaded)."""
    imports = MemberImport.objects.defer("file_data")
    if is_superuser(user):
        return imports
    return imports.filter(Unit.subtrees_q(role_paths(user), prefix="unit__"))


def get_member_import_or_404(user, pk):
    return get_or_404(
        member_imports_visible_to(user).select_related("unit", "created_by", "confirmed_by"), pk
    )
