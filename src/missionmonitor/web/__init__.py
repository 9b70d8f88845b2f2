"""The public website and JSON API (FastAPI, server-rendered Jinja2 pages)."""
