"""Test settings: the real settings, with a fast password hasher and plain static files.

Static files are served by name, not through the collected manifest, so that a plain `pytest`
in a fresh clone needs no collectstatic first (tests/test_static_files.py checks the production
manifest). The translation catalogue is compiled by tests/conftest.py when it is missing or older
than its .po file. The environment defaults below only let a plain `pytest` start; variables
that are set win."""

import os

# Tests run with DEBUG off, as production does; give them a key so that settings may load.
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# A plain `pytest` runs on SQLite with tasks in-process; CI sets DATABASE_URL and REDIS_URL, which
# take precedence, to run on PostgreSQL and Redis.
os.environ.setdefault("EMBEDDED_SERVICES", "1")
# The test client and the browser journeys' live server speak plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# The named users sign in without an authenticator app; tests/unions/test_accounts.py turns the
# requirement on where it is what is tested.
os.environ.setdefault("REQUIRE_MFA", "0")

from config.settings import *  # noqa: E402,F403

# Under pytest-xdist each process has its own test database. Give it its own Celery queue too
# (the worker a test starts loads these settings with the same PYTEST_XDIST_WORKER, so it
# consumes only that queue) and its own cache database, so that one process clearing the cache
# or counting a rate limit leaves the others alone. Up to six processes (Redis has 16 databases).
_process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
if REDIS_URL:  # noqa: F405
    from urllib.parse import urlsplit, urlunsplit

    CELERY_TASK_DEFAULT_QUEUE = f"tests-{_process}"
    CACHES["default"]["LOCATION"] = urlunsplit(  # noqa: F405
        urlsplit(REDIS_URL)._replace(path=f"/{10 + _process}")  # noqa: F405
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# ...and WhiteNoise finds them where they are (the browser journeys' live server uses it). It
# also looks in STATIC_ROOT, which a fresh clone has not collected: an empty folder will do.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
