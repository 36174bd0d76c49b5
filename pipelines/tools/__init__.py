"""Checks of the code base itself, run by tests and by hand."""
