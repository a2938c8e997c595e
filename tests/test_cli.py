"""The ``comptoir`` console script, run for real in subprocesses.

Every test points ``COMPTOIR_DATA_DIR`` and ``DATABASE_URL`` at its own temporary directory
(nothing touches ``./var``), so the tests run side by side under pytest-xdist; the server test
binds a free port. These are the slow tests of the suite (about 1 s per command, a few
seconds for the server and PostgreSQL): deselect them with ``-k "not test_cli"`` when
iterating, never skip them in ``make test``.

The PostgreSQL test creates a uniquely named database on the server at
``COMPTOIR_TEST_PG_ADMIN_URL`` (default ``postgres://postgres@127.0.0.1:5432/postgres``) and
fails, not skips, when that server is unreachable.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

COMPTOIR = Path(sys.executable).with_name("comptoir")
PG_ADMIN_URL = os.environ.get(
    "COMPTOIR_TEST_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
TIMEOUT = 60


@dataclass
class Installation:
    """A data directory and a SQLite database, as ``make run`` would set them up."""

    root: Path

    @property
    def database(self) -> Path:
        return self.root / "comptoir.sqlite3"

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("COMPTOIR_") and k not in ("DATABASE_URL",
                                                               "DJANGO_SETTINGS_MODULE")}
        env.update(COMPTOIR_DATA_DIR=str(self.root / "data"),
                   DATABASE_URL=f"sqlite:///{self.database}")
        return env

    def run(self, *args, check=True, env=None) -> subprocess.CompletedProcess:
        result = subprocess.run([str(COMPTOIR), *args], env=env or self.env, cwd=self.root,
                                capture_output=True, text=True, timeout=TIMEOUT)
        if check:
            assert result.returncode == 0, (args, result.stdout, result.stderr)
        return result

    def run_json(self, *args) -> dict:
        """Run a command whose stdout is exactly one line of JSON, and return it."""
        result = self.run(*args)
        lines = result.stdout.splitlines()
        assert len(lines) == 1, result.stdout
        assert result.stdout.endswith("\n")
        return json.loads(lines[0])

    def count(self, table: str) -> int:
        with sqlite3.connect(self.database) as db:
            return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One ``comptoir migrate`` per worker; each test gets a copy of the database."""
    site = Installation(tmp_path_factory.mktemp("migrated"))
    site.run("migrate", "--no-input", "-v", "0")
    return site.root


@pytest.fixture
def site(migrated, tmp_path) -> Installation:
    for name in ("comptoir.sqlite3", "comptoir.sqlite3-wal", "comptoir.sqlite3-shm"):
        if (migrated / name).exists():
            shutil.copy(migrated / name, tmp_path / name)
    shutil.copytree(migrated / "data", tmp_path / "data")
    return Installation(tmp_path)


def test_migrate_creates_the_schema_where_it_is_told_to(tmp_path):
    """In ``DATABASE_URL`` and ``COMPTOIR_DATA_DIR``, never ``./var``; a no-op the second time."""
    assert COMPTOIR.is_file(), COMPTOIR
    site = Installation(tmp_path)
    first = site.run("migrate", "--no-input")
    assert "Applying tenancy.0001" in first.stdout
    with sqlite3.connect(site.database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"crm_contact", "crm_firm", "tenancy_businessfile", "tenancy_apikey"} <= tables
    assert (tmp_path / "data" / "secret_key").exists()
    second = site.run("migrate", "--no-input")
    assert "No migrations to apply" in second.stdout
    assert not (tmp_path / "var").exists()  # the working directory of the commands


def test_check_passes(site):
    result = site.run("check")
    assert "no issues" in result.stdout


def test_createbusiness_prints_one_line_of_json(site):
    created = site.run_json("createbusiness", "--name", "Atelier Martin", "--email",
                            "Elodie@Example.TEST", "--password", "p@ss:#.é word", "--enable-api")
    assert isinstance(created["business_file_id"], int)
    assert created["email"] == "elodie@example.test"
    assert created["user_created"] is True and created["api_enabled"] is True
    assert site.count("tenancy_businessfile") == 1
    again = site.run_json("createbusiness", "--name", "Second", "--email", "ELODIE@example.test")
    assert again["user_created"] is False and again["user_id"] == created["user_id"]
    assert again["business_file_id"] != created["business_file_id"]
    assert again["api_enabled"] is False
    assert site.count("tenancy_user") == 1
    assert site.count("tenancy_membership") == 2


@pytest.mark.parametrize("args, message", [
    (["--name", "X", "--email", "new@example.test"], "--password is required for a new user"),
    (["--name", "X", "--email", "new@example.test", "--password", ""], "--password"),
    (["--name", "X", "--email", "new@example.test", "--password", "short"], "too short"),
    (["--name", "X", "--email", "not-an-address", "--password", "long enough"], "e-mail"),
    (["--name", "  ", "--email", "new@example.test", "--password", "long enough"], "--name"),
])
def test_createbusiness_refusals(site, args, message):
    result = site.run("createbusiness", *args, check=False)
    assert result.returncode != 0
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert site.count("tenancy_user") == 0 and site.count("tenancy_businessfile") == 0


def test_apikey_create_list_revoke(site):
    bf = site.run_json("createbusiness", "--name", "A", "--email", "a@example.test",
                       "--password", "a password", "--enable-api")["business_file_id"]
    created = site.run_json("apikey", "create", "--email", "A@example.test", "--business-file",
                            str(bf), "--name", "sync", "--read-only")
    assert created["key"].startswith("cpt_") and created["key"].startswith(created["prefix"])
    assert (created["business_file_id"], created["name"], created["read_only"]) == (bf, "sync",
                                                                                    True)
    second = site.run_json("apikey", "create", "--email", "a@example.test",
                           "--business-file", str(bf))
    assert second["read_only"] is False and second["key"] != created["key"]
    listing = site.run("apikey", "list", "--email", "a@example.test").stdout
    rows = [json.loads(line) for line in listing.splitlines()]
    assert [(r["id"], r["revoked"]) for r in rows] == [(created["id"], False),
                                                      (second["id"], False)]
    assert created["key"] not in listing and second["key"] not in listing
    assert site.run_json("apikey", "revoke", str(created["id"])) == {"id": created["id"],
                                                                     "revoked": True}
    rows = [json.loads(line) for line in
            site.run("apikey", "list", "--email", "a@example.test").stdout.splitlines()]
    assert [r["revoked"] for r in rows] == [True, False]
    with sqlite3.connect(site.database) as db:
        stored = [row[0] for row in db.execute("SELECT key_hash FROM tenancy_apikey")]
    assert created["key"] not in stored and second["key"] not in stored


def test_apikey_refusals(site):
    bf = site.run_json("createbusiness", "--name", "A", "--email", "a@example.test",
                       "--password", "a password")["business_file_id"]
    for args, message in (
        (["create", "--email", "nobody@example.test", "--business-file", str(bf)], "no user"),
        (["create", "--email", "a@example.test", "--business-file", str(bf + 1)],
         "not a member"),
        (["revoke", "999"], "no API key 999"),
        (["list", "--email", "nobody@example.test"], "no user"),
    ):
        result = site.run("apikey", *args, check=False)
        assert result.returncode != 0 and result.stdout == "", args
        assert message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert site.count("tenancy_apikey") == 0


def test_demo_prints_credentials_and_is_idempotent(site):
    tables = ("tenancy_user", "tenancy_businessfile", "tenancy_membership", "crm_firm",
              "crm_contact", "crm_contactitem", "crm_contactaddress")
    first = site.run_json("demo")
    assert {"business_file_id", "email", "password"} <= set(first)
    assert first["created"] is True
    counts = {t: site.count(t) for t in tables}
    assert counts["crm_contact"] > 0 and counts["tenancy_businessfile"] == 1
    second = site.run_json("demo")
    assert second["created"] is False
    assert {k: second[k] for k in ("business_file_id", "email", "password")} == \
        {k: first[k] for k in ("business_file_id", "email", "password")}
    assert {t: site.count(t) for t in tables} == counts


# -- the real server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                    timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def basic_header(email, secret) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{secret}".encode()).decode()}


@pytest.fixture
def server(site):
    """``comptoir serve`` on a free port; yields its base URL, stops it afterwards."""
    port = free_port()
    log = (site.root / "serve.log").open("w")
    process = subprocess.Popen(
        [str(COMPTOIR), "serve", "--port", str(port), "--workers", "1"],
        env=site.env, cwd=site.root, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, (site.root / "serve.log").read_text()
            try:
                request(base + "/business_files.xml")
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer within 20 s"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait(timeout=5)
        log.close()


def test_serve_answers_the_api(site, server):
    password = "p@ss:#.é word"
    bf = site.run_json("createbusiness", "--name", "Servie", "--email", "srv@example.test",
                       "--password", password, "--enable-api")["business_file_id"]
    key = site.run_json("apikey", "create", "--email", "srv@example.test", "--business-file",
                        str(bf))
    url = f"{server}/{bf}/contacts.xml"

    status, headers, body = request(url, basic_header("SRV@example.test", password))
    assert status == 200, body
    assert headers["Server"].startswith("gunicorn")
    assert headers["Content-Type"] == "application/xml; charset=utf-8"
    assert b'<contacts type="array">' in body
    assert request(url, {"Authorization": f"Bearer {key['key']}"})[0] == 200
    assert request(url, basic_header("srv@example.test", key["key"]))[0] == 200

    status, headers, body = request(url)
    assert status == 401
    assert headers["WWW-Authenticate"].startswith('Basic realm="')
    assert b"<errors>" in body
    assert request(url, basic_header("srv@example.test", "wrong"))[0] == 401

    # the CLI and the server share the file cache: a revocation takes effect at once
    site.run_json("apikey", "revoke", str(key["id"]))
    assert request(url, {"Authorization": f"Bearer {key['key']}"})[0] == 401
    assert request(url, basic_header("srv@example.test", password))[0] == 200


# -- PostgreSQL ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_migrate_on_a_new_postgresql_database(site):
    name = f"comptoir_cli_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is unreachable: {error}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        env = {**site.env, "DATABASE_URL": f"{base}/{name}"}
        site.run("migrate", "--no-input", "-v", "0", env=env)
        with psycopg.connect(f"{base}/{name}") as db:
            tables = {row[0] for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert {"crm_contact", "crm_firm", "tenancy_businessfile", "tenancy_apikey",
                "django_migrations"} <= tables
        result = site.run("createbusiness", "--name", "PG", "--email", "pg@example.test",
                          "--password", "a password", env=env)
        assert json.loads(result.stdout)["business_file_id"] >= 1
        assert site.count("tenancy_businessfile") == 0  # it went to PostgreSQL
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
