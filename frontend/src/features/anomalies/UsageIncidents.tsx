import { Link } from "@tanstack/react-router";

import type { AnomalyDetailPublic } from "../../api/client";
import { DataTable } from "../../components/DataTable";
import { Sparkline } from "../../components/Sparkline";
import { cx, text } from "../../components/styles";
import { Badge } from "../../components/ui";
import { metricValue, patternLabel, sparkValues, usageWindow } from "./usage";

/** The usage anomalies joined to a cost anomaly: what the resource did while it cost more (an
 * instance pinned at 100% CPU, a request rate collapsing), with its metric around the window. */
export function UsageIncidents({ detail }: { detail: AnomalyDetailPublic }) {
  if (detail.usage_incidents.length === 0) return null;
  return (
    <section className="mt-5" aria-label="Usage anomalies" data-testid="usage-incidents">
      <h3 className="mb-2 text-[13px] font-semibold text-slate-500">Explained by usage</h3>
      <DataTable>
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Metric</th>
            <th scope="col">When</th>
            <th scope="col" className={text.num}>
              Peak / usual
            </th>
            <th scope="col">Around it (hourly)</th>
          </tr>
        </thead>
        <tbody>
          {detail.usage_incidents.map((incident) => {
            const spark = sparkValues(incident);
            return (
              <tr key={incident.fingerprint} data-testid="usage-incident-row">
                <td>
                  <Link
                    to="/resources"
                    search={{ id: incident.resource_id }}
                    className={cx("text-blue-600", text.mono)}
                    data-testid="usage-incident-resource"
                  >
                    {incident.resource_id}
                  </Link>
                  <div className={text.sub}>
                    {incident.account_id} · {incident.region_id}
                  </div>
                </td>
                <td>
                  <div className={text.main}>{incident.metric_name}</div>
                  <Badge tone={incident.direction === "up" ? "danger" : "warning"}>{patternLabel(incident.pattern)}</Badge>
                </td>
                <td className={text.sub}>{usageWindow(incident.started_at, incident.ended_at)}</td>
                <td className={text.num} data-testid="usage-incident-peak">
                  {metricValue(incident.peak_value, incident.unit)} / {metricValue(incident.expected_value, incident.unit)}
                </td>
                <td>
                  <Sparkline
                    values={spark.values}
                    max={incident.unit === "Percent" ? 100 : undefined}
                    width={140}
                    label={`${incident.metric_name} of ${incident.resource_id} per hour, ${String(spark.inside)} hours in the incident`}
                    testId="usage-incident-sparkline"
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </DataTable>
    </section>
  );
}
