"""Admin pages for movements and registrations, scoped as the site is and saved through the
services: a staff user sees what movements.scoping lets them see, changes what they manage, and
every change is checked and recorded exactly as on the site."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from movements import scoping, services
from movements.forms import CriterionForm, DateTimeInput, RoundForm, formset_specs
from movements.models import (
    AwardKind,
    BaseSalary,
    Criterion,
    Movement,
    MovementState,
    Registration,
    RegistrationTransition,
    Round,
)
from unions import scoping as unit_scoping
from unions.admin import BoundedCountPaginator
from unions.text import fold


def _is_staff(request):
    return request.user.is_active and request.user.is_staff


class RoundInline(admin.StackedInline):
    # The round form carries one deadline field per level: the deadlines are edited with their
    # round, as on the site, rather than in an inline nested two levels deep.
    model = Round
    form = RoundForm
    extra = 0
    # One text field per moment, as the deadline fields are (not the admin's split widget).
    formfield_overrides = {
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": DateTimeInput}
    }

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.state != MovementState.CLOSED

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    extra = 0

    # Once a movement is launched, nominations are scored on its criteria: they are fixed.
    def has_change_permission(self, request, obj=None):
        return obj is None or obj.state == MovementState.DRAFT

    has_add_permission = has_change_permission
    has_delete_permission = has_change_permission


@admin.register(Movement)
class MovementAdmin(admin.ModelAdmin):
    list_display = ["code", "title_vi", "launching_unit", "kind", "state", "starts_on", "ends_on"]
    list_filter = ["state", "kind", "launching_unit__level"]
    search_fields = ["code", "title_vi", "title_en", "legal_basis"]
    list_select_related = ["launching_unit"]
    readonly_fields = ["state", "launched_at", "closed_at", "created_by"]
    inlines = [RoundInline, CriterionInline]
    actions = ["launch_selected", "close_selected"]

    def get_queryset(self, request):
        return scoping.visible_movements(request.user)

    def get_readonly_fields(self, request, obj=None):
        # The launching unit is fixed once the movement exists: its subtree takes part.
        return [*self.readonly_fields, "launching_unit"] if obj else self.readonly_fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "launching_unit":
            kwargs["queryset"] = scoping.launchable_units(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request)

    def has_add_permission(self, request):
        return _is_staff(request) and scoping.launchable_units(request.user).exists()

    def has_change_permission(self, request, obj=None):
        if not _is_staff(request):
            return False
        if obj is None:
            return unit_scoping.is_superuser(request.user) or bool(
                unit_scoping.managed_units(request.user).exists()
            )
        return obj.state != MovementState.CLOSED and request.user.has_perm(
            "movements.manage_movement", obj
        )

    def has_delete_permission(self, request, obj=None):
        return unit_scoping.is_superuser(request.user)

    # --- Saving through the services ------------------------------------------------------

    # The admin saves the form, then its inlines; here both go to one service call, so that a
    # refusal (a rule of the services) leaves everything as it was.
    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        specs = {Round: None, Criterion: None}
        for formset in formsets:
            specs[formset.model] = formset_specs(formset) or None
        fields = {
            name: form.cleaned_data[name]
            for name in (form.changed_data if change else form.cleaned_data)
            if name in services.MOVEMENT_FIELDS
        }
        try:
            if change:
                services.update_movement(
                    form.instance,
                    actor=request.user,
                    rounds=specs[Round],
                    criteria=specs[Criterion],
                    **fields,
                )
            else:
                created = services.create_movement(
                    actor=request.user,
                    launching_unit=form.cleaned_data["launching_unit"],
                    rounds=specs[Round] or (),
                    criteria=specs[Criterion] or (),
                    **fields,
                )
                form.instance.pk, form.instance.state = created.pk, created.state
        except ValidationError as error:
            request._movement_refused = True
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    def log_addition(self, request, obj, message):
        if not getattr(request, "_movement_refused", False):
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if not getattr(request, "_movement_refused", False):
            return super().log_change(request, obj, message)

    def construct_change_message(self, request, form, formsets, add=False):
        # The inlines are saved by the services, not by formset.save(); the activity rows
        # record what changed in them.
        return super().construct_change_message(request, form, [], add)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_movement_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "_movement_refused", False):
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # --- Actions --------------------------------------------------------------------------

    def _transition(self, request, queryset, service, done):
        count = 0
        for movement in queryset:
            try:
                service(movement, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                reason = " ".join(error.messages) if isinstance(error, ValidationError) else ""
                self.message_user(
                    request,
                    _("%(code)s was not changed. %(reason)s")
                    % {"code": movement.code, "reason": reason or _("You do not manage it.")},
                    messages.ERROR,
                )
            else:
                count += 1
        if count:
            self.message_user(request, done(count), messages.SUCCESS)

    @admin.action(description=gettext_lazy("Launch the selected movements"))
    def launch_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.launch_movement,
            lambda n: (
                ngettext("%(n)d movement launched.", "%(n)d movements launched.", n) % {"n": n}
            ),
        )

    @admin.action(description=gettext_lazy("Close the selected movements"))
    def close_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            services.close_movement,
            lambda n: ngettext("%(n)d movement closed.", "%(n)d movements closed.", n) % {"n": n},
        )


class VisibleMovementFilter(admin.SimpleListFilter):
    """Filter by movement, offering only the movements the staff user may see."""

    title = gettext_lazy("movement")
    parameter_name = "movement"

    def lookups(self, request, model_admin):
        movements = scoping.visible_movements(request.user).order_by("code")
        return [(str(m.pk), f"{m.code} · {m.title}") for m in movements]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(round__movement_id=self.value())
        return queryset


class TransitionInline(admin.TabularInline):
    model = RegistrationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_state", "to_state", "comment"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Registrations are made on the site; here they are read, and approved in bulk."""

    list_display = ["__str__", "unit", "member", "round", "target_award", "state", "submitted_at"]
    list_filter = ["state", VisibleMovementFilter]
    search_fields = ["member__name_folded", "member__card_number", "unit__name", "unit__code"]
    list_select_related = ["unit", "member", "round__movement", "target_award"]
    inlines = [TransitionInline]
    actions = ["approve_selected"]
    # Hundreds of thousands of rows nationally: no whole-table COUNT, a bounded one.
    show_full_result_count = False
    paginator = BoundedCountPaginator

    def get_queryset(self, request):
        return scoping.registrations_visible_to(request.user)

    def get_search_results(self, request, queryset, search_term):
        # Names are searched on their accent-free form, as on the site.
        term = search_term.strip()
        if not term:
            return queryset, False
        folded = fold(term)
        return (
            queryset.filter(
                Q(member__name_folded__contains=folded)
                | Q(member__card_number__iexact=term)
                | Q(unit__name_folded__contains=folded)
                | Q(unit__code__iexact=term)
            ),
            False,
        )

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a registration and its history are the record; it is returned instead

    @admin.action(description=gettext_lazy("Approve the selected registrations"))
    def approve_selected(self, request, queryset):
        try:
            approved = services.approve_registrations(list(queryset), actor=request.user)
        except PermissionDenied:
            self.message_user(
                request,
                _(
                    "Nothing was approved: some of the selected registrations are not yours to "
                    "decide."
                ),
                messages.ERROR,
            )
        except ValidationError as error:
            self.message_user(
                request,
                _("Nothing was approved: %(reason)s") % {"reason": " ".join(error.messages)},
                messages.ERROR,
            )
        else:
            count = len(approved)
            self.message_user(
                request,
                ngettext(
                    "%(count)d registration approved.", "%(count)d registrations approved.", count
                )
                % {"count": count},
                messages.SUCCESS,
            )


# --- Award kinds ----------------------------------------------------------------------------


class AwardKindAdminForm(forms.ModelForm):
    """Checked as the services check it: the user must keep the kind as it becomes (a kind moved
    onto a movement they do not manage is refused here, with the rule, not later as a 403)."""

    user_doing_it = None  # set by AwardKindAdmin.get_form

    def clean(self):
        data = super().clean()
        if not self.errors and not self.user_doing_it.has_perm(
            "movements.keep_award_kind", AwardKind(movement=data.get("movement"))
        ):
            raise ValidationError(
                _(
                    "Only the officers of the Confederation keep the catalogue of award kinds; "
                    "a movement's own award kind is kept by those who manage the movement."
                )
            )
        return data


@admin.register(AwardKind)
class AwardKindAdmin(admin.ModelAdmin):
    """Award kinds are rules kept as data: every staff user reads them; those who keep them
    (movements.keep_award_kind) change them, through movements.services with an activity row.
    A kind is retired by its "valid until" date, never deleted."""

    form = AwardKindAdminForm
    list_display = [
        "code",
        "name_vi",
        "category",
        "beneficiary",
        "granting_level",
        "movement",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["category", "beneficiary", "grantor", "granting_level", "movement"]
    search_fields = ["code", "name_vi", "name_en", "legal_basis"]
    list_select_related = ["movement"]
    raw_id_fields = ["movement"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name_vi",
                    "name_en",
                    "certificate_title",
                    "category",
                    "beneficiary",
                    "movement",
                ]
            },
        ),
        (
            gettext_lazy("Who grants it, on what basis, when"),
            {
                "fields": [
                    "grantor",
                    "granting_level",
                    "other_granting_level",
                    "legal_basis",
                    "valid_from",
                    "valid_until",
                ]
            },
        ),
        (
            gettext_lazy("Council vote rule"),
            {
                "fields": [
                    "vote_quorum",
                    "vote_threshold",
                    "vote_denominator",
                    "public_notice_days",
                ]
            },
        ),
        (
            gettext_lazy("Prize money"),
            {"fields": ["prize_amount", "prize_coefficient", "prize_basis"]},
        ),
        (
            gettext_lazy("Prerequisite"),
            {"fields": ["prerequisite_kind", "prerequisite_years"]},
        ),
        (
            gettext_lazy("Quotas"),
            {
                "fields": [
                    "quota_share",
                    "quota_base",
                    "quota_base_kind",
                    "cap_per_unit_per_round",
                    "cap_per_round",
                    "quota_basis",
                    "quota_illustrative",
                ]
            },
        ),
        (
            gettext_lazy("One achievement, one award; the dossier"),
            {"fields": ["combinable", "scope", "requires_assessment"]},
        ),
    ]

    def get_queryset(self, request):
        return scoping.award_kinds_visible_to(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user_doing_it": request.user})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "movement":  # a movement's own kind: one the user manages
            kwargs["queryset"] = scoping.visible_movements(request.user).filter(
                launching_unit__in=unit_scoping.managed_units(request.user)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        if not _is_staff(request):
            return False
        return request.user.has_perm("movements.keep_award_kind", None) or (
            scoping.launchable_units(request.user).exists()
        )

    def has_change_permission(self, request, obj=None):
        if not _is_staff(request):
            return False
        if obj is None:
            return self.has_add_permission(request)
        return request.user.has_perm("movements.keep_award_kind", obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name]
            for name in (form.changed_data if change else form.cleaned_data)
            if name in services.AWARD_KIND_FIELDS
        }
        if change:
            saved = services.update_award_kind(obj, actor=request.user, **fields)
        else:
            saved = services.create_award_kind(actor=request.user, **fields)
        obj.pk = saved.pk


@admin.register(BaseSalary)
class BaseSalaryAdmin(admin.ModelAdmin):
    """The base salary from a date, as data with its basis: prizes given as a coefficient
    multiply the one in force on the decision's date."""

    list_display = ["valid_from", "amount", "round_up_to", "basis"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)
