import { useEffect, useRef } from "react";

import { type ChartOption, echarts } from "./echarts";

interface EChartProps {
  option: ChartOption;
  ariaLabel: string;
}

/**
 * Owns one ECharts instance for the lifetime of the element; every new `option` replaces the
 * previous one entirely, so removed series disappear. Renders SVG, which keeps legend and axis
 * text in the DOM for tests and screen readers.
 */
export function EChart({ option, ariaLabel }: EChartProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (container === null) {
      return;
    }
    const chart = echarts.init(container, undefined, { renderer: "svg" });
    chartRef.current = chart;
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
    chartRef.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={containerRef} className="echart" role="img" aria-label={ariaLabel} />;
}
