"""KPIs: the periods they cover (``periods``), the one KPI summary of a period against its
previous period (``summary``: the dashboard's and the KPI job's), and the job's report as of a
day over the daily rollup, with invoice summaries and breakdowns (``report``)."""
