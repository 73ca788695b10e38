"""Tests of the workspace case store (vigie.cases)."""
