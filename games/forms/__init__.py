"""Game forms: normal-form games, trees, reduced normal forms, Bayesian, repeated
and bargaining games, as values a solver can take.
"""
