"""Datasets: declarations (as data), validation of incoming files, loading with provenance."""
