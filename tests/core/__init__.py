"""Tests for the pure core modules in pipelines/core/."""
