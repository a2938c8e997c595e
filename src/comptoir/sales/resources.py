"""Resources of the sales module (filled as the module lands)."""
