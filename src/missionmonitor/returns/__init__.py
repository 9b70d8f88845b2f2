"""ADP returns: versioned form definitions, answer validation, data burden."""
