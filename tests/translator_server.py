"""A small HTTP server that speaks LibreTranslate's ``POST /translate`` contract, for tests: it
"translates" through a phrase book given by the test and can be told to fail particular requests."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeLibreTranslate:
    """``failures``: request number (1-based) -> "500" (an error answer), "close" (connection
    closed without an answer) or "hang" (no answer until the test ends). A text containing ``refused_marker`` is answered 400, as a server
    with a character limit does."""

    def __init__(self, phrase_book: dict[str, str] | None = None, api_key: str | None = None):
        self.phrase_book = phrase_book or {}
        self.api_key = api_key
        self.failures: dict[int, str] = {}
        self.refused_marker = "REFUSE-ME"
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def translate(self, text: str) -> str:
        return self.phrase_book.get(text, f"English version of: {text}")

    def __enter__(self) -> "FakeLibreTranslate":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake._lock:
                    fake.requests.append(payload)
                    number = len(fake.requests)
                failure = fake.failures.get(number)
                if failure == "close":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if failure == "hang":
                    fake._released.wait()
                    return
                if failure == "500":
                    return self._answer(500, {"error": "translation model crashed"})
                if self.path != "/translate":
                    return self._answer(404, {"error": "Not Found"})
                if fake.api_key and payload.get("api_key") != fake.api_key:
                    return self._answer(403, {"error": "Invalid API key"})
                if (payload.get("source"), payload.get("target"), payload.get("format")) != ("ar", "en", "text"):
                    return self._answer(400, {"error": "unsupported language pair or format"})
                texts = payload["q"] if isinstance(payload["q"], list) else [payload["q"]]
                if any(fake.refused_marker in text for text in texts):
                    return self._answer(400, {"error": "Invalid request: text too long"})
                translated = [fake.translate(text) for text in texts]
                self._answer(200, {"translatedText": translated if isinstance(payload["q"], list) else translated[0]})

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler
