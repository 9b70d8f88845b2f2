"""Command-line interface (thin: parses options and calls services)."""
