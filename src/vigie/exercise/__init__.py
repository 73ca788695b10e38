"""Exercises: synthetic election scenarios with ground truth, and scoring against it."""
