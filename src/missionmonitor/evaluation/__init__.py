"""The programme's national evaluation: its questions, what bears on them, and the trend of
deaths around the launch beside a comparator series."""
