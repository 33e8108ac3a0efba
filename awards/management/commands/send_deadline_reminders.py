from django.core.management.base import BaseCommand

from awards.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = (
        "Remind officers and reviewers of the round deadlines falling within the next "
        "DEADLINE_REMINDER_DAYS days (what the beat runs daily; each is reminded once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        made = send_deadline_reminders(days=days)
        self.stdout.write(f"{made} reminder(s) made.")
