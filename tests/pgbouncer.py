"""PgBouncer for the tests and the benchmarks: Debian's `pgbouncer` in transaction mode, in
front of PostgreSQL, started and stopped by whoever needs it.

    apt-get install pgbouncer    # Debian's package; installed here when missing (as root)

As a script it runs a command with DATABASE_URL through a PgBouncer of its own, on a free
port in front of DATABASE_URL's server (`make test-pgbouncer` runs the whole suite so):

    .venv/bin/python tests/pgbouncer.py COMMAND [ARG...]

Every database of the server is reachable through it by its name (`* =`), with the
server's own authentication (DATABASE_URL's password or PGPASSWORD, if any, is PgBouncer's
to give). PgBouncer refuses to run as root, so it runs as the `postgres` user (`-u`) from a
folder of its own. Transaction mode hands a server connection to a client for one
transaction only: no prepared statements (PgBouncer 1.18 cannot keep them in this mode) and
no cursor held between transactions, hence `PREPARE_THRESHOLD=` (empty) and
`DISABLE_SERVER_SIDE_CURSORS=true` for the processes that use it (`client_env`).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

CONFIG = """\
[databases]
* = host={pg_host} port={pg_port}{password}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = {pool_size}
ignore_startup_parameters = extra_float_digits,options
logfile = {folder}/pgbouncer.log
pidfile = {folder}/pgbouncer.pid
"""


class PgBouncer:
    def __init__(
        self,
        *,
        port: int = 6439,
        pool_size: int = 20,
        pg_host: str = "127.0.0.1",
        pg_port: int = 5432,
        user: str = "postgres",
        password: str = "",
    ):
        self.port, self.pool_size = port, pool_size
        self.pg_host, self.pg_port, self.user, self.password = pg_host, pg_port, user, password
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists() and os.geteuid() == 0:
            # As .ci/run installs Chromium: a machine of this project starts without it.
            subprocess.run(
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "
                "pgbouncer >/dev/null",
                shell=True,
                check=False,
            )
        if not Path(binary).exists():
            raise SystemExit("PgBouncer is not installed: apt-get install pgbouncer")
        self.folder = Path(tempfile.mkdtemp(prefix="onestop-pgbouncer-"))
        (self.folder / "userlist.txt").write_text(f'"{self.user}" ""\n')
        ini = self.folder / "pgbouncer.ini"
        ini.write_text(
            CONFIG.format(
                port=self.port,
                pg_host=self.pg_host,
                pg_port=self.pg_port,
                password=f" password={self.password}" if self.password else "",
                pool_size=self.pool_size,
                folder=self.folder,
            )
        )
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            for path in self.folder.iterdir():
                shutil.chown(path, "postgres")
            # Its own switch, not runuser's: that one tells the terminal when it is stopped.
            command = [binary, "-q", "-u", "postgres", str(ini)]
        else:
            command = [binary, "-q", str(ini)]
        self.process = subprocess.Popen(command)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        log = self.folder / "pgbouncer.log"
        raise SystemExit(f"PgBouncer did not start:\n{log.read_text() if log.exists() else ''}")

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}"

    def client_env(self, database: str) -> dict:
        """What a web process or worker needs to reach `database` through this PgBouncer."""
        return {
            "DATABASE_URL": self.url(database),
            "PREPARE_THRESHOLD": "",
            "DISABLE_SERVER_SIDE_CURSORS": "true",
        }

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def free_port() -> int:
    """A port nobody listens on now: the suite's PgBouncer beside a benchmark's."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main(command: list[str]) -> int:
    """Run `command` with DATABASE_URL (and what the processes it starts inherit) pointing
    through a PgBouncer in front of DATABASE_URL's server; stop PgBouncer afterwards."""
    if not command or not os.environ.get("DATABASE_URL"):
        raise SystemExit(f"DATABASE_URL=postgres://... {sys.argv[0]} COMMAND [ARG...]")
    direct = urlsplit(os.environ["DATABASE_URL"])
    bouncer = PgBouncer(
        port=free_port(),
        pg_host=direct.hostname or "127.0.0.1",
        pg_port=direct.port or 5432,
        user=direct.username or "postgres",
        password=direct.password or os.environ.get("PGPASSWORD", ""),
    )
    with bouncer:
        env = {**os.environ, **bouncer.client_env(direct.path.lstrip("/"))}
        print(f"Through PgBouncer (transaction mode): {env['DATABASE_URL']}", flush=True)
        return subprocess.run(command, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
