import { keepPreviousData, useQuery } from "@tanstack/react-query";

import type { ChargebackPublic, ChargebackQuery } from "../../api/client";
import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";

export function useChargeback(query: ChargebackQuery) {
  const client = useApiClient();
  return useQuery({
    queryKey: ["chargeback", query],
    queryFn: async ({ signal }): Promise<ChargebackPublic> =>
      unwrap(await client.GET("/api/v1/allocation/chargeback", { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
}
