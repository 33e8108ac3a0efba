"""The WSGI application that bin/bench-throughput serves with gunicorn: the product's, with the
page benchmark's URLconf (reports/management/commands/bench_pages.py), which adds the trivial
view /bench/ceiling/ that the throughput of the other pages is compared with. Not for
production: nothing imports it, and config/wsgi.py stays the product's entry point."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

from config.startup import freeze_loaded_objects  # noqa: E402

application = get_wsgi_application()
# Read at each request (WSGIHandler sets the URLconf from the setting).
settings.ROOT_URLCONF = "reports.management.commands.bench_pages"
freeze_loaded_objects()  # as config/wsgi.py does
