import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reports import scale_data


class Command(BaseCommand):
    help = (
        "Build a national-scale dataset on top of the demo, on PostgreSQL, for measuring the "
        "pages (see reports/scale_data.py and docs/benchmarks.md). Refuses to run when DEBUG is "
        "off, on SQLite, and on a database holding anything but the demo and earlier "
        "generated data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--grassroots", type=int, default=100_000, help="grassroots unions")
        parser.add_argument("--members", type=int, default=1_000_000, help="members")
        parser.add_argument("--nominations", type=int, default=100_000, help="nominations")
        parser.add_argument("--seed", type=int, default=scale_data.DEFAULT_SEED, help="random seed")

    def handle(self, *args, grassroots, members, nominations, seed, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_scale only runs with DJANGO_DEBUG=1: it creates accounts with a known "
                "password and must never touch a production database."
            )
        size = scale_data.Size(grassroots=grassroots, members=members, nominations=nominations)
        problem = size.check()
        if problem:
            raise CommandError(problem)
        started = time.perf_counter()
        self.stdout.write(
            f"Generating {grassroots:,} grassroots unions, {members:,} members and "
            f"{nominations:,} nominations (seed {seed}):"
        )
        try:
            report = scale_data.build(size, seed=seed, stdout=self.stdout)
        except scale_data.ScaleDataError as error:
            raise CommandError(str(error)) from None
        for name, value in report.counts.items():
            if isinstance(value, dict):
                value = ", ".join(f"{key} {count:,}" for key, count in value.items())
            else:
                value = f"{value:,}"
            self.stdout.write(f"  {name}: {value}")
        self.stdout.write(
            self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s (real time).")
        )
