"""Reproducible board papers from parameterised Jupyter notebooks."""

from reportlib import lazyiri

__version__ = "0.1.0"

lazyiri.install()  # before anything imports nbformat (and so jsonschema)
