"""Admin pages for decisions and commendations: read here within the user's scope, drafted,
issued and revoked only on the site, through commendations.services."""

from django.contrib import admin

from awards.admin import NominationScopeMixin, _ReadOnlyInline
from commendations import scoping
from commendations.models import Commendation, Decision


class DecisionScopeMixin(NominationScopeMixin):
    """Read through the issuing unit's subtree, as on the site; drafted and issued on the site."""

    unit_lookup = "issuing_unit__"

    def _unit_of(self, obj):
        return obj.issuing_unit

    def has_delete_permission(self, request, obj=None):
        return False


class CommendationInline(_ReadOnlyInline):
    model = Commendation
    fields = ["register_number", "awardee_name", "unit_name", "job_title", "revoked_at"]
    readonly_fields = fields


@admin.register(Decision)
class DecisionAdmin(DecisionScopeMixin, admin.ModelAdmin):
    list_display = ["number", "date", "issuing_unit", "award_kind", "state", "render_state"]
    list_filter = ["state", "render_state", "award_kind"]
    search_fields = ["number", "issuing_unit__name"]
    list_select_related = ["issuing_unit", "award_kind"]
    exclude = ["nominations"]
    inlines = [CommendationInline]

    def get_queryset(self, request):
        return scoping.decisions_visible_to(request.user)


@admin.register(Commendation)
class CommendationAdmin(DecisionScopeMixin, admin.ModelAdmin):
    list_display = ["register_number", "awardee_name", "award_name", "decision", "revoked_at"]
    list_filter = ["register_year"]
    search_fields = ["awardee_name_folded", "decision__number"]
    list_select_related = ["decision"]
    exclude = ["nomination"]

    def get_queryset(self, request):
        return scoping.commendations_visible_to(request.user)
