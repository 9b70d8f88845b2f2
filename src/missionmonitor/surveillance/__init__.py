"""Surveillance: deaths across sources and editions, early warning, prevalence, trends."""
