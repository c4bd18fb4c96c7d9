"""Visuals: nodes that draw. Each takes ``parent=`` and reactive properties."""

from ._markers import SYMBOLS, Markers

__all__ = ["Markers", "SYMBOLS"]
