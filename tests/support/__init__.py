"""Test helpers: sample PDFs, a local TSA, a capture site, vault builders, the E-ARK check."""
