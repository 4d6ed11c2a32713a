"""Waiting list and holds (issue 16.1)."""
