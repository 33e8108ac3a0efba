"""Admin pages for decisions, commendations and certificate templates: read here within the
user's scope; decisions drafted, issued and revoked only on the site; templates saved only
through commendations.services, by those commendations.rules lets edit them."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards.admin import NominationScopeMixin, _ReadOnlyInline
from commendations import documents, services
from commendations import scoping as commendation_scoping
from commendations.certificates.templating import MAX_SOURCE_LENGTH
from commendations.models import (
    CertificateTemplate,
    Commendation,
    Decision,
)
from unions import scoping as unions_scoping
from unions.models import Role, Unit


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
        return commendation_scoping.decisions_visible_to(request.user)


@admin.register(Commendation)
class CommendationAdmin(DecisionScopeMixin, admin.ModelAdmin):
    list_display = ["register_number", "awardee_name", "award_name", "decision", "revoked_at"]
    list_filter = ["register_year"]
    search_fields = ["awardee_name_folded", "decision__number"]
    list_select_related = ["decision"]
    exclude = ["nomination"]

    def get_queryset(self, request):
        return commendation_scoping.commendations_visible_to(request.user)


# --- Certificate templates --------------------------------------------------------------------


class CertificateTemplateAdminForm(forms.ModelForm):
    """A unit's own template (or, without a unit, the award kind's default): each save is a
    new version through commendations.services.save_certificate_template."""

    source = forms.CharField(
        label=gettext_lazy("Template (HTML and CSS)"),
        required=False,
        strip=False,
        max_length=MAX_SOURCE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField"}),
        help_text=gettext_lazy("Empty: follow the fallback (the default, then the shipped one)."),
    )
    user = None  # set by CertificateTemplateAdmin.get_form

    class Meta:
        model = CertificateTemplate
        fields = ["award_kind", "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["source"].initial = documents.own_template_source(
                self.instance.award_kind, self.instance.unit
            )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind, unit = (
            (self.instance.award_kind, self.instance.unit)
            if self.instance.pk
            else (data.get("award_kind"), data.get("unit"))
        )
        if kind is None:
            return data
        if (
            not self.instance.pk
            and CertificateTemplate.objects.filter(award_kind=kind, unit=unit).exists()
        ):
            raise ValidationError(_("This template exists already: change it instead."))
        template = services.template_for(kind, unit)
        if not self.user.has_perm("commendations.edit_certificate_template", template):
            raise ValidationError(
                _(
                    "You may edit only the templates of units where you are a clerk, for an "
                    "award kind their level grants, and the defaults of the award kinds your "
                    "unit owns."
                )
            )
        source = data.get("source") or ""
        if source.strip():
            services.check_template(source, kind, unit)
        return data


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(admin.ModelAdmin):
    """Read within the user's scope (commendations.scoping), changed only by those
    commendations.rules lets edit it, and only through the services: a save is a new version,
    nothing is deleted."""

    form = CertificateTemplateAdminForm
    list_display = ["award_kind", "unit", "created_at"]
    list_select_related = ["award_kind", "unit"]
    search_fields = ["award_kind__name_vi", "unit__name"]

    def get_queryset(self, request):
        return commendation_scoping.certificate_templates_visible_to(request.user).select_related(
            "award_kind__movement__launching_unit", "unit"
        )

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        if obj is None:
            return unions_scoping.is_superuser(request.user) or any(
                h.role == Role.CLERK for h in unions_scoping.held_roles(request.user)
            )
        return request.user.has_perm("commendations.edit_certificate_template", obj)

    def has_add_permission(self, request):
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # decisions are fixed to their versions: nothing is deleted

    def get_readonly_fields(self, request, obj=None):
        return ["award_kind", "unit", "version_history"] if obj is not None else []

    @admin.display(description=gettext_lazy("Versions"))
    def version_history(self, obj):
        versions = obj.versions.select_related("created_by").order_by("-number")
        return format_html_join(
            "\n",
            "<div>{} · {} · {} · {}</div>",
            (
                (
                    v.number,
                    v.get_origin_display(),
                    v.created_by or "—",
                    date_format(localtime(v.created_at), "SHORT_DATETIME_FORMAT"),
                )
                for v in versions
            ),
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_fields(self, request, obj=None):
        fields = ["award_kind", "unit", "source"]
        return [*fields, "version_history"] if obj is not None else fields

    def get_autocomplete_fields(self, request):
        # A clerk picks among their own few units; an administrator among every unit of the
        # country (100,000 at national scale): searched (UnitAdmin.search_fields), not listed.
        return ["unit"] if unions_scoping.is_superuser(request.user) else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            if unions_scoping.is_superuser(request.user):
                kwargs["queryset"] = Unit.objects.order_by("path")
            else:
                kwargs["queryset"] = unions_scoping.clerk_units(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        kind, unit = (obj.award_kind, obj.unit)
        services.save_certificate_template(
            kind, actor=request.user, unit=unit, source=form.cleaned_data.get("source") or ""
        )
        obj.pk = CertificateTemplate.objects.get(award_kind=kind, unit=unit).pk

    def save_related(self, request, form, formsets, change):
        pass  # the versions are written by the service, never by a formset
