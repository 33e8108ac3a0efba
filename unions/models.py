from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Sum, Value, When
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from unions import member_counts
from unions.text import fold, normalize_text, sort_key


def outermost_paths(paths):
    """Drop paths that lie inside another one: their subtree is already covered."""
    kept = []
    for path in sorted(paths, key=len):
        if not any(path.startswith(outer) for outer in kept):
            kept.append(path)
    return kept


class UnitLevel(models.TextChoices):
    CONFEDERATION = "confederation", _("Confederation")
    NATIONAL = "national", _("National sectoral union")
    PROVINCIAL = "provincial", _("Provincial / city union")
    UPPER_GRASSROOTS = "upper_grassroots", _("Upper-grassroots union")
    GRASSROOTS = "grassroots", _("Grassroots union")
    GROUP = "group", _("Union group")


# Members belong to grassroots unions and union groups only.
MEMBER_UNIT_LEVELS = (UnitLevel.GRASSROOTS, UnitLevel.GROUP)


class UnitQuerySet(MP_NodeQuerySet):
    def below_the_roots(self):
        """Every unit that has a parent (a root has depth 1: treebeard's convention)."""
        return self.exclude(depth=1)


def attach_member_counts(units):
    """Set member_count on each of `units` (active members in its whole subtree) and return
    them as a list: one query per distinct depth among them (one for a unit's children), and
    one per root.

    The counts come from the MemberCount rows (one per unit and gender, kept by the database),
    summed by each unit's path prefix in a single grouped query over the subtrees asked for:
    the prefixes are constants, so the path index finds the subtrees. (A correlated subquery
    per unit, `path LIKE outer.path || '%'`, compared each unit's path with every unit's: a
    join of the whole tree per unit, 3 s for the national union's 63 provinces.)
    """
    units = list(units)
    by_length = {}
    for unit in units:
        by_length.setdefault(len(unit.path), []).append(unit.path)
    totals = {}
    for length, paths in by_length.items():
        parents = {Unit.parent_path_of(path) for path in paths}
        if length == Unit.steplen:
            # Roots (the national officer's "My units", the tree's top): a root's subtree is
            # most of the counters, summed without joining each to its unit (within_q).
            for path in paths:
                rows = MemberCount.objects.filter(Unit.within_q([path], "unit"))
                totals[path] = rows.aggregate(total=Sum("count"))["total"]
            continue
        if len(paths) > 1 and len(parents) == 1 and "" not in parents:
            # Siblings (a unit's children): one range of the path index, the parent's subtree,
            # reads less than one range per child (0.07 s instead of 0.13 s for 64 provinces).
            subtrees = Q(unit__path__startswith=parents.pop())
        else:
            subtrees = Unit.subtrees_q(paths, prefix="unit__")
        rows = (
            MemberCount.objects.filter(subtrees)
            .annotate(top=Substr("unit__path", 1, length))
            .order_by()
            .values("top")
            .annotate(total=Sum("count"))
            .values_list("top", "total")
        )
        totals.update(rows)
    for unit in units:
        unit.member_count = totals.get(unit.path) or 0
    return units


def attach_cached_member_counts(units):
    """attach_member_counts for disjoint subtrees (scoping.top_units: the home page's "My
    units"), their totals kept in the cache under a version of the counters and the units' paths
    (member_counts.cached_totals): a province's total sums ~28,000 counter rows and the national
    union's all ~190,000 (15 to 50 ms on every home page, issue 13). On a miss, one query per
    root and one for all the other units, whatever their depths."""
    units = list(units)
    paths = sorted({unit.path for unit in units})
    if not paths:
        return units
    totals = member_counts.cached_totals(paths, lambda: _disjoint_subtree_totals(paths))
    for unit in units:
        unit.member_count = totals.get(unit.path) or 0
    return units


def _disjoint_subtree_totals(paths):
    """{path: active members of its subtree} for paths none of which lies within another."""
    totals = {}
    inner = []
    for path in paths:
        if len(path) == Unit.steplen:
            rows = MemberCount.objects.filter(Unit.within_q([path], "unit"))
            totals[path] = rows.aggregate(total=Sum("count"))["total"]
        else:
            inner.append(path)
    if inner:
        # Each counter row belongs to at most one of the subtrees: the first match is the one.
        top = Case(*(When(unit__path__startswith=path, then=Value(path)) for path in inner))
        rows = (
            MemberCount.objects.filter(Unit.subtrees_q(inner, prefix="unit__"))
            .annotate(top=top)
            .order_by()
            .values("top")
            .annotate(total=Sum("count"))
            .values_list("top", "total")
        )
        totals.update(rows)
    return totals


class UnitManager(MP_NodeManager):
    def get_queryset(self):
        return UnitQuerySet(self.model).order_by("path")

    def below_the_roots(self):
        return self.get_queryset().below_the_roots()


class NormalizedNames:
    """A model whose names (NAME_FIELDS) are stored as unions.text.normalize_text leaves them,
    and validated so: full_clean() normalises first, so that a required name made only of
    invisible characters is blank, and uniqueness is checked on the value that will be stored."""

    NAME_FIELDS = ()

    def normalize_names(self):
        for name in self.NAME_FIELDS:
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, normalize_text(value))

    def clean_fields(self, exclude=None):
        self.normalize_names()
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.normalize_names()
        super().save(*args, **kwargs)


class Unit(NormalizedNames, MP_Node):
    """A union in the tree. Depth varies by branch: nothing may assume a fixed depth.

    The materialized path makes "everything below this unit" one indexed prefix query, which is
    what every scope, report and dashboard asks.
    """

    steplen = 4  # up to 36**4 = 1.7 million children under one parent
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    level = models.CharField(_("level"), max_length=20, choices=UnitLevel.choices)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("A short unique code, e.g. CDVC-HN-001."),
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    agency = models.CharField(
        _("agency"),
        max_length=255,
        blank=True,
        help_text=_(
            "The agency or employer whose staff this union gathers, as a certificate prints it "
            "under a member's name, e.g. Sở Tư pháp thành phố Hà Nội."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The second line of the tree: a sectoral unit that guides this one (the Vietnam Civil
    # Servants' Union guides the civil servants' union of each city) without being its parent.
    # Its movements reach this unit's subtree, and their nominations travel up to it from here.
    guiding_unit = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guided_units",
        verbose_name=_("guided by"),
        help_text=_(
            "A sectoral union above this unit's level that guides it (the guidance line), "
            "besides its parent unit."
        ),
    )
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)

    objects = UnitManager()

    NAME_FIELDS = ("name", "short_name", "agency")

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            # "The units at or above a level" (the review queue's scope): a few dozen of 100,000.
            models.Index(fields=["depth"], name="unit_depth"),
            # A subtree's ids in path order, from the index alone (issue 13): within_q reads a
            # province as one range of it (the worklists and badges), and a province's member
            # search counts its first matches unit by unit, from its first units, instead of
            # reading the unit table from its start. PostgreSQL only: the pattern operator
            # class (LIKE 'path%') and INCLUDE are left out on SQLite.
            models.Index(
                fields=["path"],
                opclasses=["varchar_pattern_ops"],
                include=["id"],
                name="unit_subtree",
            ),
            # A unit's path by its id, from the index alone: the lists sorted by the path of
            # each row's unit (the national officer's registrations to send, 10,000 rows of
            # the country joined to their units) read it without visiting each unit's row.
            # PostgreSQL only (INCLUDE): on SQLite, a plain index on the id.
            models.Index(fields=["id"], include=["path"], name="unit_path_by_id"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalize_names()
        self.short_name = self.short_name or ""
        self.name_folded = fold(self.name)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("unions:unit_detail", args=[self.pk])

    def clean(self):
        super().clean()
        guide = self.guiding_unit if self.guiding_unit_id else None
        if guide is None:
            return
        levels = list(UnitLevel)
        if self.pk is not None and guide.pk == self.pk:
            message = _("A unit cannot guide itself.")
        elif self.path and guide.is_within(self.path):
            message = _("%(guide)s stands below this unit: it cannot guide it.")
        elif self.path and self.is_within(guide.path):
            message = _(
                "%(guide)s already stands above this unit on the administrative line: choose a "
                "sectoral union of another branch."
            )
        elif self.level and levels.index(UnitLevel(guide.level)) >= levels.index(
            UnitLevel(self.level)
        ):
            message = _("%(guide)s (%(level)s) is not at a higher level than this unit.")
        else:
            return
        raise ValidationError(
            {
                "guiding_unit": message
                % {"guide": guide.name, "level": guide.get_level_display().lower()}
            },
            code="guiding_unit",
        )

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def agency_name(self):
        """The agency a member of this unit works for: the recorded one, else the union's name
        without the words that make it a union ("Công đoàn cơ sở Sở Tư pháp" → "Sở Tư pháp")."""
        if self.agency:
            return self.agency
        for prefix in ("Công đoàn cơ sở ", "Công đoàn bộ phận ", "Tổ công đoàn ", "Công đoàn "):
            if self.name.casefold().startswith(prefix.casefold()) and len(self.name) > len(prefix):
                rest = self.name[len(prefix) :]
                return rest[:1].upper() + rest[1:]
        return self.name

    @property
    def holds_members(self):
        return self.level in MEMBER_UNIT_LEVELS

    # --- The geometry of the tree: the one place that knows how paths are built. ----------
    # A unit's path is its parent's path plus `steplen` characters; its depth is the number of
    # steps (the root has depth 1). Nothing else may slice paths or assume a depth.

    @classmethod
    def depth_of(cls, path):
        return len(path) // cls.steplen

    @classmethod
    def parent_path_of(cls, path):
        """The parent's path; empty for a root."""
        return path[: -cls.steplen]

    @classmethod
    def ancestor_paths_of(cls, path):
        """The paths from the root down to `path`, both included."""
        return [path[:end] for end in range(cls.steplen, len(path) + 1, cls.steplen)]

    @classmethod
    def subtrees_q(cls, paths, prefix=""):
        """A Q matching the units at or below any of `paths` (nothing for no paths).

        `prefix` is the lookup from the queried model to its unit, e.g. "unit__" for members or
        "proposing_unit__" for nominations. The subtree filter of every scope and report.
        """
        query = Q(pk__in=[])
        for path in outermost_paths(paths):
            query |= Q(**{f"{prefix}path__startswith": path})
        return query

    @classmethod
    def below_q(cls, path):
        """A Q matching the units strictly below the unit at `path`.

        Asked one depth at a time (`depth IN (d + 1, …)` up to the deepest a path can go), so
        that each depth is one range of the (depth, path) index `unit_children`, which carries
        the ids: with `depth > d`, PostgreSQL read every deeper unit of the country in that
        index to keep a province's 14,000 (issue 13: the review queue's scope).
        """
        deepest = cls._meta.get_field("path").max_length // cls.steplen
        return Q(path__startswith=path, depth__in=range(cls.depth_of(path) + 1, deepest + 1))

    @classmethod
    def within_q(cls, paths, field):
        """A Q matching the rows whose foreign key `field` points at a unit at or below any of
        `paths`: the rows of subtrees_q(paths, prefix=f"{field}__"), asked without a join.

        subtrees_q joins every row to its unit to test the unit's path, which PostgreSQL answers
        by hashing the whole unit table against every row of the queried table (400 ms for a
        national officer's badges at national scale, issue 13). Here a subtree is the set of
        its units' ids, read through the path index, and the rows come through `field`'s own
        index. A root's subtree is most of the tree: it is asked the other way round, "not a
        unit outside it" (the other roots' subtrees, usually none), so that the rows are read
        from the queried table's indexes alone.
        """
        query = Q(pk__in=[])
        inner = []
        for path in outermost_paths(paths):
            if cls.depth_of(path) > 1:
                inner.append(path)
                continue
            outside = Q(path__lt=path)
            after = cls._path_after_subtree(path)
            if after is not None:
                outside |= Q(path__gte=after)
            query |= Q(**{f"{field}__isnull": False}) & ~Q(
                **{f"{field}__in": cls.objects.filter(outside).values("pk")}
            )
        if inner:
            query |= Q(**{f"{field}__in": cls.objects.filter(cls.subtrees_q(inner)).values("pk")})
        return query

    @classmethod
    def within_joined_q(cls, paths, field):
        """The rows of within_q(paths, field), the subtrees below the roots asked as a join on
        the unit's path (subtrees_q): for a query that joins every row to its unit anyway, to
        sort by its path. The join's path then filters too, read with the id from the covering
        index `unit_subtree`, instead of a set of ids and a second visit to each row's unit.
        A root's subtree stays "not outside it": joined, it would hash the whole tree.
        """
        roots, inner = [], []
        for path in outermost_paths(paths):
            (roots if cls.depth_of(path) == 1 else inner).append(path)
        return cls.within_q(roots, field) | cls.subtrees_q(inner, prefix=f"{field}__")

    @classmethod
    def _path_after_subtree(cls, path):
        """The first path after every path starting with `path` (its next sibling's), or None
        when `path` is the last one its parent can hold."""
        key = cls._int2str(cls._str2int(path[-cls.steplen :]) + 1)
        if len(key) > cls.steplen:
            return None
        return path[: -cls.steplen] + key.rjust(cls.steplen, cls.alphabet[0])

    @classmethod
    def children_q(cls, paths, prefix=""):
        """A Q matching the units directly below any of `paths`."""
        query = Q(pk__in=[])
        for path in paths:
            query |= Q(
                **{f"{prefix}path__startswith": path, f"{prefix}depth": cls.depth_of(path) + 1}
            )
        return query

    @property
    def child_path_length(self):
        """The length of the paths of this unit's children."""
        return len(self.path) + Unit.steplen

    @property
    def parent_path(self):
        return Unit.parent_path_of(self.path)

    @property
    def ancestor_paths(self):
        return Unit.ancestor_paths_of(self.path)

    def subtree_q(self, prefix=""):
        """A Q matching this unit and everything below it (prefix: the lookup to the unit)."""
        return Unit.subtrees_q([self.path], prefix)

    def is_within(self, path):
        """Whether this unit lies at or below the unit at `path`."""
        return self.path.startswith(path)

    # --- The guidance line: the second relation of a unit, to a sectoral guiding unit. -------
    # A movement launched by a guiding unit G reaches every unit guided by G and their subtrees
    # (not G's own administrative subtree only); a submission in such a movement goes up the
    # administrative line to the guided unit, then to G (and from G up G's own line). Every
    # other movement keeps the administrative line.

    @classmethod
    def guided_ancestor_in(cls, unit, launching_unit):
        """The unit at or above `unit` that `launching_unit` guides, when a movement launched by
        `launching_unit` reaches `unit` through the guidance line only; None otherwise (the
        administrative line reaches it, or nothing does). One query."""
        if launching_unit is None or unit.is_within(launching_unit.path):
            return None
        return (
            cls.objects.filter(path__in=unit.ancestor_paths, guiding_unit_id=launching_unit.pk)
            .order_by("-depth")
            .first()
        )

    @classmethod
    def guides_above_q(cls, paths, prefix=""):
        """A Q matching the guiding units of the units at or above any of `paths`: the units
        whose movements reach those paths through the guidance line (`prefix`: the lookup from
        the queried model to the guiding unit, e.g. "launching_unit__")."""
        above = {ancestor for path in paths for ancestor in cls.ancestor_paths_of(path)}
        guides = cls.objects.filter(path__in=above, guiding_unit__isnull=False).values(
            "guiding_unit_id"
        )
        return Q(**{f"{prefix}pk__in": guides}) if above else Q(pk__in=[])

    def reached_by(self, launching_unit):
        """Whether a movement launched by `launching_unit` concerns this unit, on either line."""
        return self.is_within(launching_unit.path) or (
            Unit.guided_ancestor_in(self, launching_unit) is not None
        )

    def next_up_in(self, launching_unit, *, guided_unit_id=None):
        """The unit a submission from this unit goes to in a movement launched by
        `launching_unit`: the guiding unit when this is the guided unit where the guidance line
        starts (`guided_unit_id`), the parent otherwise (None at the root)."""
        if guided_unit_id is not None and guided_unit_id == self.pk:
            return launching_unit
        return Unit.objects.filter(path=self.parent_path).first() if self.parent_path else None

    def line_up_in(self, launching_unit):
        """(the units above this one on the way up in a movement launched by `launching_unit`,
        nearest first; the guided unit where the guidance line starts, or None). Three queries at
        most."""
        guided = Unit.guided_ancestor_in(self, launching_unit)
        if guided is None:
            above = Unit.objects.filter(path__in=self.ancestor_paths[:-1]).order_by("-depth")
            return list(above), None
        admin_part = Unit.objects.filter(
            path__in=self.ancestor_paths[:-1], depth__gte=guided.depth
        ).order_by("-depth")
        guide_line = Unit.objects.filter(path__in=launching_unit.ancestor_paths).order_by("-depth")
        return [*admin_part, *guide_line], guided


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("member status", "Active")
    TRANSFERRED = "transferred", pgettext_lazy("member status", "Transferred")
    LEFT = "left", pgettext_lazy("member status", "Left")


class MemberQuerySet(models.QuerySet):
    def search(self, text):
        """Accent- and case-insensitive search on the name and the card number."""
        folded = fold(text)
        if not folded:
            return self
        query = Q()
        for word in folded.split():
            query &= Q(name_folded__contains=word)
        return self.filter(query | Q(card_number__iexact=text.strip()))

    def in_vietnamese_order(self):
        return self.order_by("name_sort_key", "pk")


class Member(models.Model):
    """A union member (đoàn viên) of a grassroots unit or union group."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("unit")
    )
    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    position = models.CharField(_("position / job title"), max_length=150, blank=True)
    card_number = models.CharField(
        _("union card number"), max_length=32, null=True, blank=True, unique=True
    )
    joined_on = models.DateField(_("joined the union on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    name_folded = models.CharField(max_length=150, editable=False, db_index=True)
    name_sort_key = models.CharField(max_length=400, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        # A list in Vietnamese order walks one of these two, and a search tests its words on the
        # included columns: on PostgreSQL the walk reads the index alone, not the table
        # (issue 13: a province's search for "nguyen thi" reads some 20,000 entries to find its
        # page of 50, and the count of its first 500 matches goes unit by unit).
        indexes = [
            models.Index(
                fields=["name_sort_key", "id"],
                include=["unit", "name_folded", "card_number", "status"],
                name="member_name_order",
            ),
            models.Index(
                fields=["unit", "name_sort_key"],
                include=["name_folded", "card_number", "status"],
                name="member_unit_name_order",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded", "name_sort_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("unions:member_detail", args=[self.pk])

    def clean_fields(self, exclude=None):
        # Validate what will be stored: a name of invisible characters only is blank, and a
        # card number is unique once cleaned (else the save would fail on the constraint).
        self.prepare_for_save()
        super().clean_fields(exclude=exclude)

    def prepare_for_save(self):
        """Derive the stored forms of the name; bulk_create callers must call this themselves."""
        self.full_name = normalize_text(self.full_name)
        self.position = normalize_text(self.position) or ""
        self.card_number = normalize_text(self.card_number) or None
        self.name_folded = fold(self.full_name)
        self.name_sort_key = sort_key(self.full_name)


class MemberCount(models.Model):
    """How many active members a unit holds directly, by gender: what the dashboards and the
    tree add up instead of counting members.

    Kept by the database itself: triggers on unions_member (migration 0002) add and subtract on
    every insert, delete and change of unit, gender or status, whichever code wrote the row
    (the services, the import's bulk writes, the admin, seed_scale's COPY, the tests'
    factories). Nothing in Python writes these rows; `rebuild_member_counts()` recounts them
    from the members (after a load with the triggers disabled) and `member_count_problems()`
    compares them with a fresh count.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="member_counts")
    gender = models.CharField(max_length=10, choices=Gender.choices)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "gender"], name="one_member_count_per_gender")
        ]

    def __str__(self):
        return f"{self.unit_id} · {self.gender} · {self.count}"


class MemberTransfer(models.Model):
    """One move of a member between units: the history that a move keeps."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    moved_at = models.DateTimeField(default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("member transfer")
        verbose_name_plural = _("member transfers")
        ordering = ["-moved_at", "-pk"]

    def __str__(self):
        return f"{self.member} · {self.from_unit} → {self.to_unit}"


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    REVIEWER = "reviewer", _("Reviewer")
    CLERK = "clerk", _("Clerk")


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        today = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=today),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
            user__is_active=True,
        )


class RoleAssignment(models.Model):
    """A user holds a role at a unit, optionally for a period. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("unit")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="unique_role_per_user_and_unit"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="role_validity_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"


class Activity(models.Model):
    """One thing someone did in a unit's subtree: the audit trail and the activity page.

    Services write one row per change (in the same transaction as the change). `action` is a
    dotted name such as "member.moved" or "nomination.forwarded"; `summary` is what a person
    reads; `data` keeps the details (previous values, comments).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="activities")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.summary


class MemberImportStatus(models.TextChoices):
    VALIDATING = "validating", pgettext_lazy("import status", "Checking")
    REFUSED = "refused", pgettext_lazy("import status", "File refused")
    READY = "ready", pgettext_lazy("import status", "Checked")
    IMPORTING = "importing", pgettext_lazy("import status", "Importing")
    IMPORTED = "imported", pgettext_lazy("import status", "Imported")
    FAILED = "failed", pgettext_lazy("import status", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("import status", "Cancelled")


class MemberImport(models.Model):
    """One uploaded member list: checked first, written only when an officer confirms.

    The file itself is kept in the database (not on disk) so that a worker on another host can
    read it; it is emptied once the import is written or cancelled. `preview` holds what the
    check found (rows to create and update, errors as codes rendered in the reader's language);
    see unions.imports.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="member_imports", verbose_name=_("unit")
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_data = models.BinaryField(editable=False, default=bytes)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=MemberImportStatus.choices,
        default=MemberImportStatus.VALIDATING,
    )
    row_count = models.PositiveIntegerField(default=0)
    create_count = models.PositiveIntegerField(default=0)
    update_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("unions:member_import_detail", args=[self.pk])
