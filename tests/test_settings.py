import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import email_settings

ROOT = Path(__file__).resolve().parent.parent


# Variables the tests set themselves: the parent's values (CI's service URLs, the test settings'
# defaults) must not leak into the fresh interpreter, nor their NAME_FILE forms.
_CONTROLLED = {"SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "TRUST_X_FORWARDED_PROTO"}


def _load_settings(show="s.DEBUG, s.SECRET_KEY[:6]", **env):
    """Import the production settings in a fresh interpreter with exactly this environment and
    print `show` (an expression over the settings module `s`)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key.removesuffix("_FILE") not in _CONTROLLED
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import config.settings as s; print({show})"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_start_in_production_without_secret_key():
    result = _load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_settings_start_in_production_with_secret_key():
    result = _load_settings(SECRET_KEY="a-real-secret")
    assert result.returncode == 0
    assert result.stdout.split() == ["False", "a-real"]


def test_settings_give_a_development_key_only_with_debug():
    result = _load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0
    assert result.stdout.split() == ["True", "django"]


def test_settings_refuse_a_malformed_boolean():
    result = _load_settings(DJANGO_DEBUG="maybe", SECRET_KEY="x")
    assert result.returncode != 0
    assert "DJANGO_DEBUG='maybe' is not a boolean" in result.stderr


def test_settings_do_not_trust_the_forwarded_proto_header_by_default():
    result = _load_settings(show="s.SECURE_PROXY_SSL_HEADER", SECRET_KEY="x")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_settings_trust_the_forwarded_proto_header_when_told_to():
    result = _load_settings(
        show="s.SECURE_PROXY_SSL_HEADER", SECRET_KEY="x", TRUST_X_FORWARDED_PROTO="1"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_settings_refuse_a_malformed_trust_of_the_forwarded_proto_header():
    result = _load_settings(SECRET_KEY="x", TRUST_X_FORWARDED_PROTO="https")
    assert result.returncode != 0
    assert "TRUST_X_FORWARDED_PROTO='https' is not a boolean" in result.stderr


def test_settings_read_secret_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    result = _load_settings(SECRET_KEY_FILE=str(secret))
    assert result.stdout.split() == ["False", "from-a"]


def test_email_url_smtp_is_parsed():
    assert email_settings("smtp://user:p%40ss@mail.example.vn:587?tls=1") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "user",
        "EMAIL_HOST_PASSWORD": "p@ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_email_url_unknown_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        email_settings("pigeon://roof")


def test_settings_create_the_var_folder_for_the_sqlite_default(tmp_path):
    var_dir = tmp_path / "fresh-clone" / "var"
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DATABASES['default']['NAME'])",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_DEBUG": "1", "VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == str(var_dir / "thidua.sqlite3")
    assert var_dir.is_dir()
