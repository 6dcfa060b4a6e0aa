"""Aids: the catalogue of social aids Sésame knows about (pure domain, no I/O beyond
reading its own data files)."""
