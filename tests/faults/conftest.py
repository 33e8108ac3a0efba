"""Faults with real processes: the tests start what they break themselves.

Each test gets its own redis-server on a free port, its own Celery worker on that Redis, or a
small TCP proxy in front of PostgreSQL that it can cut, so that nothing of the machine's own
services is stopped and tests under pytest-xdist stay out of each other's way.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress

import pytest
from django.conf import settings

from config.celery import app as celery_app
from tests.commendations.decisions.conftest import (  # noqa: F401 (fixtures)
    approve,
    client_for,
    member_a,
    private_storage,
)
from tests.conftest import ROOT, need_postgresql, services_required


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, *, timeout, interval=0.1, message="timed out"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(message)


def database_url(port=None):
    """The test database (the one this process uses), optionally through another port."""
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}"
        f":{port or database['PORT'] or 5432}/{database['NAME']}"
    )


class RedisServer:
    """A redis-server of the test's own, on a port chosen for it; start and stop at will."""

    def __init__(self, directory):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        def answers():
            try:
                return redis.Redis.from_url(self.url).ping()
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=10, message="redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        message = "needs redis-server (apt-get install redis-server)"
        if services_required():
            pytest.fail(message)
        pytest.skip(message)
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@contextmanager
def broker(url):
    """This process's Celery app publishes to `url` for the duration."""
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    _forget_connections()
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        _forget_connections()


def _forget_connections():
    """The app's connection and producer pools are made on first use from broker_url (as after
    a fork, celery.app.base.Celery._after_fork): drop them for the new one."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Worker:
    """A `celery worker` process on the test database and the given Redis, logging to a file."""

    def __init__(self, redis_url, log_path, env=None):
        # This process publishes to its default queue; the worker's tasks (the next chunk) go to
        # the worker's own default, which config.test_settings names after the xdist process.
        process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
        queue = ",".join(dict.fromkeys([celery_app.conf.task_default_queue, f"tests-{process}"]))
        self.log_path = log_path
        environment = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            **(env or {}),
        }
        name = f"faults-{os.getpid()}-{time.monotonic_ns()}@%h"
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                 "--loglevel=INFO", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-Q", queue, "-n", name],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killed whole
            )  # fmt: skip
        wait_until(
            lambda: "ready." in self.log() or self.process.poll() is not None,
            timeout=60,
            message="the Celery worker did not start",
        )
        if self.process.poll() is not None:
            pytest.fail(f"the Celery worker stopped:\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        """SIGKILL: no chance to acknowledge, reject or clean up anything."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """start_worker(redis_url, env=None) -> a Worker; each is stopped after the test."""
    need_postgresql()
    workers = []

    def start(redis_url, env=None):
        worker = Worker(redis_url, tmp_path / f"worker-{len(workers)}.log", env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


class TcpProxy:
    """127.0.0.1:<port> forwarded to `target`, until cut: then every connection through it is
    closed and new ones are refused, as when the server behind it restarts."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.listener = None
        self.sockets = []
        self.lock = threading.Lock()
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        listener, self.listener = self.listener, None
        _close(listener)
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            _close(sock)

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock):
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def postgresql_proxy(transactional_db):
    need_postgresql()
    database = settings.DATABASES["default"]
    proxy = TcpProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    yield proxy
    proxy.cut()


def get(url, *, timeout=30):
    """(status, body) of a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn(database_url) -> the address of the site served by gunicorn (production
    settings: DEBUG off) on that database; stopped after the test."""
    servers = []

    def start(database_url, workers=1):
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_COOKIES": "0",  # plain HTTP: the CSRF cookie must come back
        }
        env.pop("REDIS_URL", None)  # tasks in-process: the site alone is under test
        log = open(tmp_path / f"gunicorn-{port}.log", "wb")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "60"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        servers.append((process, log))
        address = f"http://127.0.0.1:{port}"

        def up():
            if process.poll() is not None:
                pytest.fail((tmp_path / f"gunicorn-{port}.log").read_text())
            try:
                return get(f"{address}/accounts/login/", timeout=5)[0] == 200
            except OSError:
                return False

        wait_until(up, timeout=60, interval=0.3, message="gunicorn did not start")
        return address

    yield start
    for process, log in servers:
        process.terminate()
        process.wait(timeout=20)
        log.close()
