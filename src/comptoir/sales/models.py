"""Models of the sales module."""
