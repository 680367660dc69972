"""The DAGs' AWS access: the base session of Airflow's AWS connection.

A DAG task that calls AWS asks :func:`connection_session` for the session of the Airflow
connection ``FINOPS_AIRFLOW_AWS_CONN_ID`` (default ``finops_aws``), built by
``apache-airflow-providers-amazon``'s ``AwsBaseHook`` (credentials, region, role assumption,
``endpoint_url`` as the connection says; the connection itself from ``AIRFLOW_CONN_FINOPS_AWS``,
Vault through the secrets backend, or the metadata database), and passes it to the ``finops``
function it calls. Without such a connection the task keeps the platform's own way
(``FINOPS_AWS_*`` settings and the default credential chain) and says so in its log.

Call it inside a running task only: the connection is looked up through the task's supervisor.
"""

from __future__ import annotations

import structlog

from finops.config import Settings, get_settings
from finops.ingest.aws import AwsSessions, AwsSettings, BaseSession

log = structlog.get_logger(__name__)

DEFAULT_CHAIN = "FINOPS_AWS_* settings and the default credential chain"


def connection_session(
    *, conn_id: str | None = None, settings: Settings | None = None
) -> BaseSession | None:
    """The base session of the Airflow AWS connection ``conn_id`` (default
    ``FINOPS_AIRFLOW_AWS_CONN_ID``); None, logged, when none is configured."""
    from airflow.providers.amazon.aws.hooks.base_aws import AwsBaseHook
    from airflow.providers.common.compat.sdk import AirflowNotFoundException, BaseHook

    settings = settings or get_settings()
    conn_id = settings.airflow_aws_conn_id if conn_id is None else conn_id
    if not conn_id:
        log.info("aws.session", source=DEFAULT_CHAIN, reason="FINOPS_AIRFLOW_AWS_CONN_ID is empty")
        return None
    try:
        BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        log.info(
            "aws.session",
            source=DEFAULT_CHAIN,
            reason=f"no Airflow connection {conn_id!r} (FINOPS_AIRFLOW_AWS_CONN_ID)",
        )
        return None
    hook = AwsBaseHook(aws_conn_id=conn_id, client_type="sts")
    session = hook.get_session(region_name=hook.region_name)
    endpoint = hook.conn_config.endpoint_url
    log.info(
        "aws.session",
        source=f"Airflow connection {conn_id!r}",
        region=session.region_name,
        endpoint_url=endpoint,
    )
    return BaseSession(
        session=session,
        endpoint_url=str(endpoint) if endpoint else None,
        origin=f"Airflow connection {conn_id}",
    )


def remediation_clients(*, settings: Settings | None = None) -> AwsSessions:
    """The remediation DAG's clients: the remediation role assumed from the connection's base
    session (or from the default chain without one)."""
    from finops.remediation import remediation_sessions

    settings = settings or get_settings()
    return remediation_sessions(
        settings=AwsSettings.from_settings(settings), base=connection_session(settings=settings)
    )
