"""``python -m missionmonitor`` runs the command-line interface."""

from missionmonitor.cli.app import main

main()
