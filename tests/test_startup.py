"""The web server's processes leave what they loaded at start out of the garbage collector's
full collections (config/startup.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_loading_the_server_application_freezes_what_it_loaded(module):
    script = f"import gc, {module}; print(gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # Django, the apps and their URLs: well over 100,000 objects (none when nothing froze them).
    assert int(result.stdout.split()[-1]) > 100_000
