"""Who may act on units, members and role assignments: the permissions of the union tree.

Asked everywhere the same way, `user.has_perm("unions.<action>", obj)`: by views, templates,
the admin and the services. The other apps' permissions are built on these predicates. A
superuser holds every permission (Django's rule); everyone else holds what their current roles
give them (unions.scoping.held_roles):

- an officer of a unit manages it and everything below it (members, sub-units);
- accounts and roles at a unit are granted by an officer of a unit above it;
- whoever holds any role at a unit reads everything below it.
"""

import rules

from unions import scoping
from unions.models import Role


def holds_role_at(user, unit, role):
    """Whether the user holds `role` at exactly this unit (not above it)."""
    return unit is not None and any(
        h.role == role and h.unit_id == unit.pk for h in scoping.held_roles(user)
    )


def _within(unit, paths):
    return unit is not None and any(unit.is_within(path) for path in paths)


@rules.predicate
def reads_unit(user, unit):
    return _within(unit, scoping.role_paths(user))


@rules.predicate
def manages_unit(user, unit):
    return _within(unit, scoping.role_paths(user, Role.OFFICER))


@rules.predicate
def officer_above(user, unit):
    paths = scoping.role_paths(user, Role.OFFICER)
    return unit is not None and any(unit.is_within(p) and unit.path != p for p in paths)


@rules.predicate
def manages_members_unit(user, member):
    return member is not None and manages_unit(user, member.unit)


rules.add_perm("unions.view_unit_data", reads_unit)
rules.add_perm("unions.manage_unit", manages_unit)
rules.add_perm("unions.grant_roles", officer_above)
rules.add_perm("unions.manage_member", manages_members_unit)
