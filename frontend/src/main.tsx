import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { createApiClient } from "./api/client";
import { ApiClientContext } from "./api/context";
import { createQueryClient } from "./api/queryClient";
import "./styles.css";

const container = document.getElementById("root");
if (container === null) {
  throw new Error("index.html has no #root element");
}

const queryClient = createQueryClient();
const apiClient = createApiClient({ baseUrl: window.location.origin });

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ApiClientContext value={apiClient}>
        <App />
      </ApiClientContext>
    </QueryClientProvider>
  </StrictMode>,
);
