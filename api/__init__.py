"""Keukentafel API: cases, visits, consent and follow-ups for households in rent arrears."""
