import { useAccountLabel } from "../../api/accounts";
import { useMemo } from "react";

import type { SavingsMeasurementDetailPublic } from "../../api/client";
import { EChart } from "../../charts/EChart";
import { QueryView } from "../../components/QueryStatus";
import { Badge, Card, CardHeader, Empty, Figure } from "../../components/ui";
import { text } from "../../components/styles";
import { formatMoney } from "../../lib/money";
import { buildBeforeAfterOption } from "./beforeAfterOption";
import { useSavingsMeasurement } from "./queries";
import { changeLabel, CONFIDENCE_TONES, savingsStatusLabel } from "./savings";

function Confidence({ m }: { m: SavingsMeasurementDetailPublic }) {
  if (m.confidence === null) {
    return (
      <p className={text.muted} data-testid="savings-confidence">
        Awaiting bills: the bill needs 7 full days after the change ({m.after_start} on).
      </p>
    );
  }
  return (
    <div data-testid="savings-confidence">
      <p>
        Confidence <Badge tone={CONFIDENCE_TONES[m.confidence]}>{m.confidence}</Badge>{" "}
        <span className={text.muted}>{m.method}</span>
      </p>
      {m.reasons.length === 0 ? (
        <p className={text.muted}>No reason lowers it: the bill is complete and unchanged.</p>
      ) : (
        <ul className="mt-1 list-disc pl-5" data-testid="savings-reasons">
          {m.reasons.map((r) => (
            <li key={r.code} data-code={r.code}>
              <Badge tone={CONFIDENCE_TONES[r.confidence]}>{r.code}</Badge> {r.text}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Detail({ m }: { m: SavingsMeasurementDetailPublic }) {
  const accountLabel = useAccountLabel();
  const option = useMemo(() => buildBeforeAfterOption(m), [m]);
  const money = (value: string | null) => (value === null ? "—" : formatMoney(value, m.currency));
  const after = m.after_end === null ? "awaiting bills" : `${m.after_start} – ${m.after_end}`;
  return (
    <Card data-testid="measurement-detail" data-id={m.id}>
      <CardHeader
        title={`${changeLabel(m)} · ${m.resource_id}`}
        subtitle={`${accountLabel(m.account_id)} · changed ${m.change_day} · ${savingsStatusLabel(m.status)}`}
      />
      <section className="mb-3 grid grid-cols-2 gap-4 md:grid-cols-4">
        <Figure label="Estimated / month" value={money(m.estimated_monthly_savings)} testId="detail-estimated" />
        <Figure label="Realized / month" value={money(m.realized_monthly_effective)} testId="detail-realized" />
        <Figure label="Realized / month (list price)" value={money(m.realized_monthly_list)} testId="detail-realized-list" />
        <Figure label="Daily cost before → after" value={`${money(m.baseline_daily_effective)} → ${money(m.after_daily_effective)}`} testId="detail-daily" />
      </section>
      <p className={text.muted} data-testid="detail-windows">
        Baseline {m.baseline_start} – {m.baseline_end} ({m.baseline_days} days) · after {after} (
        {m.after_days} days)
      </p>
      <Confidence m={m} />
      {m.daily.length === 0 ? (
        <Empty className="py-3">No daily costs recorded.</Empty>
      ) : (
        <div className="mt-3 h-[280px]" data-testid="before-after-chart">
          <EChart
            option={option}
            renderKey={`${String(m.id)}:${String(m.daily.length)}`}
            ariaLabel="Daily cost of the resource before and after the change"
          />
        </div>
      )}
    </Card>
  );
}

export function MeasurementPanel({ id }: { id: number }) {
  const query = useSavingsMeasurement(id);
  return (
    <QueryView query={query} loading="Loading the measurement…" failed="Could not load the measurement">
      {(m) => <Detail m={m} />}
    </QueryView>
  );
}
