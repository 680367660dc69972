import type { components, paths } from "../../api/schema";

/** The Explorer API's shapes (issue 18), from the generated schema. */
export type ExplorerPublic = components["schemas"]["ExplorerPublic"];
export type ExplorerGroupPublic = components["schemas"]["ExplorerGroupPublic"];
export type ExplorerSeriesPublic = components["schemas"]["ExplorerSeriesPublic"];
export type ExplorerDimensionsPublic = components["schemas"]["ExplorerDimensionsPublic"];
export type ExplorerValuesPublic = components["schemas"]["ExplorerValuesPublic"];
export type ExplorerQuery = NonNullable<paths["/api/v1/explorer"]["get"]["parameters"]["query"]>;
