"""`python -m incident_guide` runs the incident-guide command (`python -m generator` in a checkout)."""

from .cli import main

main(prog_name="incident-guide")
