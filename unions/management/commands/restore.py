from django.core.management.base import BaseCommand, CommandError

from unions.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore the database and the private files from an archive made by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("source", help="The archive made by `manage.py backup`")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a database that already holds data (it is dropped first).",
        )

    def handle(self, *args, source, replace, **options):
        try:
            restore(source, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored from {source}")
