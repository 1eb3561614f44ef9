"""What every benchmark script needs around its figures: the machine's load, and a scratch
database of its own on the local PostgreSQL."""

import os
import subprocess

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
