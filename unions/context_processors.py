from django.utils.functional import SimpleLazyObject

from unions import nav_counts as counters
from unions import page_slots, scoping


def roles(request):
    """The signed-in user's current roles, for the navigation (one query, cached per request)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_roles": _RoleList(user)}


class _RoleList:
    """Evaluated only when a template reads it, so pages without navigation pay nothing."""

    def __init__(self, user):
        self.user = user
        self._items = None

    def _load(self):
        if self._items is None:
            from unions.models import Role

            held = scoping.held_roles(self.user)
            units = scoping.held_role_units(self.user)
            labels = dict(Role.choices)
            self._items = [
                {"role": h.role, "role_label": labels[h.role], "unit": units[h.unit_id]}
                for h in sorted(held, key=lambda h: (h.path, h.role))
                if h.unit_id in units
            ]
        return self._items

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())

    def __bool__(self):
        return bool(self._load())


def slots(request):
    """What the higher apps put on the union tree's pages (unions/page_slots.py)."""
    return {"page_slots": page_slots.all_slots()}


def nav_counts(request):
    """The counts of the navigation's badges (unions/nav_counts.py): one query, made only when
    a template reads one of them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_counts": SimpleLazyObject(lambda: counters.counts_for(user))}
