"""System checks of the deployment that Django's own do not make."""

from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def rate_limits_are_shared(app_configs, **kwargs):
    """The login and verification rate limits count in the cache: in memory, each process keeps
    its own count, and N gunicorn workers allow N times the limit."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is in process memory: the login and verification rate limits hold "
                "per process only.",
                hint="Set REDIS_URL so that every process shares one cache.",
                id="thidua.W001",
            )
        ]
    return []
