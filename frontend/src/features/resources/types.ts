import type { components, paths } from "../../api/schema";

/** The inventory API's shapes (`/api/v1/resources`, `/api/v1/usage`; issue 18), generated. */
export type ResourcePublic = components["schemas"]["ResourcePublic"];
export type ResourcesPublic = components["schemas"]["ResourcesPublic"];
export type ResourceDetailPublic = components["schemas"]["ResourceDetailPublic"];
export type UtilizationPointPublic = components["schemas"]["UtilizationPointPublic"];
export type UsagePublic = components["schemas"]["UsagePublic"];
export type UsageListPublic = components["schemas"]["UsageListPublic"];
export type ResourcesQuery = NonNullable<paths["/api/v1/resources"]["get"]["parameters"]["query"]>;
export type UsageQuery = NonNullable<paths["/api/v1/usage"]["get"]["parameters"]["query"]>;
