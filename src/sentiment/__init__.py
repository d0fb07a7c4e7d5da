"""Kali Pasir Pulse: survey and community-sentiment pipeline."""

__version__ = "0.1.0"
