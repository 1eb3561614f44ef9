"""PgBouncer for the benchmarks: Debian's `pgbouncer` in transaction mode, in front of the
local PostgreSQL, started and stopped by the benchmark as it makes its scratch database.

    apt-get install pgbouncer    # Debian's package; the benchmarks do not install it

Every database of the server is reachable through it by its name (`* =`), with the
server's own (trust) authentication. PgBouncer refuses to run as root, so it runs as the
`postgres` user from a folder of its own. Transaction mode hands a server connection to a
client for one transaction only: no prepared statements (PgBouncer 1.18 cannot keep them
in this mode) and no cursor held between transactions, hence `PREPARE_THRESHOLD=` (empty)
and `DISABLE_SERVER_SIDE_CURSORS=true` for the processes that use it (`client_env`).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

CONFIG = """\
[databases]
* = host=127.0.0.1 port={pg_port}

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
    def __init__(self, *, port: int = 6439, pool_size: int = 20, pg_port: int = 5432):
        self.port, self.pool_size, self.pg_port = port, pool_size, pg_port
        self.folder: Path | None = None
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise SystemExit("PgBouncer is not installed: apt-get install pgbouncer")
        self.folder = Path(tempfile.mkdtemp(prefix="onestop-pgbouncer-"))
        (self.folder / "userlist.txt").write_text('"postgres" ""\n')
        ini = self.folder / "pgbouncer.ini"
        ini.write_text(
            CONFIG.format(
                port=self.port, pg_port=self.pg_port, pool_size=self.pool_size, folder=self.folder
            )
        )
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            for path in self.folder.iterdir():
                shutil.chown(path, "postgres")
            command = ["runuser", "-u", "postgres", "--", binary, "-q", str(ini)]
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
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

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
