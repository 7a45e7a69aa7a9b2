"""Colorizer: bring black-and-white photographs back to colour."""

__version__ = "0.1.0"

__all__ = ["__version__"]
