from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from unions import scoping, services
from unions.models import Activity, Member, MemberTransfer, RoleAssignment, Unit


class ScopedAdminMixin:
    """Admin pages show a staff user only what unions.scoping lets them read.

    `unit_lookup` is the path from the model to its unit ("" for Unit itself). Reading follows
    the user's readable subtree; changing needs an officer's management of the object's unit.
    Superusers see and change everything. Staff accounts need no Django model permissions: the
    roles held in the tree decide, as on the site.
    """

    unit_lookup = "unit__"

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
        return scoping.is_superuser(request.user)


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, TreeAdmin):
    unit_lookup = ""
    form = movenodeform_factory(Unit)
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
    raw_id_fields = ["unit"]
    inlines = [MemberTransferInline]

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


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "unit", "valid_from", "valid_until"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "unit__name", "unit__code"]
    list_select_related = ["user", "unit"]
    raw_id_fields = ["user", "unit"]


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
