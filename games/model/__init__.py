"""Models as data: parameterized games written as TOML model files.

- `formula`: safe formulas — text parsed into an expression tree (never executed),
  evaluated on NumPy arrays or in exact fractions;
- `spec`: reading and checking a model file into a frozen `Model`;
- `evaluate`: a model's games (simultaneous, graded, exact, sequential trees) at given
  parameter values;
- `symbolic`: what the formulas say about a parameter (is every payoff affine in it?);
- `bargain`, `bayes`: a model's bargaining problem and its hidden types;
- `instruments`: deviation gains and payoffs split by the instrument carrying each term;
- `catalog`: the built-in model files.

docs/models.md is the reference for the file format.
"""
