"""Models of the cash module."""
