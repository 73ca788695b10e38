"""Readers that turn platform exports and generic tables into a canonical Dataset."""
