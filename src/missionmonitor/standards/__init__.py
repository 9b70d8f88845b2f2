"""MAT standards: standards and criteria as versioned data, grading rule sets, summaries."""
