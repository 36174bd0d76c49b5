"""newswire test suite."""
