import { useEffect, useRef } from "react";

import { type ChartOption, echarts } from "./echarts";

interface EChartProps {
  option: ChartOption;
  /** Names what `option` draws; set as `data-rendered-key` once ECharts has finished drawing it. */
  renderKey: string;
  ariaLabel: string;
  /** Called with the series and data index of a clicked item (a bar segment). */
  onItemClick?: ((item: { seriesIndex: number; dataIndex: number }) => void) | undefined;
}

/**
 * Owns one ECharts instance for the lifetime of the element; every new `option` replaces the
 * previous one entirely, so removed series disappear. Renders SVG, which keeps legend and axis
 * text in the DOM for tests and screen readers.
 */
export function EChart({ option, renderKey, ariaLabel, onItemClick }: EChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);
  const pendingKeyRef = useRef("");
  const clickRef = useRef(onItemClick);

  useEffect(() => {
    clickRef.current = onItemClick;
  }, [onItemClick]);

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) {
      return;
    }
    const chart = echarts.init(container, undefined, { renderer: "svg" });
    chartRef.current = chart;
    chart.on("finished", () => {
      container.dataset["renderedKey"] = pendingKeyRef.current;
    });
    chart.on("click", (params) => {
      const { seriesIndex, dataIndex } = params;
      if (typeof seriesIndex === "number") {
        clickRef.current?.({ seriesIndex, dataIndex });
      }
    });
    const observer = new ResizeObserver(() => {
      chart.resize();
    });
    observer.observe(container);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const container = containerRef.current;
    if (container !== null) {
      delete container.dataset["renderedKey"];
    }
    pendingKeyRef.current = renderKey;
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option, renderKey]);

  return <div ref={containerRef} className="size-full" data-echart role="img" aria-label={ariaLabel} />;
}
