"""Maintainer tools for the course (not used by the notebooks): see ``python -m tools.course --help``."""
