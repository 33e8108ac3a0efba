"""No Docker engine runs here: check that the compose file describes the deployment we document."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services():
    assert set(_compose()["services"]) == {"postgres", "redis", "web", "worker", "beat"}


def test_compose_web_and_worker_receive_what_settings_need():
    services = _compose()["services"]
    for name in ("web", "worker"):
        environment = services[name]["environment"]
        for variable in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "EMAIL_URL"):
            assert environment.get(variable), f"{name} lacks {variable}"
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert "@postgres:5432/" in environment["DATABASE_URL"]
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}


def test_compose_worker_runs_celery_and_web_runs_gunicorn():
    services = _compose()["services"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "config"]
    assert "gunicorn config.wsgi" in services["web"]["command"]


def test_every_variable_the_settings_read_is_documented():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    readme = (ROOT / "README.md").read_text()
    assert read - documented == set()
    assert {name for name in read if name not in readme} == set()
