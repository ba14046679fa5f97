"""Hidden-input tests of the record: episode files written from docs/record.md alone
(tests/data/episodes/), read by `tradegame timeline` and `tradegame infer`, and compared with
an oracle written here in plain Python.

The oracle does not use tradegame: it reads the model's defaults and ranges from the model
file with tomllib (data only), evaluates the payoff formulas of docs/model.md and the
package form's tariff terms (examples/models/trade.toml) itself, checks each observed
profile against every unilateral deviation in exact fractions, and finds the identified
set by solving the conditions as linear inequalities (one or two free parameters, exact)
and by scanning a grid. Bad episode files must each exit 2 with one line on stderr naming
the file and the field, and write nothing.
"""

from __future__ import annotations

import json
import tomllib
from fractions import Fraction as F
from pathlib import Path

import pytest

from tests.test_hostile_cli import _run_main
from tests.test_record import polygon_extremes

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "episodes"
BAD = DATA / "bad"
MODEL = tomllib.loads((ROOT / "examples" / "models" / "trade.toml").read_text(encoding="utf-8"))
PARAMS = MODEL["parameters"]


def ep(name: str) -> str:
    return str(DATA / f"{name}.toml")


# ------------------------------------------------------------------ running the CLI
def cli(*args: str) -> tuple[int, str, str]:
    """The real entry point, in-process: (exit code, stdout, stderr)."""
    run = _run_main(list(args))
    return run.exit_code, run.stdout, run.stderr


def cli_json(*args: str) -> dict:
    code, out, err = cli(*args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


# ------------------------------------------------------------------ the oracle
def num(v) -> F:
    return F(str(v)) if isinstance(v, float) else F(v)


def default(name: str) -> F:
    return num(PARAMS[name]["default"])


def prange(name: str) -> tuple[F, F]:
    lo, hi = PARAMS[name]["range"]
    return num(lo), num(hi)


class Episode:
    """An episode file read with tomllib: its parameter values (defaults filled in) and its
    observed moves as numbers (x, tariff_us) / (y, tariff_cn[, purchase])."""

    def __init__(self, path: str):
        self.path = path
        self.name = Path(path).stem
        self.data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        self.values = {n: default(n) for n in PARAMS}
        for n, v in self.data.get("parameters", {}).items():
            self.values[n] = num(v)

    # the observed moves --------------------------------------------------------
    def grid(self, package: bool = False) -> list[F]:
        obs = self.data["observed"]["package"] if package else self.data["observed"]
        form = obs.get("game", "package" if package else "simultaneous")
        n = obs.get("levels", 5) if form in ("graded", "package-graded") else 2
        return [F(k, n - 1) for k in range(n)]

    @staticmethod
    def _level(move, grid, words) -> F:
        if isinstance(move, str):
            m = move.strip().lower()
            if m in words:
                return words[m]
            assert m.endswith("%"), move  # 'open 50%', 'supply 50%'
            return F(m.split()[-1][:-1]) / 100
        v = num(move)
        assert v in grid
        return v

    def moves(self, package: bool = False, purchases: bool = False):
        """((x, t_us), (y, t_cn, purchase)) as recorded; t = 1 is the high tariff."""
        obs = self.data["observed"]
        if not package:
            g = self.grid()
            x = self._level(obs["US"], g, {"restrict": F(0), "relax": F(1)})
            y = self._level(obs["China"], g, {"restrict": F(0), "supply": F(1)})
            return (x, None), (y, None, None)
        pkg = obs["package"]
        g = self.grid(True)
        us = {k.lower(): v for k, v in pkg["US"].items()}
        cn = {k.lower(): v for k, v in pkg["China"].items()}
        tariff = {"tariff high": F(1), "tariff low": F(0)}
        x = self._level(us["chip controls"], g, {"restrict": F(0), "relax": F(1)})
        y = self._level(cn["rare-earth licensing"], g, {"restrict": F(0), "supply": F(1)})
        t_us = tariff[us["us tariff"].strip().lower()]
        t_cn = tariff[cn["china tariff"].strip().lower()]
        p = ({"buy": F(1), "no purchases": F(0)}[cn["purchases"]] if purchases else None)
        return (x, t_us), (y, t_cn, p)

    def strategies(self, package: bool = False, purchases: bool = False):
        g = self.grid(package)
        if not package:
            return [(x, None) for x in g], [(y, None, None) for y in g]
        ts = (F(1), F(0))
        ps = (F(0), F(1)) if purchases else (None,)
        return ([(x, t) for x in g for t in ts],
                [(y, t, p) for y in g for t in ts for p in ps])


def payoffs(p: dict, us: tuple, cn: tuple) -> tuple[F, F]:
    """The trade model's payoffs, written out from docs/model.md and the model file: the
    chips-for-rare-earths terms, plus the tariff (and purchases) terms in the package form."""
    x, t_us = us
    y, t_cn, purchase = cn
    chips = x * (1 - p["chip_linkage"] * (1 - y))
    rare = y * (1 - p["re_linkage"] * (1 - x))
    u = (chips * p["chip_sales"] - x * chips * p["security_risk"] - x * p["hawk_cost"]
         - (1 - rare) * p["re_dependence"] + x * y * p["deal_value_us"]
         - (1 - x) * (1 - y) * p["escalation_cost_us"])
    c = (chips * (p["chip_value"] - p["self_reliance"]) + rare * p["re_revenue"] + (1 - y) * p["leverage"]
         - (1 - y) ** 2 * p["diversification"] + x * y * p["deal_value_cn"]
         - (1 - x) * (1 - y) * p["escalation_cost_cn"])
    if t_us is None:
        return u, c
    span = p["us_tariff_high"] - p["us_tariff_low"]
    us_rate = p["us_tariff_low"] + t_us * span + p["tariff_linkage"] * (1 - t_us) * (1 - y) * span
    cn_rate = p["cn_tariff_low"] + t_cn * (p["cn_tariff_high"] - p["cn_tariff_low"])
    truce = (1 - t_us) * (1 - t_cn)
    u += us_rate * (p["tariff_gain_us"] - p["tariff_cost_us"]) + truce * p["truce_value_us"] - cn_rate * p["tariff_hit_us"]
    c += (-us_rate * p["tariff_hit_cn"] + cn_rate * (p["retaliation_value_cn"] - p["tariff_cost_cn"])
          + truce * p["truce_value_cn"] + (1 - y) * (p["us_tariff_low"] + t_us * span) * p["licensing_retaliation"])
    if purchase is not None:
        snap = p["purchase_linkage"] * (1 - p["tariff_linkage"]) * (1 - t_us) * (1 - purchase) * span
        u += purchase * p["purchase_value_us"] + snap * (p["tariff_gain_us"] - p["tariff_cost_us"])
        c += -purchase * p["purchase_cost_cn"] - snap * p["tariff_hit_cn"]
    return u, c


def gains(e: Episode, values: dict, package=False, purchases=False) -> tuple[F, F]:
    """Each player's best deviation gain at the observed profile (≤ 0: no gain)."""
    us, cn = e.moves(package, purchases)
    S_us, S_cn = e.strategies(package, purchases)
    u0, c0 = payoffs(values, us, cn)
    g_us = max(payoffs(values, s, cn)[0] for s in S_us if s != us) - u0
    g_cn = max(payoffs(values, us, s)[1] for s in S_cn if s != cn) - c0
    return g_us, g_cn


def shifted(e: Episode, free: list[str], theta) -> dict:
    v = dict(e.values)
    for n, t in zip(free, theta):
        v[n] = t + (e.values[n] - default(n))
    return v


def conditions(eps: list[Episode], free: list[str], package=False, purchases=False):
    """Every 'staying pays at least as much as switching' condition as (a, b): a·θ + b ≥ 0,
    read off exact evaluations at 0 and the unit vectors, and checked affine at two more
    points; the range bounds of the base value and of each episode's value included."""
    rows = []
    k = len(free)
    unit = [tuple(F(int(i == j)) for j in range(k)) for i in range(k)]
    probe = [tuple(F(7 + 3 * i, 3) for i in range(k)), tuple(F(-5 + i, 2) for i in range(k))]
    for e in eps:
        us, cn = e.moves(package, purchases)
        S_us, S_cn = e.strategies(package, purchases)
        devs = [(0, s, cn) for s in S_us if s != us] + [(1, us, s) for s in S_cn if s != cn]
        for player, d_us, d_cn in devs:
            def g(theta):
                v = shifted(e, free, theta)
                return payoffs(v, us, cn)[player] - payoffs(v, d_us, d_cn)[player]

            b = g((F(0),) * k)
            a = tuple(g(u) - b for u in unit)
            for pt in probe:
                assert g(pt) == b + sum(ai * ti for ai, ti in zip(a, pt)), "not affine"
            rows.append((a, b))
        for i, n in enumerate(free):
            lo, hi = prange(n)
            s = e.values[n] - default(n)
            rows.append((unit[i], s - lo))                      # θ + s ≥ lo
            rows.append((tuple(-u for u in unit[i]), hi - s))  # θ + s ≤ hi
    for i, n in enumerate(free):
        lo, hi = prange(n)
        rows.append((unit[i], -lo))
        rows.append((tuple(-u for u in unit[i]), hi))
    return rows


def interval(rows) -> tuple[F, F] | None:
    """One free parameter: the exact interval {θ : a θ + b ≥ 0 for every row}."""
    lo, hi = F(-10**9), F(10**9)
    for (a,), b in rows:
        if a > 0:
            lo = max(lo, -b / a)
        elif a < 0:
            hi = min(hi, -b / a)
        elif b < 0:
            return None
    return (lo, hi) if lo <= hi else None


def polygon_bounds(rows) -> list[tuple[F, F]] | None:
    """Two free parameters: the exact bounds of the set (test_record's vertex enumeration)."""
    return polygon_extremes(rows)


def fits(eps: list[Episode], free: list[str], theta, package=False, purchases=False) -> bool:
    """Directly: is every observed profile an equilibrium with the base values θ (and is
    every value in range, the base values' and each episode's)?"""
    for n, t in zip(free, theta):
        lo, hi = prange(n)
        if not lo <= t <= hi:
            return False
    for e in eps:
        v = shifted(e, free, theta)
        for n in free:
            lo, hi = prange(n)
            if not lo <= v[n] <= hi:
                return False
        if max(gains(e, v, package, purchases)) > 0:
            return False
    return True


def reported(data: dict) -> list[tuple[F, F]]:
    out = []
    for b in data["bounds"]:
        assert b["low_exact"] is not None and b["high_exact"] is not None, b
        out.append((F(b["low_exact"]), F(b["high_exact"])))
    return out


# ------------------------------------------------------------------ bad files
#: each bad file, and what its one error line must name (the field, or the TOML position)
BAD_FIELDS = {
    "date-february-30": "line 2",  # tomllib refuses the date itself: the line names it
    "date-month-13": "'date'",
    "date-number": "'date'",
    "date-time-only": "'date'",
    "date-words": "'date'",
    "date-empty": "'date'",  # was read as no date: only timeline refused it ("no 'date'")
    "move-unknown": "'China'",
    "move-off-grid": "'US'",
    "move-nan": "'US'",
    "move-above-one": "'US'",
    "move-missing": "'China'",
    "move-table": "'US'",
    "observed-unknown-player": "'Japan'",
    "game-unknown": "'game'",
    "levels-too-many": "'levels'",
    "package-unknown-instrument": "'entity list'",
    "package-unknown-setting": "'US tariff'",
    "package-inf-level": "'chip controls'",
    "package-missing-tariff": "'US tariff'",
    "parameter-unknown": "'leverge'",
    "parameter-out-of-range": "'re_linkage'",
    "parameter-text": "'leverage'",
    "tariff-out-of-range": "'us_tariff_high'",
    "provenance-no-source": "'source'",
    "provenance-empty-source": "'source'",
    "provenance-unknown-parameter": "'leverage_cn'",
    "sources-not-a-list": "'sources'",
    "sources-number": "sources[1]",
    "toml-unclosed-table": "line 3",
    "toml-two-observed": "observed",
    "toml-two-episodes": "'episode'",
}


def test_every_bad_file_is_listed():
    assert sorted(p.stem for p in BAD.glob("*.toml")) == sorted(BAD_FIELDS)


def _one_line_error(code: int, out: str, err: str, path: Path, field: str) -> None:
    assert code == 2, (code, err)
    assert "Traceback" not in out + err and "internal error" not in err, err
    lines = err.strip().split("\n")
    assert len(lines) == 1, lines
    assert str(path) in lines[0] and field in lines[0], lines[0]
    assert not out.strip(), "no partial output"


@pytest.mark.parametrize("name", sorted(BAD_FIELDS))
def test_a_bad_episode_file_is_one_line_exit_2_and_writes_nothing(name, tmp_path):
    path = BAD / f"{name}.toml"
    picture = tmp_path / "set.png"
    for args in (
        ["infer", str(path), "--free", "leverage,hawk_cost", "--plot", "leverage,hawk_cost", "-o", str(picture)],
        ["infer", str(path), "--package", "--free", "leverage"],
        ["timeline", str(path), "--format", "json"],
        ["timeline", str(path), "--package"],
        ["show", str(path)],
    ):
        _one_line_error(*cli(*args), path, BAD_FIELDS[name])
        assert not picture.exists(), "nothing half-written with -o"
    # next to a good episode, the bad one is still named, and nothing is printed for the good one
    _one_line_error(*cli("timeline", ep("2019-05-10-tariffs-raised"), str(path)), path, BAD_FIELDS[name])


# ------------------------------------------------------------------ timeline
GOOD = sorted(p.stem for p in DATA.glob("*.toml"))
WITH_MOVES = [n for n in GOOD if "observed" in Episode(ep(n)).data]
WITH_PACKAGE = [n for n in WITH_MOVES if "package" in Episode(ep(n)).data["observed"]]


def _label_level(label: str) -> F:
    """'open 50%' / 'supply 0%' / 'Relax' / 'Restrict' / 'Supply' as a level."""
    words = {"restrict": F(0), "relax": F(1), "supply": F(1)}
    if label.lower() in words:
        return words[label.lower()]
    return F(label.split()[-1].rstrip("%")) / 100


def _pure_equilibria(e: Episode) -> set[tuple[F, F]]:
    """Every pure equilibrium of the episode's game, by brute force (floats to search,
    fractions to confirm)."""
    S_us, S_cn = e.strategies()
    fv = {k: float(v) for k, v in e.values.items()}
    U = [[payoffs(fv, (float(x), None), (float(y), None, None)) for (y, _, _) in S_cn] for (x, _) in S_us]
    found = set()
    for i, (x, _) in enumerate(S_us):
        for j, (y, _, _) in enumerate(S_cn):
            if U[i][j][0] >= max(U[k][j][0] for k in range(len(S_us))) - 1e-9 and \
               U[i][j][1] >= max(U[i][k][1] for k in range(len(S_cn))) - 1e-9:
                found.add((x, y))
    exact = set()
    for x, y in found:
        probe = Episode(e.path)
        probe.data = {**probe.data, "observed": {**probe.data["observed"], "US": x, "China": y}}
        if max(gains(probe, e.values)) <= 0:
            exact.add((x, y))
    return exact


def test_timeline_of_the_hidden_files_agrees_with_the_oracle():
    data = cli_json("timeline", *[ep(n) for n in GOOD])
    eps = {e["episode"]: e for e in data["episodes"]}
    assert list(eps) == GOOD  # the file names sort by date, as the timeline does
    assert eps["2025-11-10-affiliates-suspended"]["date"] == "2025-11-10"  # a date-time, read as its date
    assert eps["2019-05-10-tariffs-raised"]["date"] == "2019-05-10"  # a quoted date
    assert eps["2026-11-27-suspension-term"]["observed"] is None
    assert eps["2026-11-27-suspension-term"]["equilibrium"] is None
    assert data["episodes_with_moves"] == len(WITH_MOVES)
    hits = 0
    for name in WITH_MOVES:
        e = Episode(ep(name))
        g = gains(e, e.values)
        got = eps[name]
        assert got["equilibrium"] is (max(g) <= 0), name
        hits += max(g) <= 0
        short = {s["player"]: s for s in got["shortfalls"]}
        assert set(short) == {p for p, gain in zip(("US", "China"), g) if gain > 0}, name
        for player, gain in zip(("US", "China"), g):
            if gain > 0:
                assert F(short[player]["gain_exact"]) == gain, (name, player)
    assert data["equilibria_observed"] == hits
    # by hand: December 2024 with August 2023's values, US restricting: China's gain from
    # supplying is re_revenue − L + diversification + escalation_cost_cn = 2 − 3 + 1 + 0.5
    ban = eps["2024-12-03-mineral-ban"]
    assert [(s["player"], s["best_alternative"], F(s["gain_exact"])) for s in ban["shortfalls"]] == [
        ("China", "Supply", F(1, 2))]
    assert ban["model_predicts"] == ["(Restrict, Supply)"]


def test_timeline_reads_an_episode_on_101_levels():
    # the format allows up to 101 levels; the timeline used to refuse such an episode with
    # "option --method: a 101×101 game is too large for vertex enumeration" (exit 2)
    data = cli_json("timeline", ep("2026-01-14-h200-customs"))
    (got,) = data["episodes"]
    e = Episode(ep("2026-01-14-h200-customs"))
    assert [F(s["gain_exact"]) for s in got["shortfalls"]] == list(gains(e, e.values))
    *pure, unsearched = got["model_predicts"]
    assert "not searched" in unsearched and "101×101" in unsearched
    listed = set()
    for text in pure:
        us, cn = text.strip("()").split(", ")
        listed.add((_label_level(us), _label_level(cn)))
    assert listed == _pure_equilibria(e) and listed
    code, out, err = cli("timeline", ep("2026-01-14-h200-customs"), "--no-changes")
    assert code == 0 and "mixed equilibria not searched" in out, err


@pytest.mark.parametrize("purchases", [False, True])
def test_package_timeline_of_the_hidden_files_agrees_with_the_oracle(purchases):
    args = ["timeline", *[ep(n) for n in GOOD], "--package"] + (["--with", "purchases"] if purchases else [])
    data = cli_json(*args)
    assert data["form"] == "package"
    eps = {e["episode"]: e for e in data["episodes"]}
    for name in WITH_PACKAGE:
        e = Episode(ep(name))
        if purchases and "purchases" not in e.data["observed"]["package"]["China"]:
            assert eps[name]["equilibrium"] is None
            continue
        g = gains(e, e.values, True, purchases)
        assert eps[name]["equilibrium"] is (max(g) <= 0), name
        for s in eps[name]["shortfalls"]:
            assert F(s["gain_exact"]) == g[("US", "China").index(s["player"])], (name, s)
    # by hand: Phase One with purchases. Not buying saves purchase_cost_cn = 1/2 and costs
    # the snap-back purchase_linkage·(1 − tariff_linkage)·(0.15 − 0.075)·tariff_hit_cn =
    # 1/4 · 1 · 3/40 · 3 = 9/160, so China falls short by 1/2 − 9/160 = 71/160
    if purchases:
        (s,) = eps["2020-01-15-phase-one"]["shortfalls"]
        assert (s["player"], F(s["gain_exact"])) == ("China", F(71, 160))
    else:
        assert eps["2019-05-10-tariffs-raised"]["equilibrium"] is True
        assert eps["2020-01-15-phase-one"]["equilibrium"] is True


def test_package_timeline_reads_an_episode_on_21_levels(tmp_path):
    # 21 levels and two tariff settings: a 42×42 package game, beyond vertex enumeration
    text = Path(ep("2025-11-10-affiliates-suspended")).read_text(encoding="utf-8")
    fine = text.replace('game = "package-graded"\nlevels = 5\n', 'game = "package-graded"\nlevels = 21\n')
    assert fine != text
    path = tmp_path / "affiliates-21.toml"
    path.write_text(fine, encoding="utf-8")
    (got,) = cli_json("timeline", str(path), "--package")["episodes"]
    e = Episode(str(path))
    g = gains(e, e.values, True)
    assert got["game"] == "package-graded" and got["equilibrium"] is (max(g) <= 0)
    assert {s["player"]: F(s["gain_exact"]) for s in got["shortfalls"]} == {
        p: v for p, v in zip(("US", "China"), g) if v > 0}
    assert "not searched" in got["model_predicts"][-1]


# ------------------------------------------------------------------ infer
GALLIUM, BAN = "2023-08-01-gallium-germanium", "2024-12-03-mineral-ban"
PHASE_ONE, TARIFFS_2019 = "2020-01-15-phase-one", "2019-05-10-tariffs-raised"
H20, AFFILIATES, H200 = "2025-08-27-h20-licences", "2025-11-10-affiliates-suspended", "2026-01-14-h200-customs"

INFER_CASES = [
    # (episodes, free, package, with purchases)
    ([GALLIUM, BAN], ["leverage"], False, False),          # a single point
    ([BAN], ["leverage"], False, False),                   # up to the range's top
    ([GALLIUM], ["leverage"], False, False),               # down to the range's bottom, shifted
    ([GALLIUM, BAN], ["hawk_cost"], False, False),         # nothing fits
    ([BAN], ["chip_value"], False, False),                 # a parameter no condition involves
    ([GALLIUM], ["chip_value"], False, False),
    ([PHASE_ONE], ["purchase_linkage"], True, True),       # nothing in the range fits
    ([PHASE_ONE], ["purchase_cost_cn"], True, True),
    ([H20], ["leverage"], False, False),
    ([H20], ["leverage", "hawk_cost"], False, False),
    ([AFFILIATES], ["leverage", "hawk_cost"], False, False),
    ([AFFILIATES], ["leverage", "hawk_cost"], True, False),
    ([AFFILIATES], ["leverage"], True, False),
    ([H200], ["hawk_cost", "leverage"], False, False),     # 101 levels: 200 conditions
    ([H20, AFFILIATES], ["leverage", "hawk_cost"], False, False),
    ([TARIFFS_2019, PHASE_ONE], ["tariff_gain_us", "truce_value_us"], True, False),
    ([TARIFFS_2019, PHASE_ONE], ["us_tariff_high"], True, False),
    ([TARIFFS_2019, PHASE_ONE, GALLIUM], ["deal_value_us", "hawk_cost"], False, False),
]


def _infer_args(names, free, package, purchases):
    args = ["infer", *[ep(n) for n in names], "--free", ",".join(free)]
    if package:
        args.append("--package")
    if purchases:
        args += ["--with", "purchases"]
    return args


@pytest.mark.parametrize("names, free, package, purchases", INFER_CASES)
def test_infer_bounds_agree_with_the_oracles_exact_set(names, free, package, purchases):
    data = cli_json(*_infer_args(names, free, package, purchases))
    eps = [Episode(ep(n)) for n in names]
    rows = conditions(eps, free, package, purchases)
    expected = interval(rows) if len(free) == 1 else polygon_bounds(rows)
    if expected is None:
        assert data["consistent"] is False and data["bounds"] is None and data["smallest_change"] is None
        # the oracle's direct check agrees: no grid point of the range fits
        if len(free) == 1:
            lo, hi = prange(free[0])
            assert not any(fits(eps, free, (lo + (hi - lo) * F(k, 80),), package, purchases) for k in range(81))
        conflict = data["conflicting_episodes"]
        assert conflict and set(conflict) <= set(names)
        assert interval(conditions([Episode(ep(n)) for n in conflict], free, package, purchases)) is None \
            if len(free) == 1 else polygon_bounds(conditions([Episode(ep(n)) for n in conflict], free, package, purchases)) is None
        for n in conflict:  # minimal: without any one of them the rest fit
            rest = [Episode(ep(m)) for m in conflict if m != n]
            if rest:
                r = conditions(rest, free, package, purchases)
                assert (interval(r) if len(free) == 1 else polygon_bounds(r)) is not None
        return
    if len(free) == 1:
        expected = [expected]
    assert data["consistent"] is True
    assert reported(data) == expected
    # a bound where the (shifted) range ends is marked so
    for b, (lo, hi) in zip(data["bounds"], expected):
        box_lo, box_hi = (F(v) for v in data["box"][b["parameter"]])
        assert (b["low_at_range_end"], b["high_at_range_end"]) == (lo == box_lo, hi == box_hi), b
    # each reported end is itself in the set (checked directly, by payoffs), and a step
    # beyond it is not, unless the step leaves the range
    if len(free) == 1:
        (lo, hi), = expected
        assert fits(eps, free, (lo,), package, purchases) and fits(eps, free, (hi,), package, purchases)
        eps_step = F(1, 10**6)
        assert not fits(eps, free, (lo - eps_step,), package, purchases)
        assert not fits(eps, free, (hi + eps_step,), package, purchases)


def test_infer_pins_leverage_to_a_single_point():
    # Both files hold the same values; leverage is set to 3, so an episode's own value is
    # L = θ − 1/2. With the US restricting, China's gain from supplying is
    # re_revenue − L + diversification + escalation_cost_cn = 2 − L + 1 + 1/2: August 2023
    # (it supplied) needs L ≤ 7/2, December 2024 (it banned) needs L ≥ 7/2. So θ = 4 exactly.
    data = cli_json("infer", ep(GALLIUM), ep(BAN), "--free", "leverage")
    assert reported(data) == [(F(4), F(4))]
    assert data["smallest_change"]["changes"] == [{"parameter": "leverage", "judgement": 3.5, "value": 4.0}]
    code, out, err = cli("infer", ep(GALLIUM), ep(BAN), "--free", "leverage")
    assert code == 0, err
    row = next(line for line in out.splitlines() if line.startswith("leverage"))
    assert row.split()[1:4] == ["3.5", "4", "4"]


def test_infer_an_unbounded_side_is_the_ranges_end():
    # December 2024 alone: L ≥ 7/2 only, so θ ≥ 4 and nothing but the range bounds it above
    # (θ ≤ 20, and θ − 1/2 ≤ 20); August 2023 alone: θ ≤ 4, and its own value θ − 1/2 ≥ 0.
    ban = cli_json("infer", ep(BAN), "--free", "leverage")
    assert reported(ban) == [(F(4), F(20))] and ban["box"]["leverage"] == ["1/2", "20"]
    assert (ban["bounds"][0]["low_at_range_end"], ban["bounds"][0]["high_at_range_end"]) == (False, True)
    code, out, err = cli("infer", ep(BAN), "--free", "leverage")
    assert "At the range's end (the observed moves allow it, and the range stops there): leverage's highest." \
        in " ".join(out.split()), out
    gallium = cli_json("infer", ep(GALLIUM), "--free", "leverage")
    assert reported(gallium) == [(F(1, 2), F(4))]
    # a parameter that no condition involves (chip_value, with the US restricting) is
    # bounded by its range alone when the rest fits, and cannot rescue what does not
    free = cli_json("infer", ep(GALLIUM), "--free", "chip_value")
    assert reported(free) == [(F(0), F(20))]
    assert all(F(c["coefficients"]["chip_value"]) == 0 for c in free["conditions"])
    assert cli_json("infer", ep(BAN), "--free", "chip_value")["conflicting_episodes"] == [BAN]


@pytest.mark.parametrize("names, free, args, expected", [
    ([GALLIUM, BAN], "hawk_cost", [], BAN),
    ([PHASE_ONE], "purchase_linkage", ["--package", "--with", "purchases"], PHASE_ONE),
])
def test_infer_says_plainly_when_no_values_fit(names, free, args, expected):
    # hawk_cost does not enter China's gain from supplying, which is 1/2 > 0 in December
    # 2024; Phase One's buying would need purchase_linkage ≥ (1/2)/(3/40 · 3) = 20/9 > 1.
    code, out, err = cli("infer", *[ep(n) for n in names], "--free", free, *args)
    assert code == 0 and not err
    assert "No parameter values make every observed move an equilibrium." in out
    # one episode is the whole conflict: said of that episode, not as 'these episodes
    # conflict ... drop one of them' (its wording for a set of two or more)
    said = " ".join(out.split())
    assert f"The observed moves of {expected} are not an equilibrium for any value of {free} within range" in said
    assert "These episodes conflict" not in said and "Drop one of them" not in said
    assert "Bounds over" not in out and "nan" not in out.lower()


def test_infer_refuses_an_episode_without_moves():
    path = ep("2026-11-27-suspension-term")
    code, out, err = cli("infer", path, "--free", "leverage")
    _one_line_error(code, out, err, Path(path), "[observed]")


def test_infer_then_agrees_with_the_oracle():
    # the set of August 2023 alone (θ ∈ [1/2, 4]), carried to December 2024's game (the
    # same values): which outcomes hold for every θ, for some, for none
    data = cli_json("infer", ep(GALLIUM), "--free", "leverage", "--then", ep(BAN))
    (then,) = data["then"]
    got = {tuple(o["outcome"]): o["equilibrium_for"] for o in then["outcomes"]}
    gallium, ban = Episode(ep(GALLIUM)), Episode(ep(BAN))
    set_rows = conditions([gallium], ["leverage"])
    lo, hi = interval(set_rows)
    for x in (F(0), F(1)):
        for y in (F(0), F(1)):
            probe = Episode(ban.path)
            probe.data = {**probe.data, "observed": {"US": x, "China": y}}
            rows = conditions([probe], ["leverage"])
            own = rows[:-4]  # the deviation rows (the last four are the range bounds)
            every = all(a[0] * t + b >= 0 for a, b in own for t in (lo, hi))
            some = interval(set_rows + rows) is not None
            label = ("Restrict" if x == 0 else "Relax", "Restrict" if y == 0 else "Supply")
            assert got[label] == ("every" if every else "some" if some else "none"), label
    assert got[("Restrict", "Restrict")] == "some" and got[("Restrict", "Supply")] == "every"


def test_infer_default_free_agrees_with_an_lp_on_the_oracles_conditions():
    # many free parameters (the default: judgement values the episodes' games depend on):
    # each bound re-solved by SciPy's interior-point method on the oracle's own conditions
    linprog = pytest.importorskip("scipy.optimize").linprog
    for names, package in (([TARIFFS_2019, PHASE_ONE, AFFILIATES], True), ([GALLIUM, BAN, TARIFFS_2019], False),
                           ([H20, H200], False)):
        data = cli_json("infer", *[ep(n) for n in names], *(["--package"] if package else []))
        free = data["free"]
        rows = conditions([Episode(ep(n)) for n in names], free, package)
        A = [[-float(a) for a in r] for r, _ in rows]
        b = [float(c) for _, c in rows]
        k = len(free)
        probe = linprog([0] * k, A_ub=A, b_ub=b, bounds=[(None, None)] * k, method="highs-ipm")
        assert data["consistent"] is (probe.status == 0), names
        if probe.status != 0:
            continue
        for i, bound in enumerate(data["bounds"]):
            for sign, value in ((1, bound["low"]), (-1, bound["high"])):
                c = [sign if j == i else 0 for j in range(k)]
                res = linprog(c, A_ub=A, b_ub=b, bounds=[(None, None)] * k, method="highs-ipm")
                assert res.status == 0 and sign * res.fun == pytest.approx(value, abs=1e-6), (names, bound)


def test_default_free_on_101_levels_is_what_enters_found_without_a_cell_by_cell_scan(monkeypatch):
    # The default free set of a 101-level episode: the judgement parameters (linkage shares
    # excluded) that change some payoff. The oracle's own payoffs are polynomials of degree
    # at most two in each level, so comparing them on a 5×5 sub-grid of the 101 levels decides.
    e = Episode(ep(H200))
    sub = [F(k, 4) for k in range(5)]
    expected = []
    for name, spec in PARAMS.items():
        if spec["source"] != "judgement" or name.endswith("_linkage"):
            continue
        bumped = dict(e.values)
        bumped[name] += 1
        if any(payoffs(e.values, (x, None), (y, None, None)) != payoffs(bumped, (x, None), (y, None, None))
               for x in sub for y in sub):
            expected.append(name)
    # Counted, not timed: the exact payoffs evaluated to find the set. It used to evaluate
    # every one of the 10,201 cells for both players, twice, for each of the 19 judgement
    # parameters that did not enter.
    from games.history import identified_set
    from games.model import level_game
    from games.model.scenarios import load

    calls = []
    real = level_game.level_terms

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(level_game, "level_terms", counting)
    assert identified_set.default_free([load(ep(H200))]) == expected
    assert len(calls) < 1000, len(calls)



@pytest.mark.parametrize("where, old, new, free", [
    ("[parameters]", "us_tariff_high = 0.25", "us_tarif_high = 0.25", "leverage"),
    ("[provenance]", "[provenance.tariff_linkage]", "[provenance.tarif_linkage]", "leverage"),
    ("option --free", "", "", "tarif_linkage"),
])
def test_a_misspelt_tariff_parameter_is_suggested_and_listed(tmp_path, where, old, new, free):
    # tariff parameters are accepted in an episode's [parameters] and [provenance] and by
    # infer --package --free; a misspelling used to be answered with the game parameters
    # only ('did you mean re_linkage or chip_linkage?', the tariff names missing from the list)
    text = Path(ep(TARIFFS_2019)).read_text(encoding="utf-8")
    path = tmp_path / "typo.toml"
    path.write_text(text.replace(old, new) if old else text, encoding="utf-8")
    assert not old or text.replace(old, new) != text
    code, out, err = cli("infer", str(path), "--package", "--free", free)
    _one_line_error(code, out, err, path if old else Path("option --free"), where)
    intended = "us_tariff_high" if "us_tarif" in new else "tariff_linkage"
    assert f"did you mean {intended}" in err and "purchase_linkage" in err.split("expected one of")[-1]


def test_infer_then_on_an_empty_set_says_it_is_not_solved():
    # nothing fits (December 2024 with hawk_cost free): the --then scenarios used to vanish
    # without a word, from the text and from the JSON alike
    args = ["infer", ep(BAN), "--free", "hawk_cost", "--then", "after-truce-renewal", "--then", ep(GALLIUM)]
    data = cli_json(*args)
    assert data["consistent"] is False and data["then"] is None
    code, out, err = cli(*args)
    said = " ".join(out.split())
    assert code == 0 and f"Not solved (--then): after-truce-renewal, {GALLIUM}" in said, out


def test_infer_names_a_free_parameter_no_condition_involves():
    # with the US restricting, chips = 0 whatever China does, so chip_value enters no payoff
    # difference at the observed profile (the oracle's own conditions agree); leverage does
    rows = conditions([Episode(ep(GALLIUM))], ["chip_value", "leverage"])
    involved = [any(a[k] != 0 for a, _ in rows[:-8]) for k in range(2)]  # the last eight: range bounds
    assert involved == [False, True]
    data = cli_json("infer", ep(GALLIUM), "--free", "chip_value,leverage")
    assert data["not_in_conditions"] == ["chip_value"]
    assert reported(data) == [(F(0), F(20)), (F(1, 2), F(4))]
    code, out, err = cli("infer", ep(GALLIUM), "--free", "chip_value,leverage")
    assert code == 0 and "No equilibrium condition involves chip_value" in " ".join(out.split())
    assert cli_json("infer", ep(GALLIUM), "--free", "leverage")["not_in_conditions"] == []


def test_show_names_a_move_as_the_strategy_it_is():
    # 'relax' and ' supply ' (2019), 'OPEN 50%' (November 2025) are valid moves; show and its
    # JSON used to repeat them as typed ('US relax, China  supply ')
    code, out, err = cli("show", ep(TARIFFS_2019))
    assert code == 0 and "Observed (simultaneous game): US Relax, China Supply" in out, err
    data = cli_json("show", ep(AFFILIATES))
    assert data["scenario"]["observed"]["moves"] == {"US": "open 50%", "China": 0.75}
    # and so is a package setting ('TARIFF HIGH' in the 2019 file is the setting 'tariff high')
    code, out, err = cli("show", ep(TARIFFS_2019), "--game", "package")
    assert code == 0 and "US chip controls Relax, US tariff tariff high; China" in " ".join(out.split()), err


def test_infer_tells_apart_two_episode_files_of_the_same_name(tmp_path):
    # two different files called episode.toml (in two folders) used to be refused as
    # "episode 'episode' is named twice"; each is now named by its path
    a, b = tmp_path / "a" / "episode.toml", tmp_path / "b" / "episode.toml"
    for path, source in ((a, GALLIUM), (b, BAN)):
        path.parent.mkdir()
        path.write_text(Path(ep(source)).read_text(encoding="utf-8"), encoding="utf-8")
    data = cli_json("infer", str(a), str(b), "--free", "leverage")
    assert data["episodes"] == [str(a), str(b)]
    assert reported(data) == [(F(4), F(4))]  # as for the two files under their own names
    assert {c["episode"] for c in data["conditions"]} == {str(a), str(b)}
    # the conflict names the episode by its path
    assert cli_json("infer", str(a), str(b), "--free", "hawk_cost")["conflicting_episodes"] == [str(b)]
    # the same file twice is still one episode named twice
    code, out, err = cli("infer", str(a), str(a), "--free", "leverage")
    assert code == 2 and "named twice" in err
