"""incident-guide: code-of-conduct incident response plans (YAML) to printed and private guides."""

__version__ = "0.1.0"
