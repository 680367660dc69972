import type { ServiceCostPublic } from "../api/client";
import { formatMoney, formatShare } from "../lib/money";

interface TopServicesProps {
  services: readonly ServiceCostPublic[];
  currency: string;
}

export function TopServices({ services, currency }: TopServicesProps) {
  return (
    <article className="card top-services">
      <header className="card-header">
        <h2 className="card-title">Top services</h2>
        <span className="card-subtitle">Share of total cost</span>
      </header>
      {services.length === 0 ? (
        <p className="empty">No cost data for this selection.</p>
      ) : (
        <ol className="service-list" data-testid="top-services">
          {services.map((service) => (
            <li key={service.service_name} className="service-row">
              <div className="service-line">
                <span className="service-name" title={service.service_name}>
                  {service.service_name}
                </span>
                <span className="service-cost">{formatMoney(service.cost, currency)}</span>
              </div>
              <div className="share">
                <div className="share-track" aria-hidden="true">
                  <div
                    className="share-fill"
                    style={{ width: `${Math.min(100, Math.max(0, service.share_pct))}%` }}
                  />
                </div>
                <span className="share-pct">{formatShare(service.share_pct)}</span>
              </div>
            </li>
          ))}
        </ol>
      )}
    </article>
  );
}
