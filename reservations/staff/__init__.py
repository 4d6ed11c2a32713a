"""Staff pages: the catalogue, the bookings desk, users (admins) and the audit trail, under /staff/."""
