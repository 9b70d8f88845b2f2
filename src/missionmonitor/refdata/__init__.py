"""Reference data: versioned geography, populations and the standard population."""
