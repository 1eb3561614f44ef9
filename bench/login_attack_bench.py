"""How long an attacked staff username still logs in from a clean client (issue 19, item 2).

    make bench BENCH=bench/login_attack_bench.py [ARGS="--revision main"]

Production shape: gunicorn with 2 workers, DEBUG off, one trusted proxy (so that the
attackers' addresses come in X-Forwarded-For), on a scratch database (DATABASE_URL's name +
`_loginbench`). 69 staff accounts and one that nobody attacks. Then the two attacks:
- from one address, 10 wrong passwords on each of the 69 usernames (690 POSTs to /login/,
  what locked every account on the old code);
- from 20 more addresses, 10 wrong passwords each on `staff0` (200 POSTs).
Then, interleaved in rounds, the right password from a clean address for an attacked
username and for the quiet one: the status and how long the login took. `--revision REV`
serves that git revision instead of the working tree (with this script), for a baseline.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "right-pass-2026"
STAFF = 69
PORTS = range(8110, 8120)


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    sys.exit(f"no free port in {PORTS}")


def checkout(revision: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix="loginbench-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def fresh_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


SETUP = f"""
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from cases.models import User
# A cheap hash (1,000 rounds) so that the attack's wrong passwords do not dominate the run.
hashed = PBKDF2PasswordHasher().encode({PASSWORD!r}, "salt", 1000)
names = [f"staff{{n}}" for n in range({STAFF})] + ["quiet"]
User.objects.bulk_create([User(username=name, password=hashed) for name in names])
"""


class Visitor:
    """One client (its address in X-Forwarded-For) with its session and CSRF token."""

    def __init__(self, base: str, address: str):
        self.base, self.session = base, requests.Session()
        self.session.headers["X-Forwarded-For"] = address

    def login(self, username: str, password: str) -> tuple[str, float]:
        """The answer ("302", or "429 wait 900 s") and the seconds the login took."""
        started = time.monotonic()
        page = self.session.get(self.base + "/login/", timeout=30).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        answer = self.session.post(
            self.base + "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
            allow_redirects=False,
            timeout=30,
        )
        took = time.monotonic() - started
        wait = answer.headers.get("Retry-After")
        return f"{answer.status_code}" + (f" wait {wait} s" if wait else ""), took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--revision", help="serve this git revision instead of the tree")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    code = checkout(args.revision) if args.revision else ROOT
    label = args.revision or "this tree"
    base_url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/onestop"))
    database = urlunsplit(base_url._replace(path=base_url.path + "_loginbench"))
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "login-bench-key-" + "x" * 40,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    fresh_database(database)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=code, env=env, check=True)
    subprocess.run([*manage, "shell", "-c", SETUP], cwd=code, env=env, check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "onestop.wsgi:application", "-w", "2"]
        + ["-b", f"127.0.0.1:{port}", "--no-control-socket"],
        cwd=code,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                requests.get(base + "/login/", timeout=5)
                break
            except requests.RequestException:  # not listening yet, or still starting
                time.sleep(0.2)
        started = time.monotonic()
        stranger = Visitor(base, "203.0.113.66")
        for n in range(STAFF):
            for _ in range(10):
                stranger.login(f"staff{n}", "wrong")
        for n in range(20):
            bot = Visitor(base, f"192.0.2.{n + 1}")
            for _ in range(10):
                bot.login("staff0", "wrong")
        attack = time.monotonic() - started
        print(f"{label}: attack of {STAFF * 10 + 200} wrong passwords took {attack:.1f} s")

        results = {"attacked": [], "quiet": []}
        for round_ in range(args.rounds):
            for kind, username in (("attacked", f"staff{round_}"), ("quiet", "quiet")):
                clean = Visitor(base, f"198.51.100.{len(results[kind]) + 10 * (kind == 'quiet')}")
                results[kind].append(clean.login(username, PASSWORD))
        for kind, found in results.items():
            statuses = [status for status, _ in found]
            took = statistics.median(seconds for _, seconds in found) * 1000
            print(f"{label}: right password from a clean client, {kind}: {statuses}, {took:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=20)
        if code != ROOT:
            shutil.rmtree(code)


if __name__ == "__main__":
    main()
