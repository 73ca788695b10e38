"""Detectors of coordinated behaviour: each a relational query over the canonical tables."""
