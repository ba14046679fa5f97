"""Explanations: equilibria, thresholds and comparisons in plain words, and their
HTML display.
"""
