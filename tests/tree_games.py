"""Textbook game trees shared by the tree tests (built by hand, with their known answers)."""

from __future__ import annotations

from fractions import Fraction

from games.forms.tree import Chance, Decision, GameTree, Terminal

T = Terminal


def entry_deterrence() -> GameTree:
    """Selten's entry game: Out (0, 2); Enter then Fight (-1, -1) or Accommodate (1, 1)."""
    return GameTree(
        "Entry deterrence",
        ("Entrant", "Incumbent"),
        Decision(0, ("Out", "Enter"), (T((0, 2)), Decision(1, ("Fight", "Accommodate"), (T((-1, -1)), T((1, 1)))))),
    )


def ultimatum(total: int = 4) -> GameTree:
    """Proposer offers k = 0..total units; Responder accepts (total - k, k) or rejects (0, 0)."""
    offers = tuple(
        Decision(1, ("Accept", "Reject"), (T((total - k, k)), T((0, 0)))) for k in range(total + 1)
    )
    return GameTree("Ultimatum", ("Proposer", "Responder"), Decision(0, tuple(f"offer {k}" for k in range(total + 1)), offers))


def centipede() -> GameTree:
    """Four-move centipede (Rosenthal 1981 style): taking now always beats being taken from."""
    end = T((4, 3))
    n4 = Decision(1, ("Take", "Pass"), (T((2, 4)), end))
    n3 = Decision(0, ("Take", "Pass"), (T((3, 1)), n4))
    n2 = Decision(1, ("Take", "Pass"), (T((0, 2)), n3))
    n1 = Decision(0, ("Take", "Pass"), (T((1, 0)), n2))
    return GameTree("Centipede", ("Anna", "Bob"), n1)


def seltens_horse() -> GameTree:
    """Selten (1975): player 3 cannot tell D from (C, d). Pure equilibria: (C, c, R), (C, d, R), (D, c, L)."""
    p3_after_d = Decision(2, ("L", "R"), (T((3, 3, 2)), T((0, 0, 0))), infoset="3")
    p3_after_cd = Decision(2, ("L", "R"), (T((4, 4, 0)), T((1, 1, 1))), infoset="3")
    p2 = Decision(1, ("c", "d"), (T((1, 1, 1)), p3_after_cd))
    return GameTree("Selten's horse", ("1", "2", "3"), Decision(0, ("C", "D"), (p2, p3_after_d)))


def hidden_pennies() -> GameTree:
    """Matching pennies as a tree: Column does not see Row's coin. Unique equilibrium: ½–½."""
    col = lambda a, b: Decision(1, ("H", "T"), (T(a), T(b)), infoset="col")  # noqa: E731
    return GameTree(
        "Hidden pennies",
        ("Row", "Column"),
        Decision(0, ("H", "T"), (col((1, -1), (-1, 1)), col((-1, 1), (1, -1)))),
    )


def many_ties(n: int = 20) -> GameTree:
    """Chance picks one of n equal subgames, each with a tie: 2**n subgame-perfect equilibria."""
    sub = tuple(Decision(0, ("a", "b"), (T((1,)), T((1,)))) for _ in range(n))
    return GameTree("Ties", ("Solo",), Chance(tuple(f"s{k}" for k in range(n)), tuple(Fraction(1, n) for _ in range(n)), sub))


def seltens_horse_1975() -> GameTree:
    """Selten (1975), Figure 1, as in Gambit's catalogue (journals/ijgt/selten1975/fig1.efg):
    1 plays C (to 2) or D; 2 plays c (1, 1, 1) or d; 3 cannot tell D from (C, d).
    After D: L (3, 2, 2), R (0, 0, 0); after (C, d): L (4, 4, 0), R (0, 0, 1)."""
    p3_after_d = Decision(2, ("L", "R"), (T((3, 2, 2)), T((0, 0, 0))), infoset="3")
    p3_after_cd = Decision(2, ("L", "R"), (T((4, 4, 0)), T((0, 0, 1))), infoset="3")
    p2 = Decision(1, ("c", "d"), (T((1, 1, 1)), p3_after_cd))
    return GameTree("Selten's horse (1975)", ("1", "2", "3"), Decision(0, ("C", "D"), (p2, p3_after_d)))


def selten_figure_2() -> GameTree:
    """Selten (1975), Figure 2: 1 plays R (1, 1) or L; 2 then R (0, 2) or L; 1 then r (0, 3) or l (2, 0)."""
    last = Decision(0, ("r", "l"), (T((0, 3)), T((2, 0))))
    return GameTree("Selten figure 2", ("1", "2"),
                    Decision(0, ("R", "L"), (T((1, 1)), Decision(1, ("R", "L"), (T((0, 2)), last)))))


def selten_figure_3() -> GameTree:
    """Selten (1975), Figure 3: 1 plays R (to 3's node x) or L (to 2); 2 plays R (to 1 again)
    or L (1, 3, 0); 1 then R (to 3's node y) or L (2, 0, 0); 3 cannot tell x from y.
    At x: R (3, 0, 3), L (0, 0, 0); at y: R (4, 4, 0), L (0, 0, 5)."""
    x = Decision(2, ("R", "L"), (T((3, 0, 3)), T((0, 0, 0))), infoset="3")
    y = Decision(2, ("R", "L"), (T((4, 4, 0)), T((0, 0, 5))), infoset="3")
    second = Decision(0, ("R", "L"), (y, T((2, 0, 0))), infoset="1b")
    p2 = Decision(1, ("R", "L"), (second, T((1, 3, 0))))
    return GameTree("Selten figure 3", ("1", "2", "3"), Decision(0, ("R", "L"), (x, p2), infoset="1a"))


def tied_follower() -> GameTree:
    """1 takes A (1, 1) or passes B to 2, who is indifferent: C (1, 1) or D (0, 1).
    Subgame-perfect: (A, C), (A, D) and (B, C); B ties with A only if 2 never errs."""
    return GameTree("Tied follower", ("1", "2"),
                    Decision(0, ("A", "B"), (T((1, 1)), Decision(1, ("C", "D"), (T((1, 1)), T((0, 1)))))))


def pennies_in_states(states: int = 6) -> GameTree:
    """Chance picks one of `states` equally likely states; Row sees it and shows H or T; Column
    sees neither and guesses. Row wins 1 on a match, Column on a mismatch. Row has
    2**states reduced strategies; no pure equilibrium. In every equilibrium Column mixes
    ½–½, Row shows H with probability ½ averaged over the states, and both expect 0."""
    col = lambda a, b: Decision(1, ("H", "T"), (T(a), T(b)), infoset="guess")  # noqa: E731
    row = tuple(
        Decision(0, ("H", "T"), (col((1, -1), (-1, 1)), col((-1, 1), (1, -1))), infoset=f"state {k}")
        for k in range(states)
    )
    chance = Chance(tuple(f"s{k}" for k in range(states)), tuple(Fraction(1, states) for _ in range(states)), row)
    return GameTree("Pennies in states", ("Row", "Column"), chance)


def three_way_meeting(places: int = 4) -> GameTree:
    """Three players each pick one of `places` without seeing the others' picks; all get 1
    if they meet, else 0. Pure equilibria (hand count): the `places` meetings, where no one
    gains, and the profiles with three different picks, where no one alone can make a
    meeting — places·(places−1)·(places−2) of them; every other profile has two who agree
    and a third who would join them."""
    names = tuple(f"place {k}" for k in range(places))
    meet = lambda a, b, c: T((1, 1, 1) if a == b == c else (0, 0, 0))  # noqa: E731
    third = lambda a, b: Decision(2, names, tuple(meet(a, b, c) for c in range(places)), infoset="3")  # noqa: E731
    second = lambda a: Decision(1, names, tuple(third(a, b) for b in range(places)), infoset="2")  # noqa: E731
    return GameTree("Three-way meeting", ("Ann", "Bo", "Cy"), Decision(0, names, tuple(second(a) for a in range(places))))
