"""Importers: results produced elsewhere, read into the store so they look like any study."""
