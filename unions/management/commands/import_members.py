"""Import a spreadsheet of members into a unit from the command line (onboarding many units).

    python manage.py import_members --unit HN-001 members.xlsx            # check only
    python manage.py import_members --unit HN-001 members.xlsx --commit   # check and write

Exit status 1 when the file is refused or any row has an error; nothing is written then.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from unions import imports
from unions.models import Unit


class Command(BaseCommand):
    help = "Check a spreadsheet (.xlsx or .csv) of members for a unit, and import it with --commit."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the .xlsx or .csv file")
        parser.add_argument("--unit", required=True, help="the code of the unit, e.g. CDVC-HN-001")
        parser.add_argument(
            "--commit", action="store_true", help="write the members (default: only check)"
        )
        parser.add_argument(
            "--user",
            help="the username the import is recorded under (must manage the unit); "
            "default: none (an administrator)",
        )

    def handle(self, *args, file, unit, commit, user, **options):
        try:
            unit = Unit.objects.get(code=unit)
        except Unit.DoesNotExist:
            raise CommandError(_("No unit has the code %(code)s.") % {"code": unit}) from None
        actor = None
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No user is called %(name)s.") % {"name": user}) from None
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s.") % {"file": file, "error": error.strerror}
            ) from None

        try:
            if commit:
                checked = imports.import_rows(
                    unit=unit, data=data, file_name=file.name, actor=actor
                )
            else:
                if not unit.holds_members:
                    raise ValidationError(
                        _("Members belong to a grassroots union or a union group, not to %(unit)s.")
                        % {"unit": unit.name}
                    )
                sheet = imports.read_file(data, file.name)
                checked = imports.check_rows(unit, sheet, viewer=actor)
        except imports.RowsInvalid as error:
            self._report(error.checked)
            raise CommandError(error.messages[0]) from None
        except PermissionDenied:
            raise CommandError(
                _("%(user)s does not manage %(unit)s.") % {"user": user, "unit": unit.name}
            ) from None
        except ValidationError as error:  # a refused file, a unit without members
            raise CommandError(" ".join(error.messages)) from None

        self._report(checked)
        if checked.errors:
            raise CommandError(
                _("%(count)d error(s) in %(file)s: nothing was written.")
                % {"count": len(checked.errors), "file": file.name}
            )
        if commit:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Imported into %(unit)s: %(created)d added, %(updated)d updated.")
                    % {
                        "unit": unit.name,
                        "created": len(checked.creates),
                        "updated": len(checked.updates),
                    }
                )
            )
        else:
            self.stdout.write(_("Nothing was written: run again with --commit to import."))

    def _report(self, checked):
        self.stdout.write(
            _(
                "%(rows)d rows: %(created)d to add, %(updated)d to update, %(unchanged)d "
                "unchanged, %(errors)d error(s)."
            )
            % {
                "rows": checked.row_count,
                "created": len(checked.creates),
                "updated": len(checked.updates),
                "unchanged": checked.unchanged,
                "errors": len(checked.errors),
            }
        )
        for error in checked.errors:
            self.stderr.write(
                _("Row %(row)d, column “%(column)s”: %(message)s")
                % {**error, "message": imports.row_error_message(error)}
            )
