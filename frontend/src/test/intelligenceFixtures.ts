import type {
  AnomaliesPublic,
  AnomalyDayPublic,
  AnomalyDetailPublic,
  AnomalyPublic,
  BudgetsPublic,
  ForecastPublic,
  ForecastsPublic,
} from "../api/client";

export function anomaly(overrides: Partial<AnomalyPublic> = {}): AnomalyPublic {
  return {
    fingerprint: "a1",
    scope_kind: "account_service",
    scope: { account: "333333333333", service: "Amazon Elastic Compute Cloud" },
    kind: "spike",
    cause: "usage_change",
    status: "open",
    status_note: null,
    first_day: "2026-03-20",
    last_day: "2026-03-20",
    expected: "19.66",
    lower_bound: "17.41",
    upper_bound: "21.91",
    actual: "216.44",
    impact: "196.78",
    impact_pct: "1000.92",
    severity: "high",
    peak_score: 43.2,
    top_cause: {
      dimension: "resource",
      value: "i-batch-0001",
      actual: "216.4358",
      expected: "19.6664",
      delta: "196.7694",
      share: 1,
    },
    cost_metric: "billed_cost",
    detected_on: "2026-03-29",
    last_run_date: "2026-03-29",
    ...overrides,
  };
}

export const anomaliesFixture: AnomaliesPublic = {
  data: [
    anomaly({
      fingerprint: "a2",
      scope: { account: "222222222222", service: "Amazon Relational Database Service" },
      first_day: "2026-03-25",
      last_day: "2026-03-25",
      actual: "90.47",
      expected: "29.96",
      impact: "60.51",
      impact_pct: "201.97",
      severity: "medium",
      status: "acknowledged",
      top_cause: {
        dimension: "resource",
        value: "db-main-0001",
        actual: "90.4749",
        expected: "29.9094",
        delta: "60.5655",
        share: 0.9731,
      },
    }),
    anomaly(),
  ],
  count: 2,
  currency: "USD",
};

function day(date: string, overrides: Partial<AnomalyDayPublic> = {}): AnomalyDayPublic {
  return {
    day: date,
    actual: "20.1",
    expected: "19.9",
    lower: "17.5",
    upper: "22.3",
    anomalous: false,
    in_incident: false,
    ...overrides,
  };
}

export const anomalyDetailFixture: AnomalyDetailPublic = {
  ...anomaly(),
  currency: "USD",
  root_cause: [
    {
      dimension: "resource",
      value: "i-batch-0001",
      actual: "216.4358",
      expected: "19.6664",
      delta: "196.7694",
      share: 1,
    },
    {
      dimension: "usage_type",
      value: "BoxUsage:m5.large",
      actual: "216.4358",
      expected: "19.6664",
      delta: "196.7694",
      share: 1,
    },
  ],
  related_scopes: [
    {
      scope_kind: "account",
      scope: { account: "333333333333" },
      first_day: "2026-03-20",
      last_day: "2026-03-20",
      kind: "spike",
      impact: "197.1",
    },
  ],
  series: [
    day("2026-03-18", { expected: null, lower: null, upper: null }),
    day("2026-03-19", { lower: "-3.2" }),
    day("2026-03-20", {
      actual: "216.4358",
      expected: "19.66",
      lower: "17.41",
      upper: "21.91",
      anomalous: true,
      in_incident: true,
    }),
    day("2026-03-21"),
  ],
  usage_incidents: [
    {
      fingerprint: "u1",
      account_id: "333333333333",
      region_id: "us-east-1",
      resource_id: "i-batch-0001",
      resource_type: "AWS::EC2::Instance",
      namespace: "AWS/EC2",
      metric_name: "CPUUtilization",
      stat: "Average",
      unit: "Percent",
      direction: "up",
      pattern: "pinned",
      started_at: "2026-03-20T02:00:00Z",
      ended_at: "2026-03-20T05:00:00Z",
      peak_value: 100,
      expected_value: 38.5,
      peak_score: 9.2,
      cost_anomaly: "a1",
      detected_on: "2026-03-21",
      last_run_date: "2026-03-21",
      series: [
        { ts: "2026-03-20T01:00:00Z", value: 37 },
        { ts: "2026-03-20T02:00:00Z", value: 100 },
        { ts: "2026-03-20T03:00:00Z", value: 100 },
        { ts: "2026-03-20T04:00:00Z", value: 100 },
        { ts: "2026-03-20T05:00:00Z", value: 39 },
      ],
    },
  ],
};

function forecast(overrides: Partial<ForecastPublic> = {}): ForecastPublic {
  return {
    scope_kind: "total",
    scope: {},
    scope_key: "total:",
    run_date: "2026-03-29",
    cost_metric: "billed_cost",
    model: "ets",
    weights: { ets: 1 },
    history_days: 84,
    horizon_days: 180,
    backtest_folds: 2,
    backtest_mase: 0.068616,
    backtest_smape: 0.643284,
    month_end: {
      period_start: "2026-03-01",
      period_end: "2026-03-31",
      to_date: "3652.79",
      projection: "3892.93",
      lower80: "3890.32",
      upper80: "3895.54",
    },
    quarter_end: {
      period_start: "2026-01-01",
      period_end: "2026-03-31",
      to_date: "9736.50",
      projection: "9976.64",
      lower80: "9974.04",
      upper80: "9979.25",
    },
    points: [
      {
        day: "2026-03-30",
        horizon_day: 1,
        yhat: "120.5",
        lower80: "118",
        upper80: "123",
        lower95: "116",
        upper95: "125",
      },
      {
        day: "2026-03-31",
        horizon_day: 2,
        yhat: "119.5",
        lower80: "117",
        upper80: "122",
        lower95: "115",
        upper95: "124",
      },
    ],
    actuals: [
      { day: "2026-03-28", cost: "90.25" },
      { day: "2026-03-29", cost: "91.75" },
    ],
    ...overrides,
  };
}

export function forecastsFixture(kind: string): ForecastsPublic {
  const data =
    kind === "account"
      ? [
          forecast({
            scope_kind: "account",
            scope: { account: "222222222222" },
            scope_key: "account:account=222222222222",
            model: "seasonal_naive",
            weights: { seasonal_naive: 1 },
          }),
          forecast({
            scope_kind: "account",
            scope: { account: "333333333333" },
            scope_key: "account:account=333333333333",
            model: "ensemble",
            weights: { ets: 0.75, moving_average: 0.25 },
            month_end: { ...forecast().month_end, projection: "1254.69" },
          }),
        ]
      : [forecast()];
  return { data, count: data.length, currency: "USD", horizon: 30 };
}

export const budgetsFixture: BudgetsPublic = {
  data: [
    {
      id: 2,
      name: "Data team",
      scope_kind: "account",
      scope: { account: "333333333333" },
      period: "quarterly",
      amount: "1000000.00",
      currency: "USD",
      cost_metric: "billed_cost",
      thresholds: [{ kind: "forecast", percent: "50" }],
      channel_targets: { email: 1 },
      evaluation: {
        period_start: "2026-01-01",
        period_end: "2026-03-31",
        run_date: "2026-03-29",
        actual: "2989.39",
        forecast: "3059.04",
        forecast_model: "moving_average",
        actual_pct: "0.30",
        forecast_pct: "0.31",
      },
      alerts: [],
    },
    {
      id: 1,
      name: "Whole bill",
      scope_kind: "total",
      scope: {},
      period: "monthly",
      amount: "1000.00",
      currency: "USD",
      cost_metric: "billed_cost",
      thresholds: [
        { kind: "actual", percent: "80" },
        { kind: "actual", percent: "100" },
        { kind: "forecast", percent: "100" },
      ],
      channel_targets: {},
      evaluation: {
        period_start: "2026-03-01",
        period_end: "2026-03-31",
        run_date: "2026-03-29",
        actual: "3652.79",
        forecast: "3892.93",
        forecast_model: "cost_forecast",
        actual_pct: "365.28",
        forecast_pct: "389.29",
      },
      alerts: [
        {
          threshold_kind: "actual",
          threshold_percent: "80.00",
          crossed_on: "2026-03-29",
          amount: "1000.00",
          actual: "3652.79",
          forecast: "3892.93",
        },
        {
          threshold_kind: "forecast",
          threshold_percent: "100.00",
          crossed_on: "2026-03-29",
          amount: "1000.00",
          actual: "3652.79",
          forecast: "3892.93",
        },
      ],
    },
    {
      id: 3,
      name: "New budget",
      scope_kind: "service",
      scope: { service: "Amazon Simple Storage Service" },
      period: "annual",
      amount: "500.00",
      currency: "USD",
      cost_metric: "billed_cost",
      thresholds: [],
      channel_targets: {},
      evaluation: null,
      alerts: [],
    },
  ],
  count: 3,
};
