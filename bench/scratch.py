"""What every benchmark script needs around its figures: the machine's load, a scratch
database of its own on the local PostgreSQL, and the wait for the server it started."""

import http.client
import os
import subprocess
import time

import psycopg


def uptime() -> str:
    """`uptime`, in UTC (Django sets the process's TZ to the project's zone)."""
    env = {**os.environ, "TZ": "UTC"}
    return subprocess.run(["uptime"], capture_output=True, text=True, env=env).stdout.strip()


def fresh_database(name: str) -> None:
    """Drop the database `name` if it exists, then create it empty."""
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def ensure_database(name: str) -> None:
    """Create the database `name` on the local PostgreSQL unless it exists (kept as it is)."""
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def wait_for_server(port: int, seconds: float = 60) -> None:
    """Until gunicorn on `port` answers the agencies list; SystemExit after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/agencies/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")
