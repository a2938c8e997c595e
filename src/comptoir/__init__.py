"""Comptoir: a self-hostable business-management suite speaking the incwo XML API."""

__version__ = "0.1.0"
