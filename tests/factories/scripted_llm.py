"""A local OpenAI-compatible chat-completions server that plays the model with scripted replies
(no model can be downloaded here): it checks the bearer key and path, hands the last message to
``reply``, and answers its text, or 503 when ``reply`` returns None."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pydantic import SecretStr

from finops.config import Settings


@contextmanager
def scripted_openai(
    settings: Settings, *, key: str, reply: Callable[[str], str | None]
) -> Iterator[Settings]:
    """``settings`` pointed at the scripted server for as long as the context lasts."""

    class _Model(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.headers["Authorization"] == f"Bearer {key}"
            assert self.path == "/v1/chat/completions"
            content = reply(body["messages"][-1]["content"])
            if content is None:
                self.send_response(503)
                self.end_headers()
                return
            message = {"role": "assistant", "content": content}
            payload = json.dumps({"choices": [{"message": message}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(payload.encode())

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Model)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield settings.model_copy(
            update={
                "assistant_provider": "openai",
                "assistant_base_url": f"http://127.0.0.1:{server.server_address[1]}/v1",
                "assistant_api_key": SecretStr(key),
            }
        )
    finally:
        server.shutdown()
        server.server_close()
