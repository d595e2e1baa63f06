"""Source parsers: pure functions from a recorded response to canonical items (see base.py)."""
