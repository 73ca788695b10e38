"""EBIOS Risk Manager studies (ANSSI, guide v1.5) with an election template."""
