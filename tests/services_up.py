"""Check that PostgreSQL and Redis answer before the tests run (called by `make test`).

Exits non-zero with instructions when either is down: the suite never skips or falls back.
"""

import os
import sys
from urllib.parse import urlsplit

import environ
import psycopg
import redis

TIMEOUT = 3

HOW_TO_START = """\
Start them, then run `make test` again. With Docker:
    docker compose up -d db redis
With the Debian/Ubuntu packages:
    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
Or point DATABASE_URL / REDIS_URL at servers that are running."""


def check_postgres(url: str) -> str | None:
    cfg = environ.Env.db_url_config(url)
    if cfg["ENGINE"] != "django.db.backends.postgresql":
        return f"DATABASE_URL must be a PostgreSQL URL (got engine {cfg['ENGINE']})"
    params = {
        "host": cfg.get("HOST") or "127.0.0.1",
        "port": cfg.get("PORT") or 5432,
        "user": cfg.get("USER") or "postgres",
        # The test database is created by the tests: connect to the maintenance database.
        "dbname": "postgres",
        "connect_timeout": TIMEOUT,
    }
    if cfg.get("PASSWORD"):
        params["password"] = cfg["PASSWORD"]
    try:
        psycopg.connect(**params).close()
    except psycopg.Error as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"cannot connect to PostgreSQL at {params['host']}:{params['port']}: {first_line}"
    return None


def check_redis(url: str) -> str | None:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
        client.ping()
        client.close()
    except (redis.RedisError, OSError) as exc:
        where = urlsplit(url)
        return f"cannot connect to Redis at {where.hostname}:{where.port or 6379}: {exc}"
    return None


def main() -> int:
    db_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    problems = []
    if not db_url or not redis_url:
        problems.append("DATABASE_URL and REDIS_URL must both be set (`make test` sets defaults).")
    else:
        problems += [p for p in (check_postgres(db_url), check_redis(redis_url)) if p]
    if problems:
        print("The tests need PostgreSQL and Redis.", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(HOW_TO_START, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
