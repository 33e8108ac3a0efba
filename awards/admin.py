from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards import scoping, services
from awards.models import (
    CouncilVote,
    Evidence,
    Nomination,
    NominationTransition,
    ReviewScore,
    SelfScore,
)
from unions.admin import ScopedAdminMixin


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(_ReadOnlyInline):
    model = NominationTransition
    fields = ["at", "actor", "from_state", "to_state", "at_unit", "to_unit", "comment"]
    readonly_fields = fields


class SelfScoreInline(_ReadOnlyInline):
    model = SelfScore
    fields = ["criterion", "points", "comment"]
    readonly_fields = fields


class ReviewScoreInline(_ReadOnlyInline):
    model = ReviewScore
    fields = ["unit", "reviewer", "criterion", "points", "comment"]
    readonly_fields = fields


class CouncilVoteInline(_ReadOnlyInline):
    model = CouncilVote
    fields = [
        "unit",
        "meeting_date",
        "members_total",
        "present",
        "votes_for",
        "votes_against",
        "abstain",
        "quorum_met",
        "passed",
    ]
    readonly_fields = fields


class EvidenceInline(_ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


class NominationScopeMixin(ScopedAdminMixin):
    """Read exactly what the site shows (awards.scoping); never changed in place, and never
    deleted: a nomination and its history are the record of what was proposed and decided."""

    unit_lookup = "proposing_unit__"

    def get_queryset(self, request):
        return scoping.nominations_visible_to(request.user)

    def _unit_of(self, obj):
        return obj.proposing_unit

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(NominationScopeMixin, admin.ModelAdmin):
    """Nominations are read here; their states change only through the services, which the
    actions below call exactly as the pages do."""

    list_display = [
        "__str__",
        "state",
        "award_kind",
        "round",
        "proposing_unit",
        "reviewing_unit",
        "self_score_total",
        "submitted_at",
    ]
    list_filter = ["state", "quick", "award_kind", "round__movement"]
    search_fields = ["nominee_member__name_folded", "nominee_unit__name", "proposing_unit__name"]
    list_select_related = [
        "award_kind",
        "round__movement",
        "proposing_unit",
        "reviewing_unit",
        "nominee_member",
        "nominee_unit",
    ]
    date_hierarchy = "created_at"
    inlines = [
        SelfScoreInline,
        ReviewScoreInline,
        CouncilVoteInline,
        EvidenceInline,
        TransitionInline,
    ]
    actions = ["approve_selected", "forward_selected", "return_selected"]

    def _run(self, request, queryset, service, done_message, **kwargs):
        nominations = list(queryset.select_related("proposing_unit", "nominee_member"))
        try:
            service(nominations, actor=request.user, **kwargs)
        except PermissionDenied:
            self.message_user(
                request,
                _("You do not review every selected nomination at the unit that holds it."),
                messages.ERROR,
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done_message % {"count": len(nominations)})

    @admin.action(description=gettext_lazy("Approve the selected nominations"))
    def approve_selected(self, request, queryset):
        self._run(
            request, queryset, services.approve_nominations, _("Approved %(count)d nomination(s).")
        )

    @admin.action(description=gettext_lazy("Forward the selected nominations to the level above"))
    def forward_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            services.forward_nominations,
            _("Forwarded %(count)d nomination(s)."),
        )

    @admin.action(description=gettext_lazy("Return the selected nominations for completion"))
    def return_selected(self, request, queryset):
        """Asks for the reasons on an intermediate page, then returns them all with it."""
        reason = (request.POST.get("reason") or "").strip()
        if request.POST.get("confirmed") == "1" and reason:
            self._run(
                request,
                queryset,
                services.return_nominations,
                _("Returned %(count)d nomination(s)."),
                reason=reason,
            )
            return None
        return TemplateResponse(
            request,
            "awards/admin/return_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Return the selected nominations for completion"),
                "nominations": queryset.select_related("award_kind", "proposing_unit"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
                "missing_reason": request.POST.get("confirmed") == "1",
            },
        )


@admin.register(NominationTransition)
class NominationTransitionAdmin(NominationScopeMixin, admin.ModelAdmin):
    """The history of every nomination in the staff user's subtree (read-only)."""

    unit_lookup = "nomination__proposing_unit__"
    list_display = ["at", "nomination", "from_state", "to_state", "at_unit", "actor"]
    list_filter = ["to_state"]
    list_select_related = ["nomination__nominee_member", "nomination__nominee_unit",
                           "nomination__award_kind", "at_unit", "actor"]  # fmt: skip
    search_fields = ["comment", "nomination__nominee_member__name_folded"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        visible = scoping.nominations_visible_to(request.user)
        return NominationTransition.objects.filter(nomination__in=visible.values("pk"))

    def _unit_of(self, obj):
        return obj.nomination.proposing_unit
