"""Analytics over the warehouse: KPIs, spend, and (later) anomalies, forecasts, optimization."""
