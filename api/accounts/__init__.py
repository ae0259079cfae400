"""Organisations, users and roles, devices and their tokens, and functional administration."""
