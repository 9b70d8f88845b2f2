"""Generated reports: annual monitoring report, ADP profile, MAT benchmarking report."""

from typing import Literal

#: The formats a report is rendered in.
ReportFormat = Literal["html", "pdf"]
