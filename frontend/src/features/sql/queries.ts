import { useMutation, useQuery } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { ApiError, describeApiError } from "../../api/errors";
import { unwrap } from "../../api/fetch";
import type { components } from "../../api/schema";

export type SqlQuery = components["schemas"]["SqlQuery"];
export type SqlResult = components["schemas"]["SqlResultPublic"];
export type SqlTables = components["schemas"]["SqlTablesPublic"];
export type SqlTable = components["schemas"]["SqlTablePublic"];

/** A refused or failed query: the server's message, and for 429 the seconds to wait. */
export class SqlQueryError extends ApiError {
  readonly retryAfterS: number | null;

  constructor(status: number, message: string, retryAfterS: number | null) {
    super(status, message);
    this.name = "SqlQueryError";
    this.retryAfterS = retryAfterS;
  }
}

function retryAfter(response: Response): number | null {
  const header = response.headers.get("Retry-After");
  if (header === null || !/^\d+$/.test(header.trim())) {
    return null;
  }
  return Number(header.trim());
}

/** The views the console may query, with their columns and types. */
export function useSqlTables() {
  const client = useApiClient();
  return useQuery({
    queryKey: ["sql", "tables"],
    queryFn: async ({ signal }): Promise<SqlTables> =>
      unwrap(await client.GET("/api/v1/sql/tables", { signal })),
    staleTime: Infinity,
  });
}

/** Runs one statement; an error answer throws `SqlQueryError` with the server's message. */
export function useRunSql() {
  const client = useApiClient();
  return useMutation({
    mutationFn: async (body: SqlQuery): Promise<SqlResult> => {
      const { data, error, response } = await client.POST("/api/v1/sql/query", { body });
      if (!response.ok || data === undefined) {
        throw new SqlQueryError(
          response.status,
          describeApiError(response.status, error),
          retryAfter(response),
        );
      }
      return data;
    },
  });
}
