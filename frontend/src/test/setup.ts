import "@testing-library/jest-dom/vitest";

import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";

// jsdom has no layout engine. Give elements a size and text a width so ECharts lays the chart
// out (it renders SVG, so its legend and labels land in the DOM where tests can read them).
class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}
vi.stubGlobal("ResizeObserver", NoopResizeObserver);

Object.defineProperties(HTMLElement.prototype, {
  clientWidth: { configurable: true, get: () => 960 },
  clientHeight: { configurable: true, get: () => 400 },
});

const CHARACTER_WIDTH_PX = 7;
HTMLCanvasElement.prototype.getContext = vi.fn(() => ({
  font: "",
  measureText: (text: string) => ({ width: text.length * CHARACTER_WIDTH_PX }),
})) as unknown as typeof HTMLCanvasElement.prototype.getContext;

afterEach(() => {
  cleanup();
  // page state lives in the URL: every test starts from a clean one
  window.history.replaceState(null, "", "/");
});
