"""The open-loop HTTP load of the API benchmarks (``benchmarks/api.py``,
``benchmarks/api_overhead.py``): the dashboard endpoints they drive, a keep-alive client on
asyncio streams, the clock that sends requests whatever happened to the earlier ones, and the
table of per-endpoint percentiles."""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

ENDPOINTS = {
    "kpi summary": "/api/v1/kpi/summary",
    "spend trend (service)": "/api/v1/spend/trend?dimension=service_name",
    "spend trend (account, month)": "/api/v1/spend/trend?dimension=sub_account_id"
    "&billing_period=2026-09",
    "filters": "/api/v1/filters",
    "explorer (service, 3 months)": "/api/v1/explorer?group_by=service_name",
}


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    why: dict[str, int] = field(default_factory=dict)  # error kind (status, exception) -> count


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _Closed(Exception):
    """The server closed the connection before answering."""


class Connections:
    """Keep-alive HTTP/1.1 connections to the server, spoken directly on asyncio streams: the
    client's own cost per request stays far below httpx's, so on a small shared machine the
    load generator is not what limits the rate (a connection per request in flight)."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.head = f"Host: {host}:{port}\r\n{extra}\r\n".encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def get(self, path: str) -> int:
        """The status of ``GET path`` (the body read and dropped). A kept-alive connection the
        server has closed meanwhile (uvicorn closes idle ones after 5 s) is replaced by a new
        one, once, as any HTTP client does."""
        if self.idle:
            reader, writer = self.idle.pop()
            try:
                return await self._get(reader, writer, path)
            except (OSError, asyncio.IncompleteReadError, _Closed):
                pass
        reader, writer = await asyncio.open_connection(self.host, self.port)
        return await self._get(reader, writer, path)

    async def _get(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str
    ) -> int:
        try:
            writer.write(f"GET {path} HTTP/1.1\r\n".encode() + self.head)
            await writer.drain()
            status_line = await reader.readline()
            if not status_line:
                raise _Closed(path)
            length, closing = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                elif name.lower() == "connection" and "close" in value.lower():
                    closing = True
            await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if closing:
            writer.close()
        else:
            self.idle.append((reader, writer))
        return int(status_line.split()[1])


async def drive(
    base: str,
    headers: dict[str, str],
    *,
    rate: float,
    duration: float,
    endpoints: dict[str, str] = ENDPOINTS,
) -> Samples:
    """Open loop: request i is due at start + i / rate, whatever happened to the others
    (round-robin over ``endpoints``, name -> path)."""
    samples = Samples()
    names = list(endpoints)
    host, port = base.removeprefix("http://").split(":")
    client = Connections(host, int(port), headers)
    for name in names:  # warm each endpoint once (a server still busy may time out)
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(client.get(endpoints[name]), timeout=60)

    async def one(name: str, due: float) -> None:
        try:
            status = await asyncio.wait_for(client.get(endpoints[name]), timeout=10)
            ok = status == 200
            why = str(status)
        except (TimeoutError, OSError, ValueError, _Closed, asyncio.IncompleteReadError) as e:
            ok, why = False, type(e).__name__
        if not ok:
            samples.why[why] = samples.why.get(why, 0) + 1
        if ok:
            samples.latencies.setdefault(name, []).append(time.perf_counter() - due)
        else:
            samples.errors[name] = samples.errors.get(name, 0) + 1

    tasks = []
    start = time.perf_counter()
    total = int(rate * duration)
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(names[i % len(names)], due)))
    await asyncio.gather(*tasks)
    for _, writer in client.idle:
        writer.close()
    return samples


def table(samples: Samples, duration: float, endpoints: dict[str, str] = ENDPOINTS) -> list[str]:
    """One markdown row per endpoint: answered/s, p50, p95, p99 (ms), errors."""
    rows = []
    for name in endpoints:
        got = samples.latencies.get(name, [])
        ms = [v * 1000 for v in got]
        rows.append(
            f"| {name} | {len(got) / duration:.1f} | {percentile(ms, 0.5):.0f} | "
            f"{percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} | "
            f"{samples.errors.get(name, 0)} |"
        )
    return rows
