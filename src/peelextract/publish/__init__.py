"""Publish: the only stage that writes. Every write is atomic (temp file in the same folder + rename)."""
