"""Sweeps: many games of one shape solved at once, over a grid or a sample of
parameter values.
"""
