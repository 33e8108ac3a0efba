"""`manage.py backup` and `restore` (the README's `make backup` / `make restore`): a seeded demo
with its rendered certificates, backed up, wiped, restored, compares equal. On SQLite locally,
on PostgreSQL in CI (pg_dump and pg_restore)."""

import hashlib
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from commendations.models import Commendation


def _counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def _checksum(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def seeded(transactional_db, settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    settings.DEBUG = False


def test_backup_then_restore_into_an_empty_database_gives_back_rows_and_files(seeded, tmp_path):
    private = Path(settings.PRIVATE_STORAGE_ROOT)
    certificate = Commendation.objects.exclude(rendered_at=None).first()
    assert certificate is not None, "the demo renders its national decision's certificates"
    file = private / certificate.file_name
    before, checksum = _counts(), _checksum(file)

    archive = tmp_path / "thidua.tar"
    call_command("backup", str(archive), stdout=StringIO())
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(private)
    assert Commendation.objects.count() == 0 and not file.exists()

    call_command("restore", str(archive), stdout=StringIO())

    assert _counts() == before
    assert _checksum(file) == checksum


def test_restore_refuses_a_database_that_holds_data(seeded, tmp_path):
    archive = tmp_path / "thidua.tar"
    call_command("backup", str(archive), stdout=StringIO())
    with pytest.raises(CommandError, match="holds data"):
        call_command("restore", str(archive), stdout=StringIO())
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.tar"), stdout=StringIO())
