"""Resources of the catalog module (filled as the module lands)."""
