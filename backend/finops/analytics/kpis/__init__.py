"""Extended KPIs, invoice summaries, breakdowns by any dimension and daily rollups."""
