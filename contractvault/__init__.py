"""ContractVault: a contract archive with evidence capture for Swedish municipalities."""

__version__ = "0.1.0"
