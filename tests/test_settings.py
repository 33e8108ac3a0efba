import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import email_settings

ROOT = Path(__file__).resolve().parent.parent


# Variables the tests set themselves: the parent's values (CI's service URLs, the test settings'
# defaults) must not leak into the fresh interpreter, nor their NAME_FILE forms.
_CONTROLLED = {
    "SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL",
    "EMBEDDED_SERVICES", "TRUST_X_FORWARDED_PROTO", "VAR_DIR", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "ALLOWED_HOSTS",
    # The browser journeys set it in this process for Playwright; production never does.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}  # fmt: skip
# What production sets; the settings only parse the URLs, nothing connects to them.
PRODUCTION = {
    "SECRET_KEY": "a-real-secret",
    "DATABASE_URL": "postgres://thidua:secret@db.invalid:5432/thidua",
    "REDIS_URL": "redis://redis.invalid:6379/0",
}
SERVICES = "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL"


def _load_settings(show="s.DEBUG, s.SECRET_KEY[:6]", module="config.settings", **env):
    """Import the settings in a fresh interpreter with exactly this environment and print `show`
    (an expression over the settings module `s`)."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if key.removesuffix("_FILE") not in _CONTROLLED
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import {module} as s; print({show})"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_settings_refuse_to_start_in_production_without_secret_key():
    result = _load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_settings_start_in_production_with_secret_key_and_services():
    result = _load_settings(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "a-real"]


def test_settings_give_a_development_key_only_with_debug():
    result = _load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django"]


@pytest.mark.parametrize(
    "variable", ["DJANGO_DEBUG", "EMBEDDED_SERVICES", "TRUST_X_FORWARDED_PROTO"]
)
def test_settings_refuse_a_malformed_boolean(variable):
    result = _load_settings(**{**PRODUCTION, variable: "maybe"})
    assert result.returncode != 0
    assert f"{variable}='maybe' is not a boolean" in result.stderr


def test_settings_refuse_to_start_in_production_without_database_url():
    result = _load_settings(**{**PRODUCTION, "DATABASE_URL": ""})
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr
    assert "EMBEDDED_SERVICES=1" in result.stderr


def test_settings_refuse_to_start_in_production_without_redis_url():
    production = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}
    result = _load_settings(**production)
    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL is not set" in result.stderr


def test_settings_name_both_services_when_both_are_missing():
    result = _load_settings(SECRET_KEY="a-real-secret")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL and REDIS_URL are not set" in result.stderr


def test_settings_start_in_production_on_embedded_services_when_asked_to(tmp_path):
    result = _load_settings(
        show=f"{SERVICES}, s.CELERY_TASK_ALWAYS_EAGER",
        SECRET_KEY="a-real-secret",
        EMBEDDED_SERVICES="1",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        str(tmp_path / "thidua.sqlite3"),
        "memory://localhost/",
        "True",
    ]


def test_embedded_services_still_use_the_urls_that_are_set():
    """CI runs the test settings (which ask for embedded services) with both URLs set."""
    result = _load_settings(
        show=f"{SERVICES}, s.CELERY_TASK_ALWAYS_EAGER", EMBEDDED_SERVICES="1", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "thidua",
        "redis://redis.invalid:6379/0",
        "False",
    ]


def test_test_settings_start_without_any_service_url(tmp_path):
    """A plain `pytest`: no SECRET_KEY, DATABASE_URL, REDIS_URL nor DEBUG."""
    result = _load_settings(show=SERVICES, module="config.test_settings", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        str(tmp_path / "thidua.sqlite3"),
        "memory://localhost/",
    ]


def test_settings_do_not_trust_the_forwarded_proto_header_by_default():
    result = _load_settings(show="s.SECURE_PROXY_SSL_HEADER", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


def test_settings_trust_the_forwarded_proto_header_when_told_to():
    result = _load_settings(
        show="s.SECURE_PROXY_SSL_HEADER", TRUST_X_FORWARDED_PROTO="1", **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_settings_read_secret_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    production = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = _load_settings(SECRET_KEY_FILE=str(secret), **production)
    assert result.returncode == 0, result.stderr
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
    """DEBUG alone (`make run`) allows the SQLite default, without EMBEDDED_SERVICES."""
    var_dir = tmp_path / "fresh-clone" / "var"
    result = _load_settings(
        show="s.DATABASES['default']['NAME']", DJANGO_DEBUG="1", VAR_DIR=str(var_dir)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(var_dir / "thidua.sqlite3")
    assert var_dir.is_dir()


def test_production_configuration_passes_the_deployment_check_without_a_warning():
    clean = {
        key: value
        for key, value in os.environ.items()
        if key.removesuffix("_FILE") not in _CONTROLLED
    }
    clean.update(
        PRODUCTION,
        SECRET_KEY="k" * 20 + "-a-long-random-production-secret-" + "z" * 20,
        ALLOWED_HOSTS="thidua.example.vn",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_https_redirect_and_hsts_are_on_in_production_and_can_be_turned_off():
    show = "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS"
    assert _load_settings(show=show, **PRODUCTION).stdout.split() == ["True", "31536000", "True"]
    behind_a_proxy = _load_settings(
        show=show, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="0", **PRODUCTION
    )
    assert behind_a_proxy.stdout.split() == ["False", "0", "True"]
    assert _load_settings(show=show, DJANGO_DEBUG="1").stdout.split() == ["False", "0", "False"]
