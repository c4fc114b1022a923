"""sisturva: a planning toolkit for a living strategy kept as YAML in a git repository."""

__version__ = "0.1.0"
