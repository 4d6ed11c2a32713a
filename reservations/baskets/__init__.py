"""Baskets (several items booked for one window, all or nothing) and kits (named baskets staff define)."""
