"""Alembic migrations of the case store (shipped as package data; run on every open)."""
