"""Outcome reviews: a declared instrument (quality of life and circumstances, recorded at
treatment start and at reviews), the checks a record-level return of it must pass, and the
measures made from approved records (reviews completed, reliable change, mean change,
problems resolved)."""
