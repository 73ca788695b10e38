"""Sharing with allies by trust: partners, TLP 2.0, STIX/MISP, TAXII 2.1, private comparison."""
