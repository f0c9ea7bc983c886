"""Reproducible board papers from parameterised Jupyter notebooks."""

__version__ = "0.1.0"
