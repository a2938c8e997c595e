"""Models of the catalog module."""
