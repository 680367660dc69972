import { useMutation } from "@tanstack/react-query";

import { useApiClient } from "../../api/context";
import { unwrap } from "../../api/fetch";
import type { components } from "../../api/schema";

export type AskRequest = components["schemas"]["AskRequest"];
export type Answer = components["schemas"]["AnswerPublic"];

/** Asks the assistant one question (`POST /assistant/ask`); a refusal is an answer (200) with
 * `refused: true`, an error status throws `ApiError` with the server's message. */
export function useAsk() {
  const client = useApiClient();
  return useMutation({
    mutationFn: async (body: AskRequest): Promise<Answer> =>
      unwrap(await client.POST("/api/v1/assistant/ask", { body })),
  });
}
