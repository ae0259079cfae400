"""The audit trail: who read or changed which case data, and every refusal; append-only."""
