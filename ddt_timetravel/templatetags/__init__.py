"""Template tags for the panel's fragments."""
