from django.core.management.base import BaseCommand

from notifications import delivery


class Command(BaseCommand):
    help = "Send the daily digest email to each person who chose it (what the beat runs daily)."

    def handle(self, *args, **options):
        sent = delivery.send_digests()
        self.stdout.write(f"{sent} digest(s) sent.")
