"""Mission Monitor: monitoring and evaluation for a national programme to reduce drug deaths."""

__version__ = "0.1.0"
