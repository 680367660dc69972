import { QueryClientProvider } from "@tanstack/react-query";
import { RouterProvider } from "@tanstack/react-router";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { createApiClient } from "./api/client";
import { ApiClientContext } from "./api/context";
import { createQueryClient } from "./api/queryClient";
import { createAppRouter } from "./app/router";
import { sendToLogin } from "./auth/expired";
import "./index.css";

const container = document.getElementById("root");
if (container === null) {
  throw new Error("index.html has no #root element");
}

const queryClient = createQueryClient();
const router = createAppRouter();
const apiClient = createApiClient({
  baseUrl: window.location.origin,
  onUnauthorized: () => {
    sendToLogin(router);
  },
});

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ApiClientContext value={apiClient}>
        <RouterProvider router={router} />
      </ApiClientContext>
    </QueryClientProvider>
  </StrictMode>,
);
