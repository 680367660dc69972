"""Cost intelligence: anomaly incidents, forecasts with backtest accuracy, budgets, budget alerts,
the notification log, and the public views ``anomalies``, ``forecasts`` and ``budgets``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = "numeric(20, 2)"


def upgrade() -> None:
    _anomalies()
    _forecasts()
    _budgets()
    _notifications()


def _anomalies() -> None:
    op.execute(
        f"""
        CREATE TABLE finops.anomaly_incidents (
          id                 bigserial PRIMARY KEY,
          fingerprint        text NOT NULL UNIQUE,
          scope_kind         text NOT NULL,
          scope              jsonb NOT NULL,
          kind               text NOT NULL CHECK (kind IN ('spike', 'dip', 'level_shift', 'drift')),
          cause              text NOT NULL,
          status             text NOT NULL DEFAULT 'open'
                             CHECK (status IN ('open', 'acknowledged', 'resolved',
                                               'false_positive')),
          status_note        text,
          status_changed_at  timestamptz,
          first_day          date NOT NULL,
          last_day           date NOT NULL,
          expected           {MONEY} NOT NULL,
          lower_bound        {MONEY} NOT NULL,
          upper_bound        {MONEY} NOT NULL,
          actual             {MONEY} NOT NULL,
          impact             {MONEY} NOT NULL,
          impact_pct         numeric(14, 2),
          severity           text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
          peak_score         double precision,
          root_cause         jsonb NOT NULL DEFAULT '[]'::jsonb,
          related_scopes     jsonb NOT NULL DEFAULT '[]'::jsonb,
          cost_metric        text NOT NULL,
          detected_on        date NOT NULL,
          last_run_date      date NOT NULL,
          run_id             text NOT NULL,
          CHECK (first_day <= last_day)
        )
        """
    )
    op.execute(
        "CREATE INDEX anomaly_incidents_days ON finops.anomaly_incidents (first_day, last_day)"
    )
    op.execute(
        """
        CREATE VIEW finops.anomalies AS
        SELECT id, fingerprint, scope_kind, scope, kind, cause, status, status_note,
               first_day, last_day, expected, lower_bound, upper_bound, actual, impact,
               impact_pct, severity, peak_score, root_cause, root_cause -> 0 AS top_cause,
               related_scopes, cost_metric, detected_on, last_run_date
        FROM finops.anomaly_incidents
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.anomalies IS "
        "'Public contract: cost anomaly incidents (deduplicated across scopes and days)'"
    )


def _forecasts() -> None:
    op.execute(
        f"""
        CREATE TABLE finops.forecast_runs (
          id                      bigserial PRIMARY KEY,
          scope_kind              text NOT NULL,
          scope                   jsonb NOT NULL,
          scope_key               text NOT NULL,
          run_date                date NOT NULL,
          cost_metric             text NOT NULL,
          model                   text NOT NULL,
          weights                 jsonb NOT NULL,
          history_days            integer NOT NULL,
          horizon_days            integer NOT NULL,
          backtest_folds          integer NOT NULL,
          backtest_mase           double precision NOT NULL,
          backtest_smape          double precision NOT NULL,
          backtest_by_model       jsonb NOT NULL,
          month_to_date           {MONEY} NOT NULL,
          month_end_projection    {MONEY} NOT NULL,
          month_end_lower80       {MONEY} NOT NULL,
          month_end_upper80       {MONEY} NOT NULL,
          quarter_to_date         {MONEY} NOT NULL,
          quarter_end_projection  {MONEY} NOT NULL,
          quarter_end_lower80     {MONEY} NOT NULL,
          quarter_end_upper80     {MONEY} NOT NULL,
          run_id                  text NOT NULL,
          UNIQUE (scope_key, run_date, cost_metric)
        )
        """
    )
    op.execute(
        f"""
        CREATE TABLE finops.forecast_points (
          forecast_run_id  bigint NOT NULL REFERENCES finops.forecast_runs ON DELETE CASCADE,
          day              date NOT NULL,
          horizon_day      integer NOT NULL,
          yhat             {MONEY} NOT NULL,
          lower80          {MONEY} NOT NULL,
          upper80          {MONEY} NOT NULL,
          lower95          {MONEY} NOT NULL,
          upper95          {MONEY} NOT NULL,
          PRIMARY KEY (forecast_run_id, day)
        )
        """
    )
    op.execute(
        """
        CREATE VIEW finops.forecasts AS
        SELECT r.scope_kind, r.scope, r.run_date, r.cost_metric, r.model,
               r.backtest_mase, r.backtest_smape, p.day, p.horizon_day,
               p.yhat, p.lower80, p.upper80, p.lower95, p.upper95
        FROM finops.forecast_runs r
        JOIN finops.forecast_points p ON p.forecast_run_id = r.id
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.forecasts IS "
        "'Public contract: daily cost forecasts per scope and run date, 80%/95% intervals'"
    )


def _budgets() -> None:
    op.execute(
        f"""
        CREATE TABLE finops.budget_definitions (
          id           bigserial PRIMARY KEY,
          name         text NOT NULL UNIQUE,
          scope_kind   text NOT NULL,
          scope        jsonb NOT NULL DEFAULT '{{}}'::jsonb,
          period       text NOT NULL CHECK (period IN ('monthly', 'quarterly', 'annual')),
          amount       {MONEY} NOT NULL CHECK (amount > 0),
          currency     text NOT NULL DEFAULT 'USD',
          cost_metric  text NOT NULL DEFAULT 'billed_cost',
          thresholds   jsonb NOT NULL,
          channels     jsonb NOT NULL DEFAULT '{{}}'::jsonb,
          created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """
    )
    op.execute(
        f"""
        CREATE TABLE finops.budget_evaluations (
          budget_id     bigint NOT NULL REFERENCES finops.budget_definitions ON DELETE CASCADE,
          period_start  date NOT NULL,
          period_end    date NOT NULL,
          run_date      date NOT NULL,
          actual        {MONEY} NOT NULL,
          forecast      {MONEY} NOT NULL,
          forecast_model text NOT NULL,
          run_id        text NOT NULL,
          PRIMARY KEY (budget_id, period_start, run_date)
        )
        """
    )
    op.execute(
        f"""
        CREATE TABLE finops.budget_alerts (
          id                 bigserial PRIMARY KEY,
          budget_id          bigint NOT NULL REFERENCES finops.budget_definitions ON DELETE CASCADE,
          period_start       date NOT NULL,
          threshold_kind     text NOT NULL CHECK (threshold_kind IN ('actual', 'forecast')),
          threshold_percent  numeric(8, 2) NOT NULL,
          crossed_on         date NOT NULL,
          amount             {MONEY} NOT NULL,
          actual             {MONEY} NOT NULL,
          forecast           {MONEY} NOT NULL,
          run_id             text NOT NULL,
          UNIQUE (budget_id, period_start, threshold_kind, threshold_percent)
        )
        """
    )
    op.execute(
        """
        CREATE VIEW finops.budgets AS
        SELECT b.id, b.name, b.scope_kind, b.scope, b.period, b.amount, b.currency,
               b.cost_metric, b.thresholds, e.period_start, e.period_end, e.run_date,
               e.actual, e.forecast, e.forecast_model,
               round(100 * e.actual / b.amount, 2) AS actual_pct,
               round(100 * e.forecast / b.amount, 2) AS forecast_pct
        FROM finops.budget_definitions b
        LEFT JOIN LATERAL (
          SELECT * FROM finops.budget_evaluations e
          WHERE e.budget_id = b.id ORDER BY e.run_date DESC LIMIT 1
        ) e ON true
        """
    )
    op.execute(
        "COMMENT ON VIEW finops.budgets IS "
        "'Public contract: budgets with their latest actual and forecast for the current period'"
    )


def _notifications() -> None:
    op.execute(
        """
        CREATE TABLE finops.notification_log (
          id          bigserial PRIMARY KEY,
          dedup_key   text NOT NULL,
          channel     text NOT NULL CHECK (channel IN ('webhook', 'email')),
          target      text NOT NULL,
          subject     text NOT NULL,
          payload     jsonb NOT NULL,
          status      text NOT NULL CHECK (status IN ('sent', 'failed')),
          attempts    integer NOT NULL,
          error       text,
          logged_at   timestamptz NOT NULL DEFAULT clock_timestamp()
        )
        """
    )
    op.execute(
        "CREATE UNIQUE INDEX notification_log_sent_once ON finops.notification_log "
        "(dedup_key, channel, target) WHERE status = 'sent'"
    )


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS finops.budgets")
    op.execute("DROP VIEW IF EXISTS finops.forecasts")
    op.execute("DROP VIEW IF EXISTS finops.anomalies")
    for table in (
        "notification_log",
        "budget_alerts",
        "budget_evaluations",
        "budget_definitions",
        "forecast_points",
        "forecast_runs",
        "anomaly_incidents",
    ):
        op.execute(f"DROP TABLE IF EXISTS finops.{table}")
