"""Which billing source a set of export files belongs to, decided by what the export is.

A source's identity (``natural_key``) is derived from the export itself, never from a folder
name alone, so two exports can never share one:

- CUR 2.0 (AWS Data Exports): the export's name and the payer account(s) in the data;
- legacy CUR: the report name and the payer account(s);
- FOCUS and other providers' exports: the provider(s) and billing account(s) in the data plus
  where the export lives (the folder or file, an ``s3://`` URI as given).

A source also has a name, ``x_source_id`` of its cost facts: the one given with ``--source``,
or a default (``cur2:<export>``, ``focus:<folder>``) made unique when another identity holds it.
Sources loaded before identities existed are adopted by their name at their next load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import psycopg

from finops.errors import IngestError
from finops.ingest.billing.sources import PeriodFiles

Connection = psycopg.Connection[tuple[object, ...]]


@dataclass(frozen=True)
class SourceIdentity:
    natural_key: str
    default_name: str
    source_format: str
    providers: tuple[str, ...]
    billing_accounts: tuple[str, ...]
    export_name: str | None
    location: str


def identify(unit: PeriodFiles, *, parties: list[tuple[str, str]]) -> SourceIdentity:
    """The identity of ``unit`` given the (provider, billing account) pairs in its data."""
    providers = tuple(sorted({p for p, _ in parties if p}))
    accounts = tuple(sorted({a for _, a in parties if a}))
    key: dict[str, object] = {"format": unit.source_format, "billing_accounts": list(accounts)}
    if unit.source_format in ("cur", "cur2") and unit.export_name:
        key["export"] = unit.export_name
    else:
        key["providers"] = list(providers)
        key["location"] = unit.location
    return SourceIdentity(
        natural_key=json.dumps(key, sort_keys=True, separators=(",", ":")),
        default_name=unit.default_name,
        source_format=unit.source_format,
        providers=providers,
        billing_accounts=accounts,
        export_name=unit.export_name,
        location=unit.location,
    )


def resolve(
    conn: Connection, identity: SourceIdentity, *, requested: str | None, register: bool = True
) -> str:
    """The name of the source ``identity`` loads into, registering it when new.

    Call it with ``register`` inside the load's transaction, so a refused load registers
    nothing; without, it only tells the name (for the ingest log of a load about to start).
    """
    if register:
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('finops.billing_sources'))")
    owner = _scalar(
        conn,
        "SELECT source_id FROM finops.billing_sources WHERE natural_key = %s",
        identity.natural_key,
    )
    if requested is not None:
        return _claim(conn, identity, requested, owner, register=register)
    if owner is not None:
        if register:
            _touch(conn, owner, identity)
        return owner
    legacy = _scalar(
        conn,
        "SELECT source_id FROM finops.billing_sources WHERE source_id = %s AND natural_key IS NULL",
        identity.default_name,
    )
    if legacy is not None:  # loaded before identities existed: adopt it
        if register:
            _touch(conn, legacy, identity)
        return legacy
    name = _free_name(conn, identity)
    if register:
        _insert(conn, name, identity)
    return name


def _claim(
    conn: Connection,
    identity: SourceIdentity,
    requested: str,
    owner: str | None,
    *,
    register: bool,
) -> str:
    if not requested.strip() or len(requested) > 200:
        raise IngestError(f"--source {requested!r}: give a name of 1 to 200 characters")
    if owner is not None and owner != requested:
        raise IngestError(
            f"--source {requested}: these files are already source {owner} (same export: "
            f"{_describe(identity)}); load them as {owner}, or rename it first with "
            f"'finops sources rename {owner} {requested}'"
        )
    exists = _scalar(
        conn, "SELECT source_id FROM finops.billing_sources WHERE source_id = %s", requested
    )
    if not register:
        return requested
    if exists is None:
        _insert(conn, requested, identity)
    else:  # the user says these files are that source (an export that moved, say)
        _touch(conn, requested, identity)
    return requested


def _free_name(conn: Connection, identity: SourceIdentity) -> str:
    base = identity.default_name
    accounts = "+".join(identity.billing_accounts[:3]) or "unknown-account"
    candidates = [base, f"{base}@{accounts}", *(f"{base}@{accounts}-{n}" for n in range(2, 100))]
    for name in candidates:
        taken = _scalar(
            conn, "SELECT source_id FROM finops.billing_sources WHERE source_id = %s", name
        )
        if taken is None:
            return name
    raise IngestError(f"{base}: no free source name; give one with --source NAME")


def _insert(conn: Connection, name: str, identity: SourceIdentity) -> None:
    conn.execute(
        "INSERT INTO finops.billing_sources (source_id, source_format, natural_key, "
        "provider_names, billing_account_ids, export_name, location, last_loaded_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, clock_timestamp())",
        (
            name,
            identity.source_format,
            identity.natural_key,
            list(identity.providers),
            list(identity.billing_accounts),
            identity.export_name,
            identity.location,
        ),
    )


def _touch(conn: Connection, name: str, identity: SourceIdentity) -> None:
    conn.execute(
        "UPDATE finops.billing_sources SET natural_key = %s, source_format = %s, "
        "provider_names = %s, billing_account_ids = %s, export_name = %s, location = %s, "
        "last_loaded_at = clock_timestamp() WHERE source_id = %s",
        (
            identity.natural_key,
            identity.source_format,
            list(identity.providers),
            list(identity.billing_accounts),
            identity.export_name,
            identity.location,
            name,
        ),
    )


def _describe(identity: SourceIdentity) -> str:
    what = (
        f"{identity.source_format} export {identity.export_name}"
        if identity.export_name
        else (f"{identity.source_format} files at {identity.location}")
    )
    accounts = ", ".join(identity.billing_accounts) or "no billing account"
    return f"{what}, billing account(s) {accounts}"


def _scalar(conn: Connection, query: str, value: str) -> str | None:
    row = conn.execute(query, (value,)).fetchone()
    return None if row is None else str(row[0])
