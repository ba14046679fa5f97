"""File formats: Gambit's `.nfg` and `.efg` files, and input read within a byte budget.
"""
