"""The record: dated historical episodes read forwards (is what happened an
equilibrium?) and backwards (what must one believe for it to be one?).
"""
