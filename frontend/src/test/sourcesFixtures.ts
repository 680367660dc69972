import type {
  LoadPublic,
  LoadsPublic,
  QualityFindingPublic,
  QualityFindingsPublic,
  SourcesPublic,
} from "../api/client";

/** As /api/v1/sources answers for the FinOps Foundation's FOCUS 1.0 sample, a CUR 2.0
 * export and a FOCUS export billed in USD, then EUR. */
export const sourcesFixture: SourcesPublic = {
  data: [
    {
      source_id: "cur2:cur-prod",
      source_format: "cur2",
      provider_names: ["AWS"],
      billing_account_ids: ["123456789012"],
      export_name: "cur-prod",
      location: "/exports/cur/cur-prod",
      billing_periods: ["2026-02", "2026-03"],
      rows: 4,
      billed_cost: [{ currency: "USD", amount: "18.3333333333" }],
      last_loaded_at: "2026-12-03T04:35:42.120000Z",
      quality_findings: 0,
    },
    {
      source_id: "focus:august",
      source_format: "focus",
      provider_names: ["Microsoft"],
      billing_account_ids: ["microsoft-billing"],
      export_name: null,
      location: "/exports/mca/august.csv",
      billing_periods: ["2026-08", "2026-09"],
      rows: 6,
      billed_cost: [
        { currency: "EUR", amount: "7.5" },
        { currency: "USD", amount: "30.000000000000003" },
      ],
      last_loaded_at: "2026-12-03T04:35:44Z",
      quality_findings: 0,
    },
    {
      source_id: "focus:focus_sample",
      source_format: "focus",
      provider_names: ["AWS", "Microsoft", "Oracle"],
      billing_account_ids: [
        "/providers/Microsoft.Billing/billingAccounts/8611537",
        "1234567890123",
        "20209880",
        "99999",
      ],
      export_name: null,
      location: "/data/focus-sample-1.0/focus_sample.csv",
      billing_periods: ["2024-09", "2024-10"],
      rows: 1000,
      billed_cost: [{ currency: "USD", amount: "20.52022672899" }],
      last_loaded_at: "2026-12-03T04:35:38Z",
      quality_findings: 4,
    },
  ],
  count: 3,
};

function load(overrides: Partial<LoadPublic>): LoadPublic {
  return {
    id: 1,
    run_id: "3f2a",
    source_id: "focus:focus_sample",
    source_format: "focus",
    billing_period: "2024-09",
    status: "succeeded",
    raw_line_items: 999,
    rows_loaded: 999,
    billing_currency: "USD",
    billed_cost: "20.28022672899",
    effective_cost: "19.9",
    list_cost: "21",
    started_at: "2026-12-03T04:35:36.500000Z",
    finished_at: "2026-12-03T04:35:38Z",
    error: null,
    quality_findings: 2,
    ...overrides,
  };
}

export const loadsFixture: LoadsPublic = {
  data: [
    load({
      id: 5,
      source_id: "cur2:cur-prod",
      source_format: "cur2",
      billing_period: "2026-02",
      raw_line_items: 2,
      rows_loaded: 2,
      billed_cost: "13.75",
      started_at: "2026-12-03T04:35:41Z",
      quality_findings: 0,
    }),
    load({
      id: 4,
      source_id: "cur2:cur-prod",
      source_format: "cur2",
      billing_period: "2026-01",
      status: "failed",
      raw_line_items: null,
      rows_loaded: 0,
      billing_currency: null,
      billed_cost: null,
      effective_cost: null,
      list_cost: null,
      started_at: "2026-12-03T04:35:40Z",
      error:
        "/exports/cur/cur-prod/data/BILLING_PERIOD=2026-01/cur-prod-00001.snappy.parquet: " +
        "not a readable parquet file",
      quality_findings: 0,
    }),
    load({ id: 2, billing_period: "2024-10", raw_line_items: 1, billed_cost: "0.24" }),
    load({ id: 1 }),
  ],
  count: 4,
};

function finding(overrides: Partial<QualityFindingPublic>): QualityFindingPublic {
  return {
    source_id: "focus:focus_sample",
    billing_period: "2024-09",
    rule_id: "ContractedCost.not_null",
    column_name: "ContractedCost",
    severity: "error",
    line_items: 6,
    message: "ContractedCost MUST NOT be null; the rows are kept with NULL",
    examples: [
      {
        provider_name: "Oracle",
        billing_account_id: "20209880",
        sub_account_id: "ocid1.tenancy.oc1..aaaa",
        service_name: "Block Storage",
        charge_category: "Usage",
        charge_description: null,
        resource_id: "ocid1.bootvolume.oc1.iad.abc",
        billed_cost: "0.0496",
        charge_period_start: "2024-09-18 00:00:00+00",
      },
      {
        provider_name: "Oracle",
        billing_account_id: "20209880",
        sub_account_id: "ocid1.tenancy.oc1..aaaa",
        service_name: "Compute",
        charge_category: "Usage",
        charge_description: null,
        resource_id: "ocid1.instance.oc1.iad.def",
        billed_cost: "0.0612",
        charge_period_start: "2024-09-19 00:00:00+00",
      },
    ],
    run_id: "3f2a",
    loaded_at: "2026-12-03T04:35:38Z",
    ...overrides,
  };
}

export const qualityFixture: QualityFindingsPublic = {
  data: [
    finding({
      billing_period: "2024-10",
      line_items: 1,
      examples: [
        {
          provider_name: "Oracle",
          billing_account_id: "20209880",
          service_name: "Compute",
          billed_cost: "0.24",
          charge_period_start: "2024-10-01 00:00:00+00",
        },
      ],
    }),
    finding({
      billing_period: "2024-10",
      rule_id: "ChargeFrequency.allowed_values",
      column_name: "ChargeFrequency",
      severity: "warning",
      line_items: 1,
      message:
        "ChargeFrequency MUST be one of One-Time, Recurring, Usage-Based; other values are " +
        "kept as given",
    }),
    finding({}),
    finding({
      rule_id: "ChargeFrequency.allowed_values",
      column_name: "ChargeFrequency",
      severity: "warning",
      message:
        "ChargeFrequency MUST be one of One-Time, Recurring, Usage-Based; other values are " +
        "kept as given",
    }),
  ],
  count: 4,
};
