"""Generated hostile inputs for the bounded-work suite: .nfg, .efg, scenario and model files.

Each case is a plain dict — ``{"name", "files": {filename: text}, "args": [...]}`` — made
by a seeded `random.Random`, so a failing case can be regenerated from its name alone.
The kinds are the ones that can make a solver run without end or a parser read without
bound: tie-heavy trees (payoffs in {0, 1/3, 2/3, 1}), all-equal N-player games (every
profile an equilibrium), degenerate bimatrices, oversized declarations, deep or wide
trees, long chains of chance nodes, junk text, hostile TOML and formula bombs.
"""

from __future__ import annotations

import random

THIRDS = ["0", "1/3", "2/3", "1"]


# ------------------------------------------------------------------ .nfg
def _nfg(shape: list[int], payoff, title: str = "hostile") -> str:
    n = len(shape)
    players = " ".join(f'"P{i + 1}"' for i in range(n))
    head = f'NFG 1 R "{title}" {{ {players} }} {{ {" ".join(map(str, shape))} }}\n'
    size = 1
    for s in shape:
        size *= s
    values = [payoff(k, i) for k in range(size) for i in range(n)]
    return head + " ".join(values) + "\n"


def nfg_case(rng: random.Random, k: int) -> dict:
    kind = k % 7
    if kind == 0:  # all zero, N players: every profile an equilibrium
        n = rng.choice([3, 4])
        shape = [rng.randint(2, {3: 20, 4: 8}[n]) for _ in range(n)]
        text = _nfg(shape, lambda *_: "0")
    elif kind == 1:  # thirds, 3 or 4 players: many ties
        n = rng.choice([3, 4])
        shape = [rng.randint(2, 5) for _ in range(n)]
        text = _nfg(shape, lambda *_: rng.choice(THIRDS))
    elif kind == 2:  # degenerate bimatrix with ties
        shape = [rng.randint(2, 9), rng.randint(2, 9)]
        text = _nfg(shape, lambda *_: str(rng.randint(0, 2)))
    elif kind == 3:  # an oversized declaration, few numbers
        shape = [rng.randint(10**3, 10**6) for _ in range(rng.choice([2, 3]))]
        players = " ".join(f'"P{i + 1}"' for i in range(len(shape)))
        text = f'NFG 1 R "big" {{ {players} }} {{ {" ".join(map(str, shape))} }}\n0 0 0\n'
    elif kind == 4:  # huge and tiny magnitudes
        shape = [rng.randint(2, 4), rng.randint(2, 4)]
        text = _nfg(shape, lambda *_: rng.choice(["1e300", "-1e300", "1e-300", "0", "1", "10/3"]))
    elif kind == 5:  # junk tokens after a valid header
        text = 'NFG 1 R "junk" { "A" "B" } { 2 2 }\n' + " ".join(
            rng.choice(["{", "}", '"', "1", "x", "1/0", "--1", "\\", "\x00", "9" * 400]) for _ in range(rng.randint(1, 30))
        )
    else:  # a single-strategy player among others
        shape = [1, rng.randint(2, 30), rng.randint(1, 3)]
        text = _nfg(shape, lambda *_: str(rng.randint(-3, 3)))
    args = rng.choice([["solve"], ["explain"], ["solve", "--format", "json"], ["solve", "--method", "pure"]])
    return {"name": f"nfg-{k}", "files": {"game.nfg": text}, "args": args + ["game.nfg"]}


# ------------------------------------------------------------------ .efg
def _efg(players: int, root_text: list[str], title: str = "hostile") -> str:
    names = " ".join(f'"P{i + 1}"' for i in range(players))
    return f'EFG 2 R "{title}" {{ {names} }}\n' + "\n".join(root_text) + "\n"


def _tie_tree(rng: random.Random, players: int, nodes: int, chance: float) -> list[str]:
    """A random tree in .efg node lines: perfect information, payoffs in thirds (ties)."""
    lines: list[str] = []
    counter = {"infoset": 0, "outcome": 0, "chance": 0}
    budget = [nodes]

    def node(depth: int) -> None:
        budget[0] -= 1
        if budget[0] <= 0 or depth > 30 or (depth > 1 and rng.random() < 0.3):
            counter["outcome"] += 1
            pays = " ".join(rng.choice(THIRDS) for _ in range(players))
            lines.append(f't "" {counter["outcome"]} "" {{ {pays} }}')
            return
        width = rng.randint(2, 3)
        if rng.random() < chance:
            counter["chance"] += 1
            probs = " ".join(f'"c{j}" 1/{width}' for j in range(width))
            lines.append(f'c "" {counter["chance"]} "" {{ {probs} }} 0')
        else:
            counter["infoset"] += 1
            acts = " ".join(f'"a{j}"' for j in range(width))
            lines.append(f'p "" {rng.randint(1, players)} {counter["infoset"]} "" {{ {acts} }} 0')
        for _ in range(width):
            node(depth + 1)

    node(0)
    return lines


def efg_case(rng: random.Random, k: int) -> dict:
    kind = k % 6
    players = rng.randint(1, 4)
    if kind in (0, 1):  # tie-heavy trees, up to ~400 nodes
        text = _efg(players, _tie_tree(rng, players, rng.randint(20, 250), 0.0 if kind == 0 else 0.2))
    elif kind == 2:  # a long chain of moves
        depth = rng.randint(50, 390)
        lines = []
        for d in range(depth):
            lines.append(f'p "" {d % players + 1} {d + 1} "" {{ "stop" "go" }} 0')
            lines.append(f't "" {d + 1} "" {{ {" ".join(rng.choice(THIRDS) for _ in range(players))} }}')
        lines.append(f't "" {depth + 1} "" {{ {" ".join("1" for _ in range(players))} }}')
        text = _efg(players, lines)
    elif kind == 3:  # one very wide node of ties
        width = rng.randint(100, 1500)
        acts = " ".join(f'"a{j}"' for j in range(width))
        lines = [f'p "" 1 1 "" {{ {acts} }} 0'] + [f't "" {j + 1} "" {{ {" ".join("0" for _ in range(players))} }}'
                                                   for j in range(width)]
        text = _efg(players, lines)
    elif kind == 4:  # a shared information set (imperfect information) with ties
        lines = [
            'p "" 1 1 "" { "L" "R" } 0',
            'p "" 2 1 "" { "l" "r" } 0',
            f't "" 1 "" {{ 0 0{" 0" * (max(players, 2) - 2)} }}',
            f't "" 2 "" {{ 0 0{" 0" * (max(players, 2) - 2)} }}',
            'p "" 2 1 "" { "l" "r" } 0',
            f't "" 3 "" {{ 0 0{" 0" * (max(players, 2) - 2)} }}',
            f't "" 4 "" {{ 0 0{" 0" * (max(players, 2) - 2)} }}',
        ]
        text = _efg(max(players, 2), lines)
    else:  # junk
        text = 'EFG 2 R "junk" { "A" }\n' + "".join(rng.choice(['p "" 1 1 "" { "a" } 0\n', "t ", "{", "}", '"', "1/0 ", "\x07"])
                                                   for _ in range(rng.randint(1, 60)))
    args = rng.choice([["solve"], ["explain"], ["solve", "--format", "json"], ["solve", "--format", "dot"]])
    return {"name": f"efg-{k}", "files": {"tree.efg": text}, "args": args + ["tree.efg"]}


# ------------------------------------------------------------------ scenario .toml
PARAMETER_WORDS = ["re_dependence", "chip_value", "re_linkage", "chip_linkage", "leverage", "hawk_cost",
                   "deal_value_cn", "nonsense", "x" * 5000, "", "1abc"]


def scenario_case(rng: random.Random, k: int) -> dict:
    kind = k % 5
    if kind == 0:
        values = {rng.choice(PARAMETER_WORDS[:7]): rng.choice(["1e308", "-1e308", "nan", "inf", "0", "3.5", '"x"', "[1, 2]"])
                  for _ in range(rng.randint(1, 4))}
    elif kind == 1:
        values = {rng.choice(PARAMETER_WORDS): str(rng.uniform(-100, 100)) for _ in range(rng.randint(1, 4))}
    elif kind == 2:
        values = {"re_dependence": "{ a = 1 }"}
    else:
        values = {rng.choice(PARAMETER_WORDS[:7]): f"{rng.uniform(0, 10):.3f}" for _ in range(rng.randint(0, 5))}
    body = "\n".join(f'"{key}" = {value}' for key, value in values.items())
    title = rng.choice(["Hostile", "t" * 100_000, "ctl\x07\x1b]0;x\x07", "ok"])
    text = f'title = "{title}"\n' + ("story = " + '"' * 3 + "a" * rng.randint(0, 10_000) + '"' * 3 + "\n") + f"[parameters]\n{body}\n"
    if kind == 4:
        text = "[[[" + text
    form = rng.choice([[], ["--game", "graded", "--levels", str(rng.choice([2, 5, 12, 40, 10**6]))], ["--game", "us-first"],
                       ["--game", "snapback"], ["--game", "repeated"], ["--game", "bargaining"]])
    return {"name": f"scenario-{k}", "files": {"s.toml": text}, "args": ["solve", "s.toml", *form]}


# ------------------------------------------------------------------ model .toml
def model_case(rng: random.Random, k: int) -> dict:
    """A model file with a formula bomb, a huge name, a deep nest or a huge grid (when models exist)."""
    kind = k % 6
    formula = {
        0: "10 ** 10 ** 10",
        1: "(" * 5000 + "x" + ")" * 5000,
        2: " + ".join(["x"] * 100_000),
        3: "stake * x * (1 - y)",
        4: "exp(exp(exp(1000)))",
        5: "x / (y - y)",
    }[kind]
    name = "a" * rng.choice([1, 10, 2_000_000]) if kind == 3 else "stake"
    levels = rng.choice([[0, 1], list(range(3)), "x"])
    text = (
        'title = "bomb"\n'
        '[players.US]\nstrategies = ["Hold", "Escalate"]\nlevel = "x"\nlevels = [0, 1]\n'
        '[players.China]\nstrategies = ["Hold", "Escalate"]\nlevel = "y"\nlevels = ' + str(levels).replace("'", '"') + "\n"
        f'[parameters.{name}]\ndefault = 4\nrange = [0, 20]\nunit = "u"\nmeaning = "m"\nsource = "judgement"\n'
        f'[payoffs.US]\n"a" = "{formula}"\n[payoffs.China]\n"a" = "{formula}"\n'
    )
    form = rng.choice([[], ["--game", "graded", "--levels", str(rng.choice([3, 10**7]))]])
    return {"name": f"model-{k}", "files": {"m.toml": text}, "args": ["solve", "m.toml", *form]}


GENERATORS = {"nfg": nfg_case, "efg": efg_case, "scenario": scenario_case, "model": model_case}
#: How many cases of each kind the bounded-work suite generates (2,000 in all).
SUITE_COUNTS = {"nfg": 700, "efg": 500, "scenario": 500, "model": 300}


def cases(kind: str, count: int, seed: int = 0) -> list[dict]:
    """``count`` cases of one kind, reproducible from the seed."""
    rng = random.Random(f"{kind}-{seed}")
    return [GENERATORS[kind](rng, k) for k in range(count)]

