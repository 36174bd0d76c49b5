"""Tests for the benchmark scorers."""
