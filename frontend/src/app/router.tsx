import {
  createBrowserHistory,
  createRootRoute,
  createRoute,
  createRouter,
  redirect,
  type RouterHistory,
} from "@tanstack/react-router";

import { AccountPage } from "../features/account/AccountPage";
import { AccountsPage } from "../features/accounts/AccountsPage";
import { validateAccountsSearch } from "../features/accounts/search";
import { ActionsPage } from "../features/actions/ActionsPage";
import { validateActionsSearch } from "../features/actions/search";
import { AdminPage } from "../features/admin/AdminPage";
import { AskPage } from "../features/ask/AskPage";
import { validateAskSearch } from "../features/ask/search";
import { AnomaliesPage } from "../features/anomalies/AnomaliesPage";
import { validateAnomaliesSearch } from "../features/anomalies/search";
import { AuditPage } from "../features/audit/AuditPage";
import { validateAuditSearch } from "../features/audit/search";
import { LoginPage } from "../features/auth/LoginPage";
import { ChargebackPage } from "../features/chargeback/ChargebackPage";
import { validateChargebackSearch } from "../features/chargeback/search";
import { CommitmentsPage } from "../features/commitments/CommitmentsPage";
import { validateCommitmentsSearch } from "../features/commitments/search";
import { ExplorerPage } from "../features/explorer/ExplorerPage";
import { validateExplorerSearch } from "../features/explorer/search";
import { ForecastsPage } from "../features/forecasts/ForecastsPage";
import { validateForecastsSearch } from "../features/forecasts/search";
import { InsightsPage } from "../features/insights/InsightsPage";
import { OptimizationPage } from "../features/optimization/OptimizationPage";
import { validateOptimizationSearch } from "../features/optimization/search";
import { ResourcesPage } from "../features/resources/ResourcesPage";
import { validateResourcesSearch } from "../features/resources/search";
import { SavingsPage } from "../features/savings/SavingsPage";
import { validateSavingsSearch } from "../features/savings/search";
import { OverviewPage } from "../features/overview/OverviewPage";
import { validateOverviewSearch } from "../features/overview/search";
import { SourcesPage } from "../features/sources/SourcesPage";
import { validateSourcesSearch } from "../features/sources/search";
import { validateSqlSearch } from "../features/sql/search";
import { SqlPage } from "../features/sql/SqlPage";
import { RootLayout } from "./AppLayout";
import { parseSearch, stringifySearch, text } from "./search";

/**
 * One route per page; each validates its query string (`features/<page>/search.ts`), so the
 * filters, selection and paging in the address bar are the page's state: a link or a reload
 * opens the same view, and back/forward step through the views. `finops serve` answers every
 * unknown path with index.html, so every route is reachable directly. The login page stands
 * alone; every other page is inside the layout with the header and user menu.
 */
const rootRoute = createRootRoute({ component: RootLayout });

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/login",
  validateSearch: (search: Record<string, unknown>): { next?: string | undefined } => ({
    next: text(search["next"]),
  }),
  component: LoginPage,
});

const pages = [
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/",
    validateSearch: validateOverviewSearch,
    component: OverviewPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/explorer",
    validateSearch: validateExplorerSearch,
    component: ExplorerPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/accounts",
    validateSearch: validateAccountsSearch,
    component: AccountsPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/resources",
    validateSearch: validateResourcesSearch,
    component: ResourcesPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/commitments",
    validateSearch: validateCommitmentsSearch,
    component: CommitmentsPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/optimization",
    validateSearch: validateOptimizationSearch,
    component: OptimizationPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/chargeback",
    validateSearch: validateChargebackSearch,
    component: ChargebackPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/anomalies",
    validateSearch: validateAnomaliesSearch,
    component: AnomaliesPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/forecasts",
    validateSearch: validateForecastsSearch,
    component: ForecastsPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/sources",
    validateSearch: validateSourcesSearch,
    component: SourcesPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/actions",
    validateSearch: validateActionsSearch,
    component: ActionsPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/savings",
    validateSearch: validateSavingsSearch,
    component: SavingsPage,
  }),
  // the written spend summaries, linked from the Overview's card (not in the navigation)
  createRoute({ getParentRoute: () => rootRoute, path: "/insights", component: InsightsPage }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/ask",
    validateSearch: validateAskSearch,
    component: AskPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/sql",
    validateSearch: validateSqlSearch,
    component: SqlPage,
  }),
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/audit",
    validateSearch: validateAuditSearch,
    component: AuditPage,
  }),
  createRoute({ getParentRoute: () => rootRoute, path: "/admin", component: AdminPage }),
  createRoute({ getParentRoute: () => rootRoute, path: "/account", component: AccountPage }),
] as const;

const routes = [
  loginRoute,
  ...pages,
  // an unknown path opens the Overview, as before the router
  createRoute({
    getParentRoute: () => rootRoute,
    path: "$",
    beforeLoad: () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- TanStack's redirect
      throw redirect({ to: "/", replace: true });
    },
  }),
] as const;

const routeTree = rootRoute.addChildren(routes);

export function createAppRouter(history: RouterHistory = createBrowserHistory()) {
  return createRouter({
    routeTree,
    history,
    parseSearch,
    stringifySearch,
    trailingSlash: "never",
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
