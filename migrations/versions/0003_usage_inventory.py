"""Usage and inventory: resource history, CloudWatch series, raw 5-minute points, daily
utilization percentiles, and the log of usage/inventory runs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _inventory()
    _utilization()
    _usage_ingest_log()


def _inventory() -> None:
    # Content-addressed configurations: a resource observed every day with the same
    # configuration and tags stores them once.
    op.execute(
        """
        CREATE TABLE finops.resource_configurations (
          config_hash   text PRIMARY KEY,
          configuration jsonb NOT NULL,
          tags          jsonb NOT NULL DEFAULT '{}'::jsonb
        )
        """
    )
    # One row per resource per day it was seen (the history).
    op.execute(
        """
        CREATE TABLE finops.resource_observations (
          provider       text NOT NULL DEFAULT 'aws',
          account_id     text NOT NULL,
          region         text NOT NULL,
          resource_type  text NOT NULL,
          resource_id    text NOT NULL,
          observed_on    date NOT NULL,
          arn            text,
          name           text,
          state          text,
          deleted        boolean NOT NULL DEFAULT false,
          created_at     timestamptz,
          config_hash    text NOT NULL REFERENCES finops.resource_configurations,
          source         text NOT NULL,
          PRIMARY KEY (account_id, region, resource_type, resource_id, observed_on)
        )
        """
    )
    op.execute(
        "CREATE INDEX resource_observations_scope ON finops.resource_observations "
        "(account_id, region, observed_on)"
    )
    # Which (account, region, resource type) was fully listed on which day: what makes a
    # resource absent from a later listing count as terminated.
    op.execute(
        """
        CREATE TABLE finops.inventory_scans (
          account_id    text NOT NULL,
          region        text NOT NULL,
          resource_type text NOT NULL,
          observed_on   date NOT NULL,
          source        text NOT NULL,
          run_id        text NOT NULL,
          PRIMARY KEY (account_id, region, resource_type, observed_on)
        )
        """
    )
    # Current state per resource, recomputed from the history for each (account, region) a
    # run touches.
    op.execute(
        """
        CREATE TABLE finops.inventory_resources (
          provider       text NOT NULL DEFAULT 'aws',
          account_id     text NOT NULL,
          region         text NOT NULL,
          resource_type  text NOT NULL,
          resource_id    text NOT NULL,
          arn            text,
          name           text,
          state          text,
          created_at     timestamptz,
          first_seen     date NOT NULL,
          last_seen      date NOT NULL,
          terminated_on  date,
          configuration  jsonb NOT NULL,
          tags           jsonb NOT NULL DEFAULT '{}'::jsonb,
          source         text NOT NULL,
          PRIMARY KEY (account_id, region, resource_type, resource_id)
        )
        """
    )
    op.execute(
        """
        CREATE VIEW finops.resources AS
        SELECT provider, account_id, region, resource_type, resource_id, arn, name,
               CASE WHEN terminated_on IS NOT NULL THEN 'terminated' ELSE state END AS state,
               terminated_on IS NOT NULL AS is_terminated,
               created_at, first_seen, last_seen, terminated_on, configuration, tags, source,
               CASE resource_type
                 WHEN 'AWS::RDS::DBInstance' THEN name
                 WHEN 'AWS::Lambda::Function' THEN name
                 WHEN 'AWS::ElasticLoadBalancingV2::LoadBalancer'
                   THEN substring(arn FROM 'loadbalancer/(.*)$')
                 WHEN 'AWS::ElasticLoadBalancingV2::TargetGroup'
                   THEN substring(arn FROM '(targetgroup/.*)$')
                 ELSE resource_id
               END AS metric_resource_id
        FROM finops.inventory_resources
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.resources IS "
        "'Public contract: one row per cloud resource ever seen; terminated ones are kept'"
    )
    op.execute(
        """
        CREATE VIEW finops.resource_history AS
        SELECT o.provider, o.account_id, o.region, o.resource_type, o.resource_id, o.observed_on,
               o.arn, o.name, o.state, o.deleted, o.created_at, c.configuration, c.tags, o.source
        FROM finops.resource_observations o
        JOIN finops.resource_configurations c USING (config_hash)
        """
    )


def _utilization() -> None:
    op.execute(
        """
        CREATE TABLE finops.metric_series (
          series_id    bigserial PRIMARY KEY,
          provider     text NOT NULL DEFAULT 'aws',
          account_id   text NOT NULL,
          region       text NOT NULL,
          namespace    text NOT NULL,
          metric_name  text NOT NULL,
          dimensions   jsonb NOT NULL,
          stat         text NOT NULL,
          unit         text,
          resource_id  text NOT NULL,
          UNIQUE (account_id, region, namespace, metric_name, dimensions, stat)
        )
        """
    )
    op.execute(
        "CREATE INDEX metric_series_resource ON finops.metric_series (resource_id, metric_name)"
    )
    op.execute(
        """
        CREATE TABLE finops.metric_points (
          series_id  bigint NOT NULL,
          ts         timestamptz NOT NULL,
          value      double precision NOT NULL,
          PRIMARY KEY (series_id, ts)
        ) PARTITION BY RANGE (ts)
        """
    )
    op.execute(
        "COMMENT ON TABLE finops.metric_points IS "
        "'Raw 5-minute CloudWatch points, one partition per UTC day, kept for a configurable "
        "number of days (default 15) before the newest day ingested'"
    )
    op.execute(
        """
        CREATE FUNCTION finops.ensure_metric_partition(day date) RETURNS text
        LANGUAGE plpgsql AS $$
        DECLARE
          part text := format('metric_points_%s', to_char(day, 'YYYY_MM_DD'));
        BEGIN
          IF to_regclass('finops.' || part) IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtext('finops.partition.' || part));
            IF to_regclass('finops.' || part) IS NULL THEN
              EXECUTE format(
                'CREATE TABLE finops.%I PARTITION OF finops.metric_points '
                'FOR VALUES FROM (%L) TO (%L)',
                part, (day::timestamp AT TIME ZONE 'UTC'),
                ((day + 1)::timestamp AT TIME ZONE 'UTC'));
            END IF;
          END IF;
          RETURN part;
        END $$
        """
    )
    op.execute(
        """
        CREATE FUNCTION finops.drop_metric_partitions_before(cutoff date) RETURNS integer
        LANGUAGE plpgsql AS $$
        DECLARE
          part record;
          dropped integer := 0;
        BEGIN
          FOR part IN
            SELECT c.relname FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            JOIN pg_namespace n ON n.oid = p.relnamespace
            WHERE n.nspname = 'finops' AND p.relname = 'metric_points'
              AND c.relname ~ '^metric_points_\\d{4}_\\d{2}_\\d{2}$'
              AND to_date(substr(c.relname, 15), 'YYYY_MM_DD') < cutoff
          LOOP
            EXECUTE format('DROP TABLE finops.%I', part.relname);
            dropped := dropped + 1;
          END LOOP;
          RETURN dropped;
        END $$
        """
    )
    op.execute(
        """
        CREATE TABLE finops.utilization_daily_stats (
          series_id     bigint NOT NULL REFERENCES finops.metric_series,
          day           date NOT NULL,
          avg           double precision NOT NULL,
          p50           double precision NOT NULL,
          p95           double precision NOT NULL,
          p99           double precision NOT NULL,
          min           double precision NOT NULL,
          max           double precision NOT NULL,
          sample_count  integer NOT NULL,
          PRIMARY KEY (series_id, day)
        )
        """
    )
    op.execute("CREATE INDEX utilization_daily_stats_day ON finops.utilization_daily_stats (day)")
    op.execute(
        """
        CREATE VIEW finops.utilization_daily AS
        SELECT s.provider, s.account_id, s.region, s.resource_id, s.namespace, s.metric_name,
               s.stat, s.unit, s.dimensions, d.day, d.avg, d.p50, d.p95, d.p99, d.min, d.max,
               d.sample_count
        FROM finops.utilization_daily_stats d
        JOIN finops.metric_series s USING (series_id)
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.utilization_daily IS "
        "'Public contract: per resource, metric, statistic and UTC day: mean, percentiles "
        "(linear interpolation) and max of the 5-minute points, and how many points there were'"
    )


def _usage_ingest_log() -> None:
    op.execute(
        """
        CREATE TABLE finops.usage_ingest_log (
          id            bigserial PRIMARY KEY,
          run_id        text NOT NULL,
          kind          text NOT NULL CHECK (kind IN ('usage', 'inventory')),
          source        text NOT NULL,
          account_id    text NOT NULL,
          region        text NOT NULL,
          day           date,
          status        text NOT NULL CHECK (status IN ('succeeded', 'skipped', 'failed')),
          reason        text,
          message       text,
          resources     integer,
          series        integer,
          points        bigint,
          api_calls     integer,
          started_at    timestamptz NOT NULL,
          finished_at   timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """
    )
    op.execute(
        "CREATE INDEX usage_ingest_log_scope ON finops.usage_ingest_log "
        "(kind, account_id, region, day, id DESC)"
    )


def downgrade() -> None:
    for view in ("utilization_daily", "resource_history", "resources"):
        op.execute(f"DROP VIEW IF EXISTS finops.{view}")
    op.execute("DROP TABLE finops.usage_ingest_log")
    op.execute("DROP TABLE finops.utilization_daily_stats")
    op.execute("DROP TABLE finops.metric_points")
    op.execute("DROP FUNCTION finops.drop_metric_partitions_before(date)")
    op.execute("DROP FUNCTION finops.ensure_metric_partition(date)")
    op.execute("DROP TABLE finops.metric_series")
    op.execute("DROP TABLE finops.inventory_resources")
    op.execute("DROP TABLE finops.inventory_scans")
    op.execute("DROP TABLE finops.resource_observations")
    op.execute("DROP TABLE finops.resource_configurations")
