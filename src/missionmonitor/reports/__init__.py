"""Generated reports: annual monitoring report, ADP profile, MAT benchmarking report."""
