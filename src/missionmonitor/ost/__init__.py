"""Opioid substitution therapy (OST): synthetic prescribing records and the record-level
pipeline (people in treatment, episodes, retention), as PHS counts them (methods.md §9)."""
