from django.core.management.base import BaseCommand

from awards.tasks import remind_time_limits


class Command(BaseCommand):
    help = (
        "Email each unit that must act on a nomination whose step's time limit (the round's "
        "deadline for its level) falls within --days, or has passed. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="how far ahead (default 3)")

    def handle(self, *args, days, **options):
        sent = remind_time_limits(within_days=days)
        self.stdout.write(f"{sent} reminder(s) sent.")
