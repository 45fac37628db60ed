"""regionrapport: compile Swedish regional reports from checked YAML."""

__version__ = "0.1.0"
