"""The booking domain: pure rules about time windows, policies, overlaps and prolonging. No I/O."""
