"""Written spend summaries (issue 20): weekly and monthly, per scope (the whole bill, each
account, each watched tag value), from templates over the warehouse's numbers, rephrased by the
assistant's LLM when one is configured and the rephrasing keeps every number
(docs/assistant.md, "Spend summaries")."""
