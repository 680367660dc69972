"""A moto server on loopback for tests that talk to AWS APIs through boto3.

moto keeps its fake AWS state in process-wide backends, shared by every server a test process
starts; each server therefore starts (and stops) with that state reset, so one test module's
resources never show up in another's.
"""

from __future__ import annotations

import urllib.request

from moto.server import ThreadedMotoServer


def reset_moto(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def start_moto_server() -> tuple[ThreadedMotoServer, str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    reset_moto(endpoint)
    return server, endpoint


def stop_moto_server(server: ThreadedMotoServer, endpoint: str) -> None:
    reset_moto(endpoint)
    server.stop()
