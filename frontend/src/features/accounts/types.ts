import type { components, paths } from "../../api/schema";

/** The accounts API's shapes (`/api/v1/accounts`; issue 18), generated. */
export type AccountRowPublic = components["schemas"]["finops__api__schemas__inventory__AccountPublic"];
export type AccountsPublic = components["schemas"]["AccountsPublic"];
export type AccountsQuery = NonNullable<paths["/api/v1/accounts"]["get"]["parameters"]["query"]>;
