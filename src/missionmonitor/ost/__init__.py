"""Opioid substitution therapy (OST): synthetic prescribing records and the record-level
pipeline (people in treatment, episodes, retention), as PHS counts them (methods.md §9)."""

#: Days without supply after which an episode of treatment ends (here, so that the command
#: line can show it without loading the pipeline).
DEFAULT_MAX_GAP = 28
