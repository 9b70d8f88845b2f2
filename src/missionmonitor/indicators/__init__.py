"""Indicators: the catalogue (as data), the engine that computes it, and its results."""
