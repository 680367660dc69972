"""Tag policies and compliance, allocation rules and the monthly chargeback report."""
