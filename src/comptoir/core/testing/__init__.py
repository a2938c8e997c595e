"""Shared test machinery: see ``api.py`` for :class:`ResourceAPITestCase`."""
