# Shim for tools that still call setup.py (older bench/pip flows); the build is defined in pyproject.toml.
from setuptools import setup

setup()
