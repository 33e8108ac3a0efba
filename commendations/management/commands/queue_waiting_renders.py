"""Queue the rendering of every issued decision whose certificates wait for it: the sweep that
Celery beat runs every minute, by hand (e.g. from cron where no beat runs)."""

from django.core.management.base import BaseCommand

from commendations import services


class Command(BaseCommand):
    help = "Queue the rendering of issued decisions whose certificates are waiting (or stalled)."

    def handle(self, *args, **options):
        queued = services.queue_waiting_renders()
        for decision in queued:
            self.stdout.write(f"queued {decision.pk} {decision.number}")
        self.stdout.write(f"{len(queued)} decisions queued")
