from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Build the demo data (the union tree, members, accounts, and each app's part). "
        "Idempotent: a second run changes nothing. Refuses to run when DEBUG is off."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DJANGO_DEBUG=1: it creates accounts with a known "
                "password and must never touch a production database."
            )
        # The demo's history sends mail to demo addresses: nobody reads it, keep it out of the log.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for path in settings.DEMO_SEEDERS:
                self.stdout.write(f"{path}:")
                import_string(path)(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
