"""What the query attacks share: the attack files, a 127.0.0.1 listener that records what it is
sent, and the words no error message may contain."""
from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
QUERY_FILES = sorted((HERE / "queries").glob("*.yaml"))
SERVER_FILES = sorted((HERE / "servers").glob("*.yaml"))
# Words that would turn an error message into a port scanner or a map of the host.
HOST_DETAIL = ("Connection refused", "Method Not Allowed", "Bad Gateway", "Traceback", "unsendable",
               "/etc/", "environ")


class Listener:
    """A tiny HTTP server on 127.0.0.1 that records every request it gets."""

    def __init__(self):
        self.requests: list[str] = []
        seen = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                seen.append(f"{self.command} {self.path}")
                body = b"s,p,o\nhttp://x/a,http://x/b,c\n"
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def received(self, wait_s: float = 0.5) -> list[str]:
        time.sleep(wait_s)  # a fetch started by the server may land just after the reply
        return list(self.requests)

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def load(path: Path, listener: Listener) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in ("query",):
        case[key] = (case[key].replace("{listener}", listener.url)
                     .replace("{listener_by_name}", f"http://localhost:{listener.port}"))
    return case
