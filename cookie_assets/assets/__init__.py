"""The cookie assets, one module per stage."""
