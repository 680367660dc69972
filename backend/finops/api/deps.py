"""Request-scoped dependencies as ``Annotated`` aliases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine

from finops.config import Settings
from finops.db.engine import get_engine


def get_engine_dep(request: Request) -> Engine:
    """The app's engine, created from its settings on first use (so building the app, e.g. for
    its OpenAPI schema, needs no database)."""
    state = request.app.state
    if state.engine is None:
        state.engine = get_engine(state.settings)
    engine: Engine = state.engine
    return engine


def get_connection(request: Request) -> Iterator[Connection]:
    with get_engine_dep(request).connect() as conn:
        yield conn


def get_request_id(request: Request) -> str:
    """The id the request is logged under (set by the app's middleware; the ``x-request-id``
    header when the caller sent one), to tie audit rows to the request log."""
    request_id = getattr(request.state, "request_id", None)
    return str(request_id) if request_id else uuid.uuid4().hex


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


EngineDep = Annotated[Engine, Depends(get_engine_dep)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ConnectionDep = Annotated[Connection, Depends(get_connection)]
RequestIdDep = Annotated[str, Depends(get_request_id)]
