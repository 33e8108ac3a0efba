"""Test settings: the real settings, with a fast password hasher and nothing else changed."""

import os

# Tests run with DEBUG off, as production does; give them a key so that settings may load.
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
