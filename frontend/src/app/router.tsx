import {
  createBrowserHistory,
  createRootRoute,
  createRoute,
  createRouter,
  redirect,
  type RouterHistory,
} from "@tanstack/react-router";

import { AnomaliesPage } from "../features/anomalies/AnomaliesPage";
import { validateAnomaliesSearch } from "../features/anomalies/search";
import { ChargebackPage } from "../features/chargeback/ChargebackPage";
import { validateChargebackSearch } from "../features/chargeback/search";
import { ForecastsPage } from "../features/forecasts/ForecastsPage";
import { validateForecastsSearch } from "../features/forecasts/search";
import { OptimizationPage } from "../features/optimization/OptimizationPage";
import { validateOptimizationSearch } from "../features/optimization/search";
import { OverviewPage } from "../features/overview/OverviewPage";
import { validateOverviewSearch } from "../features/overview/search";
import { SourcesPage } from "../features/sources/SourcesPage";
import { validateSourcesSearch } from "../features/sources/search";
import { AppLayout } from "./AppLayout";
import { parseSearch, stringifySearch } from "./search";

/**
 * One route per page; each validates its query string (`features/<page>/search.ts`), so the
 * filters, selection and paging in the address bar are the page's state: a link or a reload
 * opens the same view, and back/forward step through the views. `finops serve` answers every
 * unknown path with index.html, so every route is reachable directly.
 */
const rootRoute = createRootRoute({ component: AppLayout });

const routes = [
  createRoute({
    getParentRoute: () => rootRoute,
    path: "/",
    validateSearch: validateOverviewSearch,
    component: OverviewPage,
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
