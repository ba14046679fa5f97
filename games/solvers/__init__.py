"""Solvers: one entry point (`solver.solve`) over every method, each method in its
own module, and the verification every reported equilibrium passes.
"""
