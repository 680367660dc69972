import { useId, useMemo, useState } from "react";

import type {
  BudgetPublic,
  BudgetsPublic,
  ForecastPublic,
  ForecastScopeKind,
  ForecastsPublic,
} from "../api/client";
import { useBudgets, useDeleteBudget, useForecasts } from "../api/queries";
import { BudgetForm } from "../components/BudgetForm";
import { EChart } from "../components/EChart";
import { buildForecastOption } from "../components/forecastOption";
import { ErrorMessage, Loading } from "../components/QueryStatus";
import { scopeLabel } from "../lib/anomalies";
import { formatBillingPeriod, formatDayLabel, formatLongDate } from "../lib/dates";
import { formatMoney, moneyToNumber } from "../lib/money";

const FORECAST_HORIZONS = [30, 90, 180] as const;
/** Days of actual cost shown before the forecast starts. */
export const FORECAST_HISTORY_DAYS = 56;

const SCOPE_KIND_OPTIONS = [
  { value: "total", label: "Whole bill" },
  { value: "account", label: "Account" },
  { value: "service", label: "Service" },
] as const satisfies readonly { value: ForecastScopeKind; label: string }[];

function isScopeKind(value: string): value is ForecastScopeKind {
  return SCOPE_KIND_OPTIONS.some((option) => option.value === value);
}

export function ForecastsPage() {
  const [scopeKind, setScopeKind] = useState<ForecastScopeKind>("total");
  const [horizon, setHorizon] = useState<number>(FORECAST_HORIZONS[0]);
  const [scopeKey, setScopeKey] = useState<string | null>(null);
  const forecasts = useForecasts({
    scope_kind: scopeKind,
    horizon,
    history_days: FORECAST_HISTORY_DAYS,
  });

  return (
    <>
      <div className="toolbar">
        <section className="filter-bar" aria-label="Filters">
          <label className="field">
            <span className="field-label">Scope kind</span>
            <select
              data-testid="forecast-kind-select"
              value={scopeKind}
              onChange={(event) => {
                const value = event.target.value;
                if (isScopeKind(value)) {
                  setScopeKind(value);
                  setScopeKey(null);
                }
              }}
            >
              {SCOPE_KIND_OPTIONS.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </label>
          {forecasts.isSuccess && forecasts.data.data.length > 1 && (
            <label className="field">
              <span className="field-label">Scope</span>
              <select
                data-testid="forecast-scope-select"
                value={chosen(forecasts.data, scopeKey)?.scope_key ?? ""}
                onChange={(event) => {
                  setScopeKey(event.target.value);
                }}
              >
                {forecasts.data.data.map((f) => (
                  <option key={f.scope_key} value={f.scope_key}>
                    {scopeLabel(f.scope)}
                  </option>
                ))}
              </select>
            </label>
          )}
          <label className="field">
            <span className="field-label">Horizon</span>
            <select
              data-testid="forecast-horizon-select"
              value={horizon}
              onChange={(event) => {
                setHorizon(Number(event.target.value));
              }}
            >
              {FORECAST_HORIZONS.map((days) => (
                <option key={days} value={days}>
                  {days} days
                </option>
              ))}
            </select>
          </label>
        </section>
        <span className="data-range">Daily forecasts from the forecast job · latest run</span>
      </div>
      {forecasts.isPending ? (
        <Loading label="Loading forecasts…" />
      ) : forecasts.isError ? (
        <ErrorMessage
          title="Could not load the forecasts"
          error={forecasts.error}
          onRetry={() => void forecasts.refetch()}
        />
      ) : (
        <ForecastPanel forecasts={forecasts.data} scopeKey={scopeKey} />
      )}
      <BudgetsPanel />
    </>
  );
}

/** The forecast picked in the scope selector, or the first one. */
function chosen(forecasts: ForecastsPublic, scopeKey: string | null): ForecastPublic | undefined {
  return forecasts.data.find((f) => f.scope_key === scopeKey) ?? forecasts.data[0];
}

function ForecastPanel({
  forecasts,
  scopeKey,
}: {
  forecasts: ForecastsPublic;
  scopeKey: string | null;
}) {
  const forecast = chosen(forecasts, scopeKey);
  if (forecast === undefined) {
    return (
      <article className="card">
        <p className="empty">
          No forecasts for this scope kind yet. The forecast job (finops run forecasts) makes them.
        </p>
      </article>
    );
  }
  return <Forecast forecast={forecast} currency={forecasts.currency} horizon={forecasts.horizon} />;
}

function Projection({
  label,
  testId,
  projection,
  currency,
}: {
  label: string;
  testId: string;
  projection: ForecastPublic["month_end"];
  currency: string;
}) {
  return (
    <article className="card kpi-card">
      <h2 className="kpi-label">{label}</h2>
      <p className="kpi-value" data-testid={testId}>
        {formatMoney(projection.projection, currency)}
      </p>
      <p className="kpi-caption">
        80%: {formatMoney(projection.lower80, currency)} –{" "}
        {formatMoney(projection.upper80, currency)} · {formatMoney(projection.to_date, currency)}{" "}
        to date
      </p>
    </article>
  );
}

function Forecast({
  forecast,
  currency,
  horizon,
}: {
  forecast: ForecastPublic;
  currency: string;
  horizon: number;
}) {
  const option = useMemo(() => buildForecastOption(forecast, currency), [forecast, currency]);
  const renderKey = `${forecast.scope_key}:${forecast.run_date}:${String(forecast.points.length)}`;
  const modelWeights = Object.entries(forecast.weights)
    .filter(([, weight]) => weight > 0)
    .map(([model, weight]) => `${model} ${(weight * 100).toFixed(0)}%`)
    .join(", ");
  return (
    <>
      <section className="kpi-grid" aria-label="Projections">
        <Projection
          label={`Month end (${formatDayLabel(forecast.month_end.period_end)})`}
          testId="forecast-month-end"
          projection={forecast.month_end}
          currency={currency}
        />
        <Projection
          label={`Quarter end (${formatDayLabel(forecast.quarter_end.period_end)})`}
          testId="forecast-quarter-end"
          projection={forecast.quarter_end}
          currency={currency}
        />
        <article className="card kpi-card">
          <h2 className="kpi-label">Model</h2>
          <p className="kpi-value" data-testid="forecast-model">
            {forecast.model}
          </p>
          <p className="kpi-caption">{modelWeights}</p>
        </article>
        <article className="card kpi-card">
          <h2 className="kpi-label">Backtest accuracy</h2>
          <p className="kpi-value" data-testid="forecast-mase">
            MASE {forecast.backtest_mase.toFixed(3)}
          </p>
          <p className="kpi-caption">
            sMAPE {forecast.backtest_smape.toFixed(2)}% · {forecast.backtest_folds} rolling origins
          </p>
        </article>
      </section>
      <article className="card">
        <header className="card-header">
          <div>
            <h2 className="card-title">Daily cost forecast · {scopeLabel(forecast.scope)}</h2>
            <span className="card-subtitle">
              Run on {formatLongDate(forecast.run_date)} · next {horizon} days with 80% and 95%
              intervals · {forecast.cost_metric.replaceAll("_", " ")} in {currency}
            </span>
          </div>
        </header>
        <div
          className="trend-chart"
          data-testid="forecast-chart"
          data-scope-key={forecast.scope_key}
        >
          <EChart
            option={option}
            renderKey={renderKey}
            ariaLabel={`Daily cost forecast for ${scopeLabel(forecast.scope)}`}
          />
        </div>
      </article>
    </>
  );
}

function BudgetsPanel() {
  const budgets = useBudgets();
  if (budgets.isPending) {
    return <Loading label="Loading budgets…" />;
  }
  if (budgets.isError) {
    return (
      <ErrorMessage
        title="Could not load the budgets"
        error={budgets.error}
        onRetry={() => void budgets.refetch()}
      />
    );
  }
  return <BudgetsTable budgets={budgets.data} />;
}

function periodText(budget: BudgetPublic): string {
  const evaluation = budget.evaluation;
  if (evaluation === null) {
    return budget.period;
  }
  if (budget.period === "monthly") {
    return formatBillingPeriod(evaluation.period_start.slice(0, 7));
  }
  return `${formatDayLabel(evaluation.period_start)} – ${formatLongDate(evaluation.period_end)}`;
}

/** The budget bar: actual cost's share of the amount, with the forecast's share as a marker. */
function BudgetBar({ budget }: { budget: BudgetPublic }) {
  const evaluation = budget.evaluation;
  if (evaluation === null) {
    return <span className="cell-sub">not evaluated yet</span>;
  }
  const actual = moneyToNumber(evaluation.actual_pct);
  const forecast = moneyToNumber(evaluation.forecast_pct);
  return (
    <div className="share">
      <div className="share-track" aria-hidden="true">
        <div
          className={actual >= 100 ? "share-fill share-fill-over" : "share-fill"}
          style={{ width: `${String(Math.min(100, actual))}%` }}
        />
        <div className="share-marker" style={{ left: `${String(Math.min(100, forecast))}%` }} />
      </div>
      <span className="share-pct">{evaluation.actual_pct}%</span>
    </div>
  );
}

/**
 * Delete, then a confirm step: "Delete this budget?" with Yes, delete and Cancel. The focus
 * goes to Cancel on the way in and back to Delete on cancelling (`focusDelete`).
 */
function DeleteBudget({
  budget,
  confirming,
  pending,
  focusDelete,
  onAsk,
  onConfirm,
  onCancel,
}: {
  budget: BudgetPublic;
  confirming: boolean;
  pending: boolean;
  focusDelete: boolean;
  onAsk: () => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  if (!confirming) {
    return (
      <button
        type="button"
        className="button button-plain"
        aria-label={`Delete budget ${budget.name}`}
        autoFocus={focusDelete}
        onClick={onAsk}
      >
        Delete
      </button>
    );
  }
  return (
    <div className="confirm" role="group" aria-label={`Confirm deleting budget ${budget.name}`}>
      <span>Delete this budget?</span>
      <button type="button" className="button" disabled={pending} onClick={onConfirm}>
        {pending ? "Deleting…" : "Yes, delete"}
      </button>
      <button
        type="button"
        className="button button-plain"
        disabled={pending}
        // the safe choice takes the focus: pressing Enter twice on Delete deletes nothing
        autoFocus
        onClick={onCancel}
      >
        Cancel
      </button>
    </div>
  );
}

function BudgetsTable({ budgets }: { budgets: BudgetsPublic }) {
  const [creating, setCreating] = useState(false);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [cancelled, setCancelled] = useState<number | null>(null);
  const [notice, setNotice] = useState("");
  const remove = useDeleteBudget();
  const formId = useId();

  function deleteBudget(budget: BudgetPublic) {
    setNotice("");
    remove.mutate(budget.id, {
      onSuccess: () => {
        setNotice(`Deleted budget “${budget.name}”.`);
      },
      onSettled: () => {
        setConfirming(null);
      },
    });
  }

  return (
    <article className="card table-card">
      <header className="card-header">
        <div>
          <h2 className="card-title">Budgets</h2>
          <span className="card-subtitle">
            Actual cost to date and the forecast for the period against each budget (budget check
            job, latest run)
          </span>
        </div>
        <div className="card-actions">
          <span className="card-subtitle">
            {budgets.count} {budgets.count === 1 ? "budget" : "budgets"}
          </span>
          <button
            type="button"
            className="button button-primary"
            aria-expanded={creating}
            aria-controls={formId}
            onClick={() => {
              setCreating(!creating);
              setNotice("");
            }}
          >
            New budget
          </button>
        </div>
      </header>
      <div id={formId}>
        {creating && (
          <BudgetForm
            onCreated={(budget) => {
              setCreating(false);
              setNotice(
                `Created budget “${budget.name}”. ` +
                  "The budget check job evaluates it on its next run.",
              );
            }}
            onCancel={() => {
              setCreating(false);
            }}
          />
        )}
      </div>
      <p className="notice" role="status" data-testid="budgets-notice">
        {notice}
      </p>
      {remove.isError && <ErrorMessage title="Could not delete the budget" error={remove.error} />}
      {budgets.data.length === 0 ? (
        <p className="empty">No budgets yet. Create one with New budget.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="budgets-table">
            <thead>
              <tr>
                <th scope="col">Budget</th>
                <th scope="col">Period</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col" className="num">
                  Actual
                </th>
                <th scope="col" className="num">
                  Forecast
                </th>
                <th scope="col" className="share-col">
                  Used
                </th>
                <th scope="col">Alerts fired</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {budgets.data.map((budget) => {
                const evaluation = budget.evaluation;
                const over = evaluation !== null && moneyToNumber(evaluation.forecast_pct) >= 100;
                return (
                  <tr
                    key={budget.id}
                    data-testid="budget-row"
                    className={over ? "row-warn" : undefined}
                  >
                    <td>
                      <div className="cell-main">{budget.name}</div>
                      <div className="cell-sub">{scopeLabel(budget.scope)}</div>
                    </td>
                    <td>{periodText(budget)}</td>
                    <td className="num">{formatMoney(budget.amount, budget.currency)}</td>
                    <td className="num">
                      {evaluation === null
                        ? "—"
                        : formatMoney(evaluation.actual, budget.currency)}
                    </td>
                    <td className="num">
                      {evaluation === null ? (
                        "—"
                      ) : (
                        <>
                          <div className="strong">
                            {formatMoney(evaluation.forecast, budget.currency)}
                          </div>
                          <div className="cell-sub">{evaluation.forecast_pct}% of amount</div>
                        </>
                      )}
                    </td>
                    <td className="share-col">
                      <BudgetBar budget={budget} />
                    </td>
                    <td>
                      {budget.alerts.length === 0
                        ? "—"
                        : budget.alerts
                            .map((a) => `${a.threshold_kind} ≥ ${a.threshold_percent}%`)
                            .join(", ")}
                    </td>
                    <td className="actions-col">
                      <DeleteBudget
                        budget={budget}
                        confirming={confirming === budget.id}
                        pending={remove.isPending && remove.variables === budget.id}
                        focusDelete={cancelled === budget.id}
                        onAsk={() => {
                          setConfirming(budget.id);
                        }}
                        onConfirm={() => {
                          deleteBudget(budget);
                        }}
                        onCancel={() => {
                          setConfirming(null);
                          setCancelled(budget.id);
                        }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </article>
  );
}
