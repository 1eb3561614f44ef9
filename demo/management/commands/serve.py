"""`python manage.py serve`: the embedded mode in one process tree.

Migrates, loads the demo data once, makes the development PKI (DEBUG), starts a real Celery
worker (with beat) as a child process, then runs the web server in the foreground. Ctrl-C
stops both. `make run` calls it.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.payment import WALKTHROUGH_PIN, walkthrough_case

DEMO_USERS = ["counter", "officer", "signer", "supervisor", "admin"]
WORKER_START_TIMEOUT = 90  # seconds


def _die_with_parent():  # pragma: no cover - runs in the child between fork and exec
    """Linux: the worker gets SIGTERM if serve dies without cleaning up (kill -9)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Command(BaseCommand):
    help = "Run Onestop locally: migrate, demo data, a Celery worker with beat, the web server."
    requires_system_checks = []  # runserver runs them; migrate must come first on a fresh DB

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="web port (default 8000)")
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")

    def handle(self, *args, port, no_demo, **options):
        call_command("migrate", interactive=False, verbosity=1)
        # Cases filed before the reports app existed get their report facts once.
        call_command("rebuild_case_facts", missing=True)
        demo = self._load_demo(no_demo)
        if settings.DEBUG:
            # Signing certificates for every agency (only the missing ones after the first run).
            call_command("make_dev_pki")
        if "PUBLIC_BASE_URL" not in os.environ:
            # QR codes on receipts and results point at this server, whatever its port.
            settings.PUBLIC_BASE_URL = f"http://127.0.0.1:{port}"
        if "SITE_URL" not in os.environ:
            # So do the links in messages, sent by the worker, which inherits the variable.
            os.environ["SITE_URL"] = settings.SITE_URL = f"http://127.0.0.1:{port}/"

        worker = self._start_worker()
        # SIGTERM (e.g. from a process manager) unwinds like Ctrl-C, so the worker stops too.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            self._wait_for_worker(worker)
            self._banner(port, demo)
            call_command(
                "runserver",
                f"127.0.0.1:{port}",
                use_reloader=False,
                insecure_serving=True,  # serve static files even if DEBUG is off
            )
        except KeyboardInterrupt:
            pass
        finally:
            self._stop_worker(worker)

    # --- steps -------------------------------------------------------------------------

    def _load_demo(self, no_demo: bool) -> bool:
        if no_demo:
            return False
        if get_user_model().objects.filter(username="counter").exists():
            self.stdout.write("Demo data already loaded.")
            return True
        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING("DEBUG is off: not loading the demo data (set DEBUG=true).")
            )
            return False
        self.stdout.write("Loading the demo data...")
        call_command("load_demo")
        return True

    def _start_worker(self) -> subprocess.Popen:
        self.worker_name = f"serve-{os.getpid()}@{socket.gethostname()}"
        cmd = [
            sys.executable, "-m", "celery", "-A", "onestop",
            "worker", "-B", "-l", "info", "--concurrency", "2", "-Q", "celery,reports",
            "-n", self.worker_name,
            "-s", str(settings.VAR_DIR / "celerybeat-schedule"),
        ]  # fmt: skip
        self.stdout.write(f"Starting the Celery worker: {' '.join(cmd[1:])}")
        return subprocess.Popen(
            cmd,
            cwd=settings.BASE_DIR,
            # Own process group: Ctrl-C reaches only us, and we stop the worker in order.
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def _wait_for_worker(self, worker: subprocess.Popen):
        from onestop.celery import app

        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise CommandError(f"The Celery worker exited (code {worker.returncode}).")
            try:
                if app.control.ping(destination=[self.worker_name], timeout=1):
                    self.stdout.write(self.style.SUCCESS("The Celery worker is ready."))
                    return
            except Exception as exc:  # broker not ready yet (e.g. Redis restarting)
                self.stdout.write(f"Waiting for the broker: {exc}")
                time.sleep(1)
        raise CommandError(f"The Celery worker did not answer within {WORKER_START_TIMEOUT}s.")

    def _banner(self, port: int, demo: bool):
        base = f"http://127.0.0.1:{port}/"
        lines = [
            "",
            f"Onestop is running at {base}",
            f"  Staff and citizen login: {base}login/",
            f"  API docs: {base}api/docs/",
            f"  Admin:    {base}admin/",
            f"  Alerts:   {base}alerts/ (staff), health at {base}health/",
        ]
        if demo:
            lines.append(f"  Demo logins (password 'demo'): {', '.join(DEMO_USERS)}")
            if case := walkthrough_case():
                lines.append(f"  Pay a fee as a citizen: case {case.code}, PIN {WALKTHROUGH_PIN}")
        lines += [
            "  Simulated national services (no network needed):",
            f"    VNeID sign-in: 'Đăng nhập bằng VNeID' on {base}login/",
            f"    Zalo and SMS messages sent: {base}admin/notifications/simulatedmessage/",
            f"    National portal (DVCQG), what it received: {base}admin/dvcqg/simulatorrecord/",
            "    PayGov: the pay link of a case that owes a fee",
        ]
        lines += ["Press Ctrl-C to stop.", ""]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))

    def _stop_worker(self, worker: subprocess.Popen):
        if worker.poll() is not None:
            return
        self.stdout.write("Stopping the Celery worker...")
        worker.terminate()  # warm shutdown: running tasks finish
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
