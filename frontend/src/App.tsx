import type { MouseEvent } from "react";

import { navigate, PAGES, type PagePath, useCurrentPage } from "./lib/router";
import { AnomaliesPage } from "./pages/AnomaliesPage";
import { ChargebackPage } from "./pages/ChargebackPage";
import { ForecastsPage } from "./pages/ForecastsPage";
import { OptimizationPage } from "./pages/OptimizationPage";
import { OverviewPage } from "./pages/OverviewPage";
import { SourcesPage } from "./pages/SourcesPage";

function PageContent({ page }: { page: PagePath }) {
  switch (page) {
    case "/optimization":
      return <OptimizationPage />;
    case "/chargeback":
      return <ChargebackPage />;
    case "/anomalies":
      return <AnomaliesPage />;
    case "/forecasts":
      return <ForecastsPage />;
    case "/sources":
      return <SourcesPage />;
    default:
      return <OverviewPage />;
  }
}

function followLink(event: MouseEvent<HTMLAnchorElement>, path: PagePath) {
  // let the browser handle new-tab and new-window clicks
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  navigate(path);
}

export function App() {
  const current = useCurrentPage();
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1>FinOps Platform</h1>
        </div>
        <nav className="app-nav" aria-label="Pages">
          {PAGES.map((page) => (
            <a
              key={page.path}
              href={page.path}
              className={page.path === current ? "nav-item nav-item-active" : "nav-item"}
              aria-current={page.path === current ? "page" : undefined}
              onClick={(event) => {
                followLink(event, page.path);
              }}
            >
              {page.label}
            </a>
          ))}
        </nav>
      </header>
      <main className="app-main">
        <PageContent page={current} />
      </main>
    </div>
  );
}
