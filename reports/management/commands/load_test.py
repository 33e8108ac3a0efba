"""A bounded load test against a running site on the same database: see reports/load.py and
docs/benchmarks.md.

    python manage.py load_test --url http://127.0.0.1:8000 --users 50 --seconds 120
"""

import json

from django.core.management.base import BaseCommand, CommandError

from reports import load


class Command(BaseCommand):
    help = "Simulated users nominate, submit, review and issue decisions at once; then checks."

    def add_arguments(self, parser):
        parser.add_argument("--url", required=True, help="the site, e.g. http://127.0.0.1:8000")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=120)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, url, users, seconds, seed, **options):
        scene = load.prepare(users, seed=seed)
        self.stdout.write(
            f"{len(scene.officers)} officers, {len(scene.reviewers)} reviewers, "
            f"{len(scene.clerks)} clerks for {seconds} s against {url}"
        )
        tally, elapsed, stuck, deadlocks = load.run(url, scene, seconds=seconds, seed=seed)
        self.stdout.write(json.dumps(load.figures(tally, elapsed), ensure_ascii=False, indent=1))
        failed = []
        for what, holds, detail in load.check(scene, tally, stuck, deadlocks):
            self.stdout.write(f"{'ok  ' if holds else 'FAIL'} {what}: {detail}")
            if not holds:
                failed.append(what)
        if failed:
            raise CommandError(f"{len(failed)} checks failed: {', '.join(failed)}")
