from django.core.management.base import BaseCommand, CommandError

from unions.backups import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database and the private files (evidence, certificates) into one .tar."

    def add_arguments(self, parser):
        parser.add_argument("target", help="The archive to write, e.g. backups/thidua.tar")

    def handle(self, *args, target, **options):
        try:
            path = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up to {path}")
