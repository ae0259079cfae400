"""Households and their cases: signal, process steps, participants, assignment, case director."""
