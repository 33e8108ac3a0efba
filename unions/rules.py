"""Named django-rules predicates for the union tree, built on the scoping module.

Templates and views ask `user.has_perm("unions.manage_unit", unit)`; the answer comes from
unions.scoping, so that there is one definition of who may do what.
"""

import rules

from unions import scoping


@rules.predicate
def can_read_unit(user, unit):
    return unit is not None and scoping.can_read_unit(user, unit)


@rules.predicate
def can_manage_unit(user, unit):
    return unit is not None and scoping.can_manage_unit(user, unit)


@rules.predicate
def can_grant_roles_at(user, unit):
    return unit is not None and scoping.can_grant_roles_at(user, unit)


@rules.predicate
def can_manage_member(user, member):
    return member is not None and scoping.can_manage_member(user, member)


rules.add_perm("unions.view_unit_data", can_read_unit)
rules.add_perm("unions.manage_unit", can_manage_unit)
rules.add_perm("unions.grant_roles", can_grant_roles_at)
rules.add_perm("unions.manage_member", can_manage_member)
