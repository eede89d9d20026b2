"""Luoshi (落实): from a work-plan document to a supervision system."""
