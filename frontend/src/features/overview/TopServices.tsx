import type { ServiceCostPublic } from "../../api/client";
import { Card, CardHeader, Empty, ShareBar } from "../../components/ui";
import { formatMoney, formatShare } from "../../lib/money";

interface TopServicesProps {
  services: readonly ServiceCostPublic[];
  currency: string;
}

export function TopServices({ services, currency }: TopServicesProps) {
  return (
    <Card>
      <CardHeader title="Top services" subtitle="Share of total cost" />
      {services.length === 0 ? (
        <Empty>No cost data for this selection.</Empty>
      ) : (
        <ol className="m-0 flex list-none flex-col gap-3.5 p-0" data-testid="top-services">
          {services.map((service) => (
            <li key={service.service_name}>
              <div className="flex justify-between gap-3">
                <span className="truncate" title={service.service_name}>
                  {service.service_name}
                </span>
                <span className="font-semibold tabular-nums">{formatMoney(service.cost, currency)}</span>
              </div>
              <ShareBar percent={service.share_pct} label={formatShare(service.share_pct)} />
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
