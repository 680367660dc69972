"""The API's load shedding (``finops.api.limits.InFlightLimit``): past ``limit`` requests being
computed at once, one more is refused at once (503 ``overloaded``, ``Retry-After``) instead of
queueing; health, metrics and the dashboard's files never are; in the app it sits inside the
response cache, so a cached answer never counts against it."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import Receive, Scope, Send

from finops.api.cache import ResponseCache
from finops.api.limits import InFlightLimit
from finops.api.main import create_app
from finops.config import Settings


class Held:
    """An ASGI app whose ``/api/`` answers wait until released (a slow computation)."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"].startswith("/api/"):
            self.entered.set()
            await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def test_one_request_past_the_limit_is_refused_at_once_and_admitted_after() -> None:
    async def scenario() -> None:
        held = Held()
        app = InFlightLimit(held, limit=1)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            first = asyncio.create_task(client.get("/api/v1/kpi/summary"))
            await asyncio.wait_for(held.entered.wait(), timeout=5)

            refused = await asyncio.wait_for(client.get("/api/v1/spend/trend"), timeout=5)
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "1"
            body = refused.json()
            assert body["code"] == "overloaded"
            assert "FINOPS_API_MAX_IN_FLIGHT" in body["detail"]
            # probes and the dashboard's files are never refused
            for path in ("/healthz", "/metrics", "/"):
                assert (await client.get(path)).status_code == 200

            held.release.set()
            assert (await first).status_code == 200
            assert (await client.get("/api/v1/spend/trend")).status_code == 200
            assert app.in_flight == 0

    asyncio.run(scenario())


def test_no_limit_admits_everything() -> None:
    async def scenario() -> None:
        held = Held()
        held.release.set()
        app = InFlightLimit(held, limit=0)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            answers = await asyncio.gather(*(client.get("/api/v1/x") for _ in range(20)))
        assert {a.status_code for a in answers} == {200}

    asyncio.run(scenario())


def test_the_app_sheds_inside_the_response_cache(finops_home: object) -> None:
    """Middleware order (outermost first): a cached answer is served before the limit counts."""
    settings = Settings(environment="test", api_max_in_flight=7)
    app = create_app(settings=settings, frontend_dist=None)
    order = [m.cls for m in app.user_middleware]
    assert order.index(ResponseCache) < order.index(InFlightLimit)
    limit = next(m for m in app.user_middleware if m.cls is InFlightLimit)
    assert limit.kwargs == {"limit": 7}
