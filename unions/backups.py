"""Backups: the database and the private files (evidence, rendered certificates) in one archive.

A backup is a .tar file holding `database.dump` (pg_dump's custom format, for PostgreSQL) or
`database.sqlite3` (SQLite's online backup, for the embedded mode), and `private/`, the folder
of uploaded evidence and rendered certificates. Restoring puts both back; it refuses a database
that already holds data unless told to replace it.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

DATABASE_DUMP = "database.dump"
DATABASE_SQLITE = "database.sqlite3"
PRIVATE = "private"


class BackupError(Exception):
    pass


def _postgres_env():
    db = settings.DATABASES["default"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    args += ["--username", db.get("USER") or "postgres"]
    return env, args, db["NAME"]


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup(target):
    """Write the backup archive to `target` (a path); returns the path."""
    target = Path(target)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if connection.vendor == "postgresql":
            env, args, name = _postgres_env()
            _run(["pg_dump", "--format=custom", "--no-owner", *args, "--file",
                  str(work / DATABASE_DUMP), name], env)  # fmt: skip
            database = work / DATABASE_DUMP
        elif connection.vendor == "sqlite":
            database = work / DATABASE_SQLITE
            connection.ensure_connection()
            with sqlite3.connect(database) as copy:
                connection.connection.backup(copy)
        else:
            raise BackupError(f"No backup for a {connection.vendor} database.")
        with tarfile.open(target, "w") as archive:
            archive.add(database, arcname=database.name)
            private = Path(settings.PRIVATE_STORAGE_ROOT)
            if private.exists():
                archive.add(private, arcname=PRIVATE)
    return target


def _database_is_empty():
    from unions.models import Unit

    return not Unit.objects.exists()


def restore(source, *, replace=False):
    """Restore the database and the private files from the archive at `source`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"No backup at {source}.")
    if not replace and not _database_is_empty():
        raise BackupError("The database holds data: restore into an empty one, or pass --replace.")
    with tempfile.TemporaryDirectory() as work, tarfile.open(source) as archive:
        work = Path(work)
        archive.extractall(work, filter="data")  # no absolute paths, links or ../ out of `work`
        if (work / DATABASE_DUMP).exists():
            if connection.vendor != "postgresql":
                raise BackupError("This backup is of PostgreSQL; the database here is not.")
            connection.close()
            env, args, name = _postgres_env()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", *args, "--dbname", name,
                  str(work / DATABASE_DUMP)], env)  # fmt: skip
        elif (work / DATABASE_SQLITE).exists():
            if connection.vendor != "sqlite":
                raise BackupError("This backup is of SQLite; the database here is not.")
            connection.ensure_connection()
            with sqlite3.connect(work / DATABASE_SQLITE) as saved:
                saved.backup(connection.connection)
        else:
            raise BackupError("The archive holds no database.")
        private = Path(settings.PRIVATE_STORAGE_ROOT)
        if (work / PRIVATE).exists():
            if private.exists():
                shutil.rmtree(private)
            shutil.copytree(work / PRIVATE, private)
    # What the cache holds describes the database before the restore (the dashboards' version,
    # reports.dashboard_cache, goes back with it).
    cache.clear()
    return source
