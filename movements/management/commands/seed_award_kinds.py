from django.core.management.base import BaseCommand
from django.db import transaction

from movements import catalogue


class Command(BaseCommand):
    help = (
        "Load the union's catalogue of award kinds and the base salary (movements/catalogue.py). "
        "Idempotent: a kind already there is left as staff edited it."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            catalogue.load(self.stdout)
