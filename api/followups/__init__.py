"""Follow-ups between agencies: created from a visit, routed under the covenant, escalated."""
