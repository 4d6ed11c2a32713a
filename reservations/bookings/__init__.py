"""Bookings: members' actions (book, prolong, cancel, end now), the desk's (check out, check in,
cancel with a reason, override), the no-show release, and the reads behind the pages."""
