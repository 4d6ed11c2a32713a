"""The rule book: pure rules about time windows, policies, overlaps, prolonging and what a booking
allows (lifecycle), and the one error type with its status table. No I/O, no Django models."""
