"""Resources of the cash module (filled as the module lands)."""
