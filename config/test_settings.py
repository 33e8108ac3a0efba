"""Test settings: the real settings, with a fast password hasher and nothing else changed.

The environment defaults below only let a plain `pytest` start; variables set win."""

import os

# Tests run with DEBUG off, as production does; give them a key so that settings may load.
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# A plain `pytest` runs on SQLite with tasks in-process; CI sets DATABASE_URL and REDIS_URL, which
# take precedence, to run on PostgreSQL and Redis.
os.environ.setdefault("EMBEDDED_SERVICES", "1")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
