"""Repeating bookings: a daily or weekly series of one item, booked in one transaction (README)."""
