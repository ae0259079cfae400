"""Retention: closed cases anonymised after the covenant's period (statistics kept)."""
