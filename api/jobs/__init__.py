"""The durable outbox and the worker loop: work that follows a change, done once, retried."""
