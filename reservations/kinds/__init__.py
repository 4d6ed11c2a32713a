"""Kinds (pools): interchangeable units booked by kind (issue 15 point 1)."""
