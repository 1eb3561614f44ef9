"""Stand-ins for the systems outside Onestop, on real sockets: an SMS gateway over HTTP and
an SMTP server that refuses every recipient (a bouncing address)."""

import json
import socket
import socketserver
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORTS = range(8131, 8140)  # this worktree's port range


def _bind(server_class, handler):
    for port in PORTS:
        try:
            return server_class(("127.0.0.1", port), handler)
        except OSError:
            continue
    raise RuntimeError("no free port in 8131-8139")


@contextmanager
def serving(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class SmsGateway:
    """Records each request; answers `status` after `delay` seconds."""

    def __init__(self):
        self.requests, self.delay, self.status = [], 0.0, 200
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append((dict(self.headers), json.loads(body)))
                time.sleep(gateway.delay)
                try:
                    self.send_response(gateway.status)
                    self.end_headers()
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = _bind(ThreadingHTTPServer, Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"


class BouncingSmtp:
    """Answers every RCPT TO with 550: the address does not exist."""

    def __init__(self):
        server = self
        self.refused = []

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 fake ESMTP\r\n")
                for raw in self.rfile:
                    line = raw.decode().strip()
                    verb = line[:4].upper()
                    if verb == "RCPT":
                        server.refused.append(line)
                        self.wfile.write(b"550 5.1.1 No such user\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = _bind(socketserver.ThreadingTCPServer, Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]


def closed_port() -> int:
    """A port in our range where nothing listens (Redis 'down' without stopping Redis)."""
    for port in reversed(PORTS):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("every port in 8131-8139 is taken")
