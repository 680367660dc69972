"""Reserved Instance and Savings Plan utilization, coverage, under-use findings and Savings
Plan purchase recommendations, all from the bill's commitment columns."""
