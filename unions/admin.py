from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from treebeard.admin import TreeAdmin

from unions import scoping, services
from unions.models import (
    MEMBER_UNIT_LEVELS,
    Activity,
    Member,
    MemberTransfer,
    RoleAssignment,
    Unit,
)


def _as_form_error(check):
    """Run a service's check: its ValidationError stays a form error, and a PermissionDenied
    becomes one too (the form shows what may not be done instead of a bare 403)."""
    try:
        check()
    except PermissionDenied:
        raise ValidationError(
            _("You may not make this change here: it lies outside the units you manage.")
        ) from None


class BoundedCountPaginator(Paginator):
    """The admin's paginator for tables of a million rows: it counts at most LIMIT + 1 rows
    (`SELECT COUNT(*) FROM (... LIMIT 10001)`), never the whole filtered table. Past that the
    changelist says "10,001" results and links the first 10,000 rows' pages; a search or a filter
    narrows the list."""

    LIMIT = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.LIMIT + 1].count()


class ScopedAdminMixin:
    """Admin pages show a staff user only what unions.scoping lets them read.

    `unit_lookup` is the path from the model to its unit ("" for Unit itself). Reading follows
    the user's readable subtree; changing needs an officer's management of the object's unit.
    Superusers see and change everything. Staff accounts need no Django model permissions: the
    roles held in the tree decide, as on the site.

    The changelists are usable on the national tables: no second COUNT of the whole table
    (show_full_result_count) and a bounded count of the filtered one.
    """

    unit_lookup = "unit__"
    show_full_result_count = False
    paginator = BoundedCountPaginator

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if scoping.is_superuser(request.user):
            return queryset
        paths = scoping.role_paths(request.user)
        return queryset.filter(Unit.subtrees_q(paths, prefix=self.unit_lookup))

    def _unit_of(self, obj):
        return obj if self.unit_lookup == "" else obj.unit

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or request.user.has_perm("unions.view_unit_data", self._unit_of(obj))

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return (
                scoping.is_superuser(request.user) or scoping.managed_units(request.user).exists()
            )
        return request.user.has_perm("unions.manage_unit", self._unit_of(obj))

    def has_add_permission(self, request):
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Nothing is deleted behind the services' back, not even by a superuser: members leave
        # (a status), units are deactivated, history stays. An admin that deletes says how.
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A choice list shows what the user manages, never the whole tree or every account.
        if db_field.related_model is Unit:
            kwargs.setdefault("queryset", scoping.managed_units(request.user).order_by("path"))
        elif db_field.related_model is get_user_model():
            kwargs.setdefault(
                "queryset", scoping.users_visible_to(request.user).order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UnitAdminForm(forms.ModelForm):
    """A unit and where it stands; saved through unions.services (create, update, move)."""

    parent = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        required=False,
        label=gettext_lazy("Parent unit"),
        help_text=gettext_lazy("The unit directly above it, among those you manage."),
    )
    user = None  # set by UnitAdmin.get_form

    class Meta:
        model = Unit
        fields = ["name", "short_name", "code", "level", "is_active", "guiding_unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guiding_unit"].queryset = scoping.possible_guides(self.user).order_by("path")
        parents = scoping.managed_units(self.user)
        if self.instance.pk:
            self.saved = Unit.objects.get(pk=self.instance.pk)
            current = Unit.objects.filter(path=self.saved.parent_path)
            self.fields["parent"].initial = current.first()
            parents = parents | current  # where it stands now, even above the user's units
        self.fields["parent"].queryset = parents.order_by("path")
        if not scoping.is_superuser(self.user):
            self.fields["parent"].required = True

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        parent = data.get("parent")
        if not self.instance.pk:
            _as_form_error(
                lambda: services.check_create_unit(
                    parent=parent, actor=self.user, level=data.get("level")
                )
            )
            return data
        _as_form_error(
            lambda: services.check_update_unit(
                self.saved,
                actor=self.user,
                level=data.get("level"),
                guide_changes="guiding_unit" in self.changed_data,
            )
        )
        if "parent" in self.changed_data and parent is not None:
            _as_form_error(
                lambda: services.check_move_unit(self.saved, to_parent=parent, actor=self.user)
            )
        return data


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, TreeAdmin):
    unit_lookup = ""
    form = UnitAdminForm
    list_display = ["name", "code", "level", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "code", "short_name", "name_folded"]

    def get_queryset(self, request):
        # Treebeard's tree view starts at the roots of the whole tree; a staff user's tree starts
        # at their own top units. Deeper levels and searches are filtered by the mixin.
        at_top_of_tree = (
            getattr(request, "_treebeard_parent_id", "unset") is None
            and not getattr(request, "_ignore_treebeard_filters", False)
            and not self.is_filtered(request)
        )
        if at_top_of_tree and not scoping.is_superuser(request.user):
            request._treebeard_parent = None
            return scoping.top_units(request.user)
        return super().get_queryset(request)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fields(self, request, obj=None):
        return ["parent", *UnitAdminForm.Meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False  # a unit is deactivated, never deleted: its history stays

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in UnitAdminForm.Meta.fields}
        if not change:
            created = services.create_unit(parent=data["parent"], actor=request.user, **fields)
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
            return
        unit = services.update_unit(
            form.saved,
            actor=request.user,
            **{name: value for name, value in fields.items() if name in form.changed_data},
        )
        if "parent" in form.changed_data and data["parent"] is not None:
            services.move_unit(unit, to_parent=data["parent"], actor=request.user)

    def move_node(self, request):
        """The tree's drag and drop, through unions.services.move_unit like the form."""
        try:
            unit = scoping.get_unit_or_404(request.user, request.POST.get("node"))
            target = scoping.get_unit_or_404(request.user, request.POST.get("target"))
        except Http404:  # unknown, or outside the user's tree: said the same way
            return HttpResponseBadRequest(_("Unknown unit."))
        relation = request.POST.get("relation")
        if relation == "sibling":
            target = Unit.objects.filter(path=target.parent_path).first()
        if relation not in ("child", "sibling") or target is None:
            return HttpResponseBadRequest(_("Unknown position."))
        try:
            services.move_unit(unit, to_parent=target, actor=request.user)
        except PermissionDenied:
            messages.error(request, _("You may not move this unit there."))
            return HttpResponseBadRequest(_("You may not move this unit there."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseBadRequest(" ".join(error.messages))
        messages.info(
            request,
            _("Moved %(unit)s under %(parent)s.") % {"unit": unit.name, "parent": target.name},
        )
        return HttpResponse("OK")


class MemberTransferInline(admin.TabularInline):
    model = MemberTransfer
    fk_name = "member"
    extra = 0
    can_delete = False
    readonly_fields = ["from_unit", "to_unit", "moved_at", "moved_by", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["full_name", "unit", "gender", "date_of_birth", "card_number", "status"]
    list_filter = ["status", "gender", "unit__level"]
    search_fields = ["name_folded", "card_number", "full_name"]
    list_select_related = ["unit"]
    # A province manages 1,500 grassroots unions: searched (UnitAdmin.search_fields), not listed.
    autocomplete_fields = ["unit"]
    inlines = [MemberTransferInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # members belong to grassroots unions and union groups
            kwargs["queryset"] = (
                scoping.managed_units(request.user)
                .filter(level__in=MEMBER_UNIT_LEVELS)
                .order_by("path")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        # The folded name makes the admin's search accent-insensitive, like the site's.
        return queryset.search(search_term), False

    def save_model(self, request, obj, form, change):
        # Through the services, as on the site: checks, the transfer history, the activity rows.
        fields = {name: form.cleaned_data[name] for name in form.changed_data if name != "unit"}
        if not change:
            created = services.create_member(unit=obj.unit, actor=request.user, **fields)
            obj.pk = created.pk
            return
        member = Member.objects.get(pk=obj.pk)
        if fields:
            member = services.update_member(member, actor=request.user, **fields)
        if "unit" in form.changed_data:
            services.move_member(member, to_unit=form.cleaned_data["unit"], actor=request.user)


class RoleAssignmentAdminForm(forms.ModelForm):
    """A role at a unit; given and taken back through unions.services (grant_role, revoke_role),
    checked on the unit it is moved to as well as on the unit it leaves."""

    user_doing_it = None  # set by RoleAssignmentAdmin.get_form

    class Meta:
        model = RoleAssignment
        fields = ["user", "unit", "role", "valid_from", "valid_until"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        actor = self.user_doing_it
        _as_form_error(lambda: services.check_grant_role(unit=data["unit"], actor=actor))
        if self.instance.pk:
            saved = RoleAssignment.objects.select_related("unit").get(pk=self.instance.pk)
            _as_form_error(lambda: services.check_grant_role(unit=saved.unit, actor=actor))
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = RoleAssignmentAdminForm
    list_display = ["user", "role", "unit", "valid_from", "valid_until"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    autocomplete_fields = ["unit"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user_doing_it": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # roles are given strictly below one's own unit
            kwargs["queryset"] = scoping.grantable_units(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return scoping.grantable_units(request.user).exists()
        return request.user.has_perm("unions.grant_roles", obj.unit)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        grant = {
            "user": data["user"],
            "unit": data["unit"],
            "role": data["role"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
        }
        if change:
            saved = RoleAssignment.objects.select_related("user", "unit").get(pk=obj.pk)
            moved = (saved.user_id, saved.unit_id, saved.role) != (
                data["user"].pk,
                data["unit"].pk,
                data["role"],
            )
            if moved:
                services.revoke_role(saved, actor=request.user)
        assignment = services.grant_role(actor=request.user, **grant)
        obj.pk = assignment.pk

    def delete_model(self, request, obj):
        services.revoke_role(obj, actor=request.user)

    @transaction.atomic  # all of the selection or, one refused by revoke_role, none of it
    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user", "unit"):
            services.revoke_role(assignment, actor=request.user)


@admin.register(Activity)
class ActivityAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "summary", "unit"]
    list_filter = ["action"]
    search_fields = ["summary", "actor__username"]
    list_select_related = ["actor", "unit"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False  # the audit trail is read-only

    def has_add_permission(self, request):
        return False
