"""Exports: the self-contained evidence bundle (and, from their issue, the diarium and
Ciceron copies)."""
