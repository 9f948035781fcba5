"""Committing a run's warehouse and publishing it to readers."""
