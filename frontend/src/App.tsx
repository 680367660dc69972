import { OverviewPage } from "./pages/OverviewPage";

export function App() {
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1>FinOps Platform</h1>
        </div>
        <nav className="app-nav" aria-label="Pages">
          <span className="nav-item nav-item-active" aria-current="page">
            Overview
          </span>
        </nav>
      </header>
      <main className="app-main">
        <OverviewPage />
      </main>
    </div>
  );
}
