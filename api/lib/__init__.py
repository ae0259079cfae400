"""Cross-cutting pieces: the error catalogue, authentication, database helpers, wire base types."""
