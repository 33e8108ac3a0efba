"""Pages of the member import (upload, preview, confirm) and the member list export."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from unions import imports, scoping
from unions.forms import BootstrapFormMixin
from unions.models import Gender, Member, MemberImportStatus, MemberStatus
from unions.query_params import choice_or_404, page_or_404
from unions.spreadsheets import xlsx_response
from unions.views import filtered_members, unit_ancestors

PREVIEW_ROWS_PER_PAGE = 50
RECENT_IMPORTS = 10
MAX_EXPORT_ROWS = 50_000


class MemberImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet of members (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _managed_unit(user, pk):
    unit = scoping.get_unit_or_404(user, pk)
    _require(user.has_perm("unions.manage_unit", unit))
    return unit


def _column_help():
    notes = {
        "full_name": _("Required."),
        "gender": _("Required: Nam, Nữ or Khác (Male, Female, Other)."),
        "date_of_birth": _("dd/mm/yyyy, or a date cell."),
        "position": "",
        "card_number": _("Unique. A card number of a member of this unit updates that member."),
        "joined_on": _("dd/mm/yyyy, or a date cell."),
        "status": _(
            "Đang sinh hoạt, Đã chuyển đi or Đã thôi sinh hoạt (Active, Transferred, Left); "
            "empty: active."
        ),
    }
    return [(column, notes[column.field]) for column in imports.COLUMNS]


@login_required
def member_import(request, pk):
    """Upload a spreadsheet of members into a unit; it is checked before anything is written."""
    user = request.user
    unit = _managed_unit(user, pk)
    if not unit.holds_members:
        messages.error(request, _("Members are added to a grassroots union or a union group."))
        return redirect(unit)
    form = MemberImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_FILE_BYTES:
                raise imports.FileRefused("too_large", max=imports.MAX_FILE_BYTES // (1024 * 1024))
            member_import = imports.create_member_import(
                unit=unit, actor=user, file_name=upload.name, data=upload.read()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect(member_import)
    recent = (
        scoping.member_imports_visible_to(user)
        .filter(unit=unit)
        .defer("preview")
        .select_related("created_by")[:RECENT_IMPORTS]
    )
    return render(
        request,
        "unions/import_upload.html",
        {
            "unit": unit,
            "ancestors": unit_ancestors(user, unit),
            "form": form,
            "columns": _column_help(),
            "recent": recent,
            "max_rows": imports.MAX_ROWS,
            "max_megabytes": imports.MAX_FILE_BYTES // (1024 * 1024),
        },
    )


def _as_date(value):
    return date.fromisoformat(value) if value else None


def _display(name, value):
    """A stored preview value as the page shows it."""
    if name in imports.DATE_FIELDS:
        return _as_date(value)
    if name == "gender" and value in Gender.values:
        return Gender(value).label
    if name == "status" and value in MemberStatus.values:
        return MemberStatus(value).label
    return value


def _preview_rows(kind, rows, user):
    if kind == "errors":
        # A unit holding a card number is named only to whoever may read it.
        readable = scoping.readable_units(user).filter(pk__in=imports.other_units_named(rows))
        names = dict(readable.values_list("pk", "name"))
        return [{**row, "message": imports.row_error_message(row, names)} for row in rows]
    if kind == "creates":
        return [{name: _display(name, value) for name, value in row.items()} for row in rows]
    return [
        {
            **row,
            "changes": [
                (
                    capfirst(Member._meta.get_field(name).verbose_name),
                    _as_text(_display(name, old)),
                    _as_text(_display(name, new)),
                )
                for name, (old, new) in row["changes"].items()
            ],
        }
        for row in rows
    ]


def _as_text(value):
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return value or "—"


@login_required
def member_import_detail(request, pk):
    """The check's result (rows to create, update, errors), the progress, or the outcome."""
    user = request.user
    member_import = scoping.get_member_import_or_404(user, pk)
    unit = member_import.unit
    _require(user.has_perm("unions.manage_unit", unit))
    preview = member_import.preview or {}
    kinds = [
        ("errors", _("Errors"), member_import.error_count),
        ("creates", _("To add"), member_import.create_count),
        ("updates", _("To update"), member_import.update_count),
    ]
    show = choice_or_404(request.GET, "show", [kind for kind, _label, _count in kinds])
    if not show:
        show = "errors" if member_import.error_count else "creates"
    page = page_or_404(request, preview.get(show, []), PREVIEW_ROWS_PER_PAGE)
    page.object_list = _preview_rows(show, page.object_list, user)
    in_progress = member_import.status in (
        MemberImportStatus.VALIDATING,
        MemberImportStatus.IMPORTING,
    )
    return render(
        request,
        "unions/import_detail.html",
        {
            "unit": unit,
            "ancestors": unit_ancestors(user, unit),
            "member_import": member_import,
            "preview": preview,
            "refusal": imports.refusal_message(preview["refusal"]) if "refusal" in preview else "",
            "failure": imports.failure_message(preview["failure"]) if "failure" in preview else "",
            "kinds": kinds,
            "show": show,
            "page_obj": page,
            "in_progress": in_progress,
            "percent": imports.progress_of(member_import) if in_progress else 100,
            "can_confirm": member_import.status == MemberImportStatus.READY
            and not member_import.error_count,
            "can_cancel": member_import.status
            not in (MemberImportStatus.IMPORTED, MemberImportStatus.CANCELLED),
        },
    )


@login_required
@require_POST
def member_import_confirm(request, pk):
    member_import = scoping.get_member_import_or_404(request.user, pk)
    try:
        member_import = imports.confirm_member_import(member_import, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(member_import)
    member_import.refresh_from_db(fields=["status", "create_count", "update_count"])
    if member_import.status == MemberImportStatus.IMPORTED:
        messages.success(
            request,
            _("The members were imported: %(created)d added, %(updated)d updated.")
            % {"created": member_import.create_count, "updated": member_import.update_count},
        )
    return redirect(member_import)


@login_required
@require_POST
def member_import_cancel(request, pk):
    member_import = scoping.get_member_import_or_404(request.user, pk)
    try:
        imports.cancel_member_import(member_import, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(member_import)
    messages.success(request, _("The import was cancelled; nothing was written."))
    return redirect("unions:member_import", pk=member_import.unit_id)


@login_required
def member_import_template(request):
    """The template to fill in: the columns and an example row, Vietnamese or English headers."""
    language = choice_or_404(request.GET, "lang", ["vi", "en"]) or "vi"
    filename = "mau-nhap-doan-vien.xlsx" if language == "vi" else "member-import-template.xlsx"
    return xlsx_response(filename, imports.template_workbook(language))


@login_required
def member_export(request, pk):
    """The unit's member list, as the list page filters it, as an .xlsx file."""
    user = request.user
    unit = scoping.get_unit_or_404(user, pk)
    members = list(filtered_members(user, unit, request.GET)[: MAX_EXPORT_ROWS + 1])
    if len(members) > MAX_EXPORT_ROWS:
        messages.error(
            request,
            _("More than %(max)d members match: export a lower unit or narrow the search.")
            % {"max": MAX_EXPORT_ROWS},
        )
        return redirect("unions:member_list", pk=unit.pk)
    workbook = imports.members_workbook(
        members, sheet_title=unit.display_name, with_unit=not unit.is_leaf()
    )
    filename = f"doan-vien-{slugify(unit.code)}-{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(filename, workbook)
