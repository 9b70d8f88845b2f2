"""National targets as data: baselines, apportionment to areas, trajectories and progress."""
