"""Game trees on the command line: --game us-first|china-first|snapback, and .efg files.

Text output draws the tree in the terminal (``*`` marks each mover's equilibrium action,
``◀`` the outcome reached); ``--format dot`` writes Graphviz DOT; JSON keeps the common
contract (strategies are the reduced normal-form strategies) and adds ``path``,
``behaviour``, ``tree`` and the normal form's ``nash_equilibria``.
"""

from __future__ import annotations

from typing import Any

from cli.request import Output, Request

#: Largest tree drawn node by node in the terminal.
MAX_DRAWN_NODES = 400
#: Most equilibria whose tree is drawn (the others are listed).
MAX_DRAWN_EQUILIBRIA = 3


# ------------------------------------------------------------------ entry points
def run(request: Request) -> Output:
    """Solve and explain one of the trade trees for the request's scenario."""
    from games.errors import InputError
    from games.trade.trees import FOCUS, FORMS, drivers, tree_title

    if request.game not in FORMS:
        raise InputError(f"option --game: expected one of {', '.join(FORMS)}, got '{request.game}'")
    _check_options(request)
    scenario = request.scenario
    builder = FORMS[request.game]
    tree = builder(scenario.parameters, title=tree_title(scenario.name, request.game))
    from games.explanations.tree_explain import first_mover_value

    context = {
        "drivers": drivers(scenario.parameters),
        "focus": FOCUS[request.game],
        "first_mover": first_mover_value(scenario.parameters, request.game),
    }
    intro = [f"{scenario.title}. {scenario.summary}"]
    if scenario.overrides:
        intro.append("What-if: " + ", ".join(f"{k} = {_num(v)}" for k, v in scenario.overrides))
    output = solve_tree(tree, request.fmt, request.full, request.method, context, intro)
    from cli import render

    output.data["scenario"] = render.scenario_data(scenario)
    output.data["form"] = request.game
    return output


def solve_efg_file(path: str, fmt: str, full: bool, method: str = "auto", exact: bool = False) -> Output:
    """Read a Gambit .efg file, solve it and render it (called by `tradegame solve GAME.efg`).

    With ``exact`` the reduced normal form is built and solved in fractions (exact vertex
    enumeration, two players) and every equilibrium carries its exact profile and payoffs.
    """
    from games.formats.efg import read_efg
    from games.solvers.solver import METHODS

    if method not in METHODS:
        from games.errors import InputError, clip
        from games.suggestions import did_you_mean

        raise InputError(
            f"option --method: expected one of {', '.join(METHODS)}, got '{clip(method)}'{did_you_mean(method, METHODS)}"
        )
    tree = read_efg_to_solve(path)
    return solve_tree(tree, fmt, full, method, {}, [f"Read from {path}."], exact)


def read_efg_to_solve(path: str):
    """An .efg file read for solving or drawing its equilibria: imperfect recall is refused
    here with the file named (the reduced normal form's own refusal names only the game's
    title); `export --to efg` still writes such a tree."""
    from games.errors import InputError
    from games.formats.efg import read_efg
    from games.forms.tree import has_perfect_recall

    tree = read_efg(path)
    if not has_perfect_recall(tree):
        raise InputError(
            f"{path}: a player forgets its own earlier moves (imperfect recall); tradegame solves trees "
            "with perfect recall only"
        )
    return tree


def _check_options(request: Request) -> None:
    from games.errors import InputError

    for name, value in request.options.items():
        if value is not None:
            raise InputError(f"option --{name}: not used by --game {request.game}")
    if request.exact:
        raise InputError(f"option --exact: not available for --game {request.game}")


def tree_of(target: str | None, sets: list[str], game: str | None, done: tuple[str, str]):
    """The game tree a command draws or writes: a Gambit .efg file as read; a model file's
    sequential tree (the default) or one of its own tree forms; a scenario's trade tree
    (--game us-first, the default, china-first or snapback). done: what the command does
    with trees, for errors: ("tree pictures", "are drawn"), ("trees", "are exported")."""
    from games.errors import InputError

    from cli.app import _load_scenario, _target_kind

    kind = _target_kind(target)
    if kind == "efg":
        if sets:
            raise InputError(f"option --set: parameters apply to scenarios, not to the game file {target}")
        from games.formats.efg import read_efg

        return read_efg(target)
    if kind == "nfg":
        raise InputError(f"argument TARGET: {target} is a normal-form game; trees come from scenarios, model files or .efg files")
    scenario = _load_scenario(target, sets)
    if scenario.model is not None:  # a model file: its sequential tree or its own
        return _model_tree(scenario, game, done)
    form = "us-first" if game is None else game  # --game "" is an unknown form, not the default
    from cli.option_rules import TREE_FORMS

    if form not in TREE_FORMS:
        from games.errors import clip
        from games.suggestions import did_you_mean

        raise InputError(
            f"option --game: {' '.join(done)} for {', '.join(TREE_FORMS)}, "
            f"got '{clip(game)}'{did_you_mean(game, TREE_FORMS)}"
        )
    from games.trade.trees import FORMS, tree_title

    return FORMS[form](scenario.parameters, title=tree_title(scenario.name, form))


def _model_tree(scenario, game: str | None, done: tuple[str, str]):
    """A model file's tree: sequential (the default, in the model's order), or one of its
    own tree forms ([forms.NAME] with an order)."""
    from games.errors import InputError, clip
    from games.model.evaluate import form_tree, sequential_tree
    from games.suggestions import did_you_mean

    model = scenario.model
    if game in (None, "simultaneous", "sequential"):
        return sequential_tree(model, scenario.parameters, model.order or model.player_names)
    own = tuple(name for name, form in model.forms.items() if form.model is None)  # tree forms
    if game in own:
        return form_tree(model, scenario.parameters, game)[0]
    forms = ("sequential", *own)
    noun, verb = done
    raise InputError(
        f"option --game: {noun} of model '{clip(model.name)}' {verb} for {', '.join(forms)}, "
        f"got '{clip(game)}'{did_you_mean(game, forms)}"
    )


# ------------------------------------------------------------------ solving
def solve_tree(
    tree, fmt: str, full: bool, method: str, context: dict, intro: list[str], exact: bool = False
) -> Output:
    """Solve a tree (backward induction if perfect information, else the reduced normal form)."""
    from games.forms.tree import is_perfect_information

    if is_perfect_information(tree):
        return _perfect_information(tree, fmt, full, method, context, intro, exact)
    return _imperfect_information(tree, fmt, full, method, intro, exact)


def _nash(tree, method: str, exact: bool):
    """(reduced normal form, solution, behaviours, exact equilibria or None, exact payoff arrays or None)."""
    from games.forms.reduced_form import exact_nash_equilibria, exact_payoff_arrays, nash_equilibria

    if not exact:
        return (*nash_equilibria(tree, method), None, None)
    rnf, solution, exact_eqs, behaviours = exact_nash_equilibria(tree)
    return rnf, solution, behaviours, exact_eqs, exact_payoff_arrays(rnf)


def _exact_entry(eq) -> dict[str, Any]:
    return {
        "profile_exact": [[str(v) for v in p] for p in eq.profile],
        "payoffs_exact": [str(v) for v in eq.payoffs],
    }


def _exact_line(players, eq) -> str:
    mixes = "; ".join(f"{name} ({', '.join(str(v) for v in p)})" for name, p in zip(players, eq.profile))
    return f"   exactly: {mixes}; payoffs {', '.join(str(v) for v in eq.payoffs)}"


def _perfect_information(tree, fmt, full, method, context, intro, exact: bool = False) -> Output:
    from games.solvers.backward_induction import behaviour_one_shot_gains, equilibrium_path, subgame_perfect
    from games.solvers.equilibrium import TOLERANCE, verify
    from games.errors import SolverError
    from games.forms.reduced_form import nash_equilibria, pure_profile
    from games.forms.tree import max_abs_payoff, pure_behaviour
    from games.explanations.tree_explain import explain_spes

    from games.errors import InputError

    spe_set = subgame_perfect(tree)
    spes = spe_set.equilibria
    limitation = ""
    exact_eqs = exact_arrays = None
    try:
        if method == "auto" and not exact:
            _check_nash_list_size(tree)
        rnf, solution, behaviours, exact_eqs, exact_arrays = _nash(tree, method, exact)
    except InputError as exc:
        if method != "auto" or exact:
            raise
        # the normal form is too large: keep the subgame-perfect equilibria, skip the Nash list
        rnf, solution, behaviours = _spe_only_form(tree, spes), None, ()
        limitation = f"The normal form was not solved ({exc}); strategies list only the equilibrium plans."
    game = rnf.game
    tol = TOLERANCE * max(1.0, max_abs_payoff(tree))
    equilibria_nf = solution.equilibria if solution is not None else ()
    nash = [(_profile_label(game, eq), b) for eq, b in zip(equilibria_nf, behaviours)]
    strategies = [[dict(pl) for pl in plans] for plans in rnf.plans] if solution is not None else None
    explanations = explain_spes(
        tree, spes, strategies, nash,
        drivers=context.get("drivers"), first_mover=context.get("first_mover", ()), focus=context.get("focus"),
    )
    records = []
    for spe, expl in zip(spes, explanations):
        profile = pure_profile(rnf, spe.plan)
        verified = verify(game, [_one_hot(n, k) for n, k in zip(game.shape, profile)])
        if verified is None and solution is not None:
            raise SolverError(f"game '{tree.title}': a subgame-perfect equilibrium failed the normal-form check")
        if verified is None:  # restricted strategy sets: the one-shot deviation check stands
            from games.solvers.equilibrium import Equilibrium

            verified = Equilibrium(tuple(tuple(_one_hot(n, k)) for n, k in zip(game.shape, profile)), spe.payoffs, 0.0)
        behaviour = pure_behaviour(tree, spe.plan)
        records.append((spe, profile, verified, expl, behaviour, equilibrium_path(tree, spe.plan)))
    nash_data = []
    for k, (eq, b) in enumerate(zip(equilibria_nf, behaviours)):
        gains = behaviour_one_shot_gains(tree, b)
        nash_data.append({
            "profile": [list(p) for p in eq.profile],
            "payoffs": list(eq.payoffs),
            "label": _profile_label(game, eq),
            "subgame_perfect": all(g <= tol for g in gains.values()),
            "behaviour": _behaviour_data(tree, b),
            **(_exact_entry(exact_eqs[k]) if exact_eqs is not None else {}),
        })
    data: dict[str, Any] = {
        "game": _game_data(game),
        "method": "backward induction",
        "perfect_information": True,
        "complete": spe_set.complete,
        "count": spe_set.count,
        "pure_only": True,
        "mixed_exist": spe_set.has_mixed,
        "tie_nodes": _tie_data(tree, spe_set.tie_paths),
        "outcomes": [list(v) for v in spe_set.outcomes],
        "tolerance": tol,
        "equilibria": [
            {
                "profile": [list(p) for p in verified.profile],
                "payoffs": list(spe.payoffs),
                "outcome": _profile_label(game, verified),
                "subgame_perfect": True,
                "explanation": expl.to_dict() if full else expl.summary(),
                "path": _path_data(tree, spe.plan, path),
                "behaviour": _behaviour_data(tree, behaviour),
            }
            for spe, profile, verified, expl, behaviour, path in records
        ],
        "nash_equilibria": nash_data,
        "nash_method": solution.method if solution is not None else None,
        "nash_complete": solution.complete if solution is not None else False,
        "note": limitation,
        "tree": _tree_data(tree),
    }
    verdicts = _agent_form_verdicts(tree, [r[4] for r in records]) if (full or fmt == "json") else None
    if verdicts is not None:
        for entry, v in zip(data["equilibria"], verdicts):
            entry.update(_agent_form_entry(v))
    if exact_arrays is not None:
        # the subgame-perfect list is backward induction's (games.solvers.backward_induction, in its
        # own arithmetic); its payoffs are restated exactly from the exact normal form
        for entry, (spe, profile, *_rest) in zip(data["equilibria"], records):
            entry["profile_exact"] = [["1" if k == s else "0" for k in range(n)] for n, s in zip(game.shape, profile)]
            entry["payoffs_exact"] = [str(a[profile]) for a in exact_arrays]
        data["nash_method"] = "exact"
    if records:
        data["path"] = data["equilibria"][0]["path"]
        data["behaviour"] = data["equilibria"][0]["behaviour"]
    if fmt == "dot":
        return Output(to_dot(tree, records[0][4] if records else {}), data)
    text = _pi_text(tree, game, records, solution, nash_data, fmt, full, intro, tol, spe_set)
    if full and verdicts is not None:
        text += "\n\n" + _agent_form_text(verdicts, [_profile_label(game, r[2]) for r in records], fmt,
                                           "subgame-perfect equilibria")
    if exact_eqs is not None:
        lines = ["", _heading(f"Nash equilibria of the reduced normal form, exactly: {len(exact_eqs)}", fmt, 2)]
        for k, (eq, entry) in enumerate(zip(exact_eqs, nash_data), 1):
            lines.append(f"{_bullet(fmt, k)} {entry['label']}" + (" (subgame perfect)" if entry["subgame_perfect"] else ""))
            lines.append(_exact_line(tree.players, eq))
        text += "\n" + "\n".join(lines)
    return Output(text, data)


#: Largest reduced normal form (in pure profiles) solved by default beside backward induction.
MAX_AUTO_NASH_PROFILES = 20_000
#: ... and with at most this many reduced strategies for any one player.
MAX_AUTO_NASH_STRATEGIES = 200


def _check_nash_list_size(tree) -> None:
    """Refuse (for the caller to skip) a reduced normal form too large to solve by default."""
    from math import prod

    from games.errors import InputError
    from games.forms.reduced_form import reduced_shape

    shape = reduced_shape(tree)
    if max(shape) > MAX_AUTO_NASH_STRATEGIES:
        raise InputError(
            f"its shape {shape} gives a player more than the {MAX_AUTO_NASH_STRATEGIES} reduced strategies "
            "solved by default; pass --method to solve it anyway"
        )
    if prod(shape) > MAX_AUTO_NASH_PROFILES:
        raise InputError(
            f"its shape {shape} has {prod(shape):,} pure profiles, more than the {MAX_AUTO_NASH_PROFILES:,} "
            "solved by default; pass --method to solve it anyway"
        )


def _spe_only_form(tree, spes):
    """A normal form restricted to the plans used in the subgame-perfect equilibria."""
    import numpy as np

    from games.forms.normal_form import NormalFormGame
    from games.forms.reduced_form import ReducedNormalForm, _play, strategy_label
    from games.forms.tree import information_sets

    sets = {h.ident: h for h in information_sets(tree)}
    plans = []
    for i in range(tree.n_players):
        mine = []
        for spe in spes:
            plan = tuple((ident, k) for ident, k in spe.choices if ident[0] == i)
            if plan not in mine:
                mine.append(plan)
        plans.append(tuple(mine))
    labels = []
    for i, mine in enumerate(plans):
        names = [strategy_label(tree, p, sets) for p in mine]
        labels.append(tuple(names if len(set(names)) == len(names) else [f"plan {k + 1}" for k in range(len(names))]))
    shape = tuple(len(p) for p in plans)
    arrays = [np.zeros(shape) for _ in range(tree.n_players)]
    for idx in np.ndindex(*shape):
        choice = {}
        for i, k in enumerate(idx):
            choice.update(plans[i][k])
        for i, v in enumerate(_play(tree, choice)):
            arrays[i][idx] = v
    game = NormalFormGame(tree.title, tree.players, tuple(labels), tuple(arrays))
    return ReducedNormalForm(tree, game, tuple(plans))


def _imperfect_information(tree, fmt, full, method, intro, exact: bool = False) -> Output:
    from games.forms.tree import reach_probabilities

    rnf, solution, behaviours, exact_eqs, _ = _nash(tree, method, exact)
    game = rnf.game
    records = []
    for eq, b in zip(solution.equilibria, behaviours):
        reach = reach_probabilities(tree, {k: v for k, v in b.items() if v is not None})
        records.append((eq, b, reach))
    subgames = _subgames(tree)
    note = (
        "Imperfect information: these are the Nash equilibria of the reduced normal form "
        f"(method {solution.method}"
        + ("; all extreme equilibria" if solution.complete else f"; {solution.note}")
        + "), mapped to behaviour strategies; "
        + (subgames["note"] if "note" in subgames else
           "subgame perfection is not checked, but for a small tree `explain` and JSON (agent_form_perfect) "
           "say which are perfect in the agent form, and those are subgame perfect.")
    )
    data: dict[str, Any] = {
        "game": _game_data(game),
        "method": solution.method,
        "perfect_information": False,
        "complete": solution.complete,
        "tolerance": solution.tolerance,
        "note": note,
        "equilibria": [
            {
                "profile": [list(p) for p in eq.profile],
                "payoffs": list(eq.payoffs),
                "outcome": _profile_label(game, eq),
                "max_regret": eq.max_regret,
                "explanation": _ii_explanation(tree, game, eq, b, reach),
                "path": _reached_data(tree, reach),
                "behaviour": _behaviour_data(tree, b),
                **(_exact_entry(exact_eqs[k]) if exact_eqs is not None else {}),
            }
            for k, (eq, b, reach) in enumerate(records)
        ],
        "tree": _tree_data(tree),
    }
    if subgames.get("none"):
        for entry in data["equilibria"]:
            entry["subgame_perfect"] = True
    if "equilibria" in subgames:
        data["subgame_perfect_equilibria"] = [
            {"payoffs": list(e.payoffs), "max_gain": e.max_gain, "behaviour": _behaviour_data(tree, e.behaviour),
             "path": _reached_data(tree, reach_probabilities(tree, e.behaviour))}
            for e in subgames["equilibria"]
        ]
        data["subgame_perfect_complete"] = subgames["complete"]
        data["proper_subgames"] = [list(p) for p in subgames["roots"]]
    if records:
        data["path"] = data["equilibria"][0]["path"]
        data["behaviour"] = data["equilibria"][0]["behaviour"]
    verdicts = _agent_form_verdicts(tree, [r[1] for r in records]) if (full or fmt == "json") else None
    if verdicts is not None:
        for entry, v in zip(data["equilibria"], verdicts):
            entry.update(_agent_form_entry(v))
    if fmt == "dot":
        return Output(to_dot(tree, records[0][1] if records else {}), data)
    out = [_heading(tree.title, fmt)] + intro + [""]
    for k, (eq, b, reach) in enumerate(records, 1):
        if k <= MAX_DRAWN_EQUILIBRIA:
            out += [f"Equilibrium {k} drawn (action probabilities in brackets; ◀ marks outcomes reached):", ""]
            out.append(_block(draw(tree, b, reach), fmt))
            out.append("")
    out.append(_heading(f"Nash equilibria: {len(records)}", fmt, 2))
    out.append(note)
    for k, (eq, b, reach) in enumerate(records, 1):
        pays = ", ".join(f"{p} {_pay(tree, v)}" for p, v in zip(tree.players, eq.payoffs))
        out.append(f"{_bullet(fmt, k)} {_profile_label(game, eq)} — payoffs: {pays}")
        out.append("   " + _ii_explanation(tree, game, eq, b, reach))
        if exact_eqs is not None:
            out.append(_exact_line(tree.players, exact_eqs[k - 1]))
    if "equilibria" in subgames:
        out += ["", _subgame_text(tree, subgames, fmt, None if full else MAX_DRAWN_EQUILIBRIA)]
    if full and verdicts is not None:
        out += ["", _agent_form_text(verdicts, [_profile_label(game, r[0]) for r in records], fmt, "equilibria")]
    return Output("\n".join(out), data)


def _subgames(tree) -> dict[str, Any]:
    """Subgame perfection of an imperfect-information tree: 'none' (no proper subgame, so
    every Nash equilibrium is subgame perfect), or the equilibria found subgame by subgame
    (`games.solvers.subgame_perfection`), or only a note when the tree is too large for that.
    The pieces are solved by `auto` whatever --method says (closed-form, say, fits no piece)."""
    from games.errors import InputError
    from games.solvers.subgame_perfection import proper_subgame_roots, subgame_perfect_by_subgames

    roots = proper_subgame_roots(tree)
    if not roots:
        return {"none": True, "note": "the tree has no proper subgame, so every Nash equilibrium is subgame perfect."}
    try:
        found = subgame_perfect_by_subgames(tree)
    except InputError as exc:
        return {"note": f"subgame perfection is not checked ({exc})."}
    return {
        "roots": found.roots, "equilibria": found.equilibria, "complete": found.complete,
        "note": (f"the tree has {len(roots)} proper subgame{'s' if len(roots) != 1 else ''}; the subgame-perfect "
                 "equilibria assembled from them are listed below."),
    }


def _subgame_text(tree, subgames: dict, fmt: str, most: int | None = None) -> str:
    """The subgame-perfect equilibria found subgame by subgame, one line of moves each
    (the first `most` of them; `explain` and JSON give them all)."""
    from games.forms.reduced_form import infoset_places
    from games.forms.tree import information_sets

    found = subgames["equilibria"]
    lines = [_heading(f"Subgame-perfect equilibria, subgame by subgame: {len(found)}", fmt, 2),
             "Each proper subgame is solved first (its Nash equilibria as method auto finds them: the extreme "
             "ones for two players) and replaced by their payoffs, "
             "up to the root (generalized backward induction); each result is checked: no player gains in any "
             "subgame by deviating." + ("" if subgames["complete"] else " Not every combination is listed.")]
    places = infoset_places(tree)
    for k, e in enumerate(found, 1):
        if most is not None and k > most:
            lines.append(f"({len(found) - most} more: `tradegame explain` or --format json lists them all)")
            break
        moves = []
        for h in information_sets(tree):
            probs = e.behaviour[h.ident]
            acts = [f"{a} {_num(p)}" for a, p in zip(h.actions, probs) if p > 1e-12]
            chosen = acts[0].rsplit(" ", 1)[0] if len(acts) == 1 else ", ".join(acts)
            moves.append(f"{tree.players[h.player]} plays {chosen} {'at the start' if not places[h.ident] else 'after ' + places[h.ident]}")
        pays = ", ".join(f"{p} {_pay(tree, v)}" for p, v in zip(tree.players, e.payoffs))
        lines.append(f"{_bullet(fmt, k)} {'; '.join(moves)} — payoffs: {pays}")
    return "\n".join(lines)


#: Most equilibria whose agent-form perfection is checked (each is a numerical search).
MAX_AGENT_FORM_EQUILIBRIA = 20
#: Work allowed per command for all of them, in units of about a microsecond (measured on
#: trees of a few hundred nodes: a node evaluated costs 1–2 µs, a block update's small
#: linear program with its slacks 2–3 ms): one unit per node evaluated, AGENT_FORM_LP_UNITS
#: per block update. The whole budget is about two seconds.
AGENT_FORM_WORK = 2_000_000
AGENT_FORM_LP_UNITS = 2_000


def _agent_form_verdicts(tree, behaviours) -> list | None:
    """Agent-form perfection of each equilibrium's behaviour profile: a verdict, or the
    one-line reason it was not checked (tree too large: `games.solvers.agent_form_perfection.check_size`)."""
    from games.solvers.agent_form_perfection import agent_form_perfect, check_size
    from games.errors import InputError
    from games.solvers.trembling_hand import BudgetExhausted, WorkBudget

    if not behaviours:
        return None
    try:
        check_size(tree)
    except InputError as exc:
        return [str(exc)] * len(behaviours)
    out = []
    budget = WorkBudget(AGENT_FORM_WORK, AGENT_FORM_LP_UNITS)
    for k, b in enumerate(behaviours):
        if k >= MAX_AGENT_FORM_EQUILIBRIA:
            out.append(f"not checked: only the first {MAX_AGENT_FORM_EQUILIBRIA} equilibria are")
            continue
        try:
            out.append(agent_form_perfect(tree, b, budget))
        except ValueError as exc:  # rounding left the profile short of an agent-form equilibrium
            out.append(f"not checked: {exc}")
        except BudgetExhausted:
            out.append(f"not checked: the search's budget of {AGENT_FORM_WORK:,} units of work for this command ran out")
    return out


def _agent_form_entry(verdict) -> dict[str, Any]:
    """JSON fields for one equilibrium: agent_form_perfect (true, false or null) and its reason."""
    if isinstance(verdict, str):
        return {"agent_form_perfect": None, "agent_form_reason": verdict, "agent_form_numerical": True}
    return {"agent_form_perfect": verdict.perfect, "agent_form_reason": verdict.reason, "agent_form_numerical": True}


def _agent_form_text(verdicts, labels, fmt, what: str) -> str:
    lines = [_heading(f"Trembles: which {what} are perfect in the agent form", fmt, 2)]
    for k, (label, v) in enumerate(zip(labels, verdicts), 1):
        reason = v if isinstance(v, str) else v.reason
        lines.append(f"{_bullet(fmt, k)} {label}: {reason}")
    return "\n".join(lines)


def _ii_explanation(tree, game, eq, behaviour, reach) -> str:
    from games.forms.tree import information_sets
    from games.forms.reduced_form import describe_infoset

    parts = []
    for h in information_sets(tree):
        probs = behaviour.get(h.ident)
        where = describe_infoset(tree, h) or "at the start"
        if probs is None:
            parts.append(f"{tree.players[h.player]} never reaches its move {_after(where)} (any choice there is equivalent)")
            continue
        reached = sum(reach.get(p, 0) for p in h.paths) > 1e-12
        chosen = ", ".join(f"{a} {_num(q)}" if 1e-12 < q < 1 - 1e-12 else a for a, q in zip(h.actions, probs) if q > 1e-12)
        parts.append(f"{tree.players[h.player]} plays {chosen} {_after(where)}" + ("" if reached else " (off the path)"))
    return "; ".join(parts) + ". No player gains by deviating (verified on the reduced normal form)."


def _after(where: str) -> str:
    return where if where == "at the start" else f"after {where}"


# ------------------------------------------------------------------ text
def _pi_text(tree, game, records, solution, nash_data, fmt, full, intro, tol, spe_set) -> str:
    from games.forms.tree import walk

    out = [_heading(tree.title, fmt)] + intro + [""]
    n_nodes = sum(1 for _ in walk(tree.root))
    for k, (spe, profile, verified, expl, behaviour, path) in enumerate(records, 1):
        if k > MAX_DRAWN_EQUILIBRIA or n_nodes > MAX_DRAWN_NODES:
            break
        from games.forms.tree import reach_probabilities

        which = f" (equilibrium {k})" if len(records) > 1 else ""
        out.append(f"Game tree{which}: * marks each mover's subgame-perfect choice, ◀ the outcome reached.")
        out.append("")
        out.append(_block(draw(tree, behaviour, reach_probabilities(tree, behaviour)), fmt))
        out.append("")
    if n_nodes > MAX_DRAWN_NODES:
        out += [f"(the tree has {n_nodes} nodes, too many to draw; use --format dot)", ""]
    if spe_set.all_pure_listed:
        heading = (f"Subgame-perfect equilibria: {len(records)} (backward induction, ties enumerated; each checked: "
                   f"no one-shot deviation gains more than {tol:.0e})")
    else:
        heading = (f"Subgame-perfect equilibria: {spe_set.count:,} in pure strategies, the first {len(records)} "
                   f"listed (backward induction, ties counted exactly; each listed one checked: no one-shot "
                   f"deviation gains more than {tol:.0e})")
    out.append(_heading(heading, fmt, 2))
    out += _tie_note(tree, spe_set)
    said: set[str] = set()  # a fact shared by several equilibria is said under the first
    for k, (spe, profile, verified, expl, behaviour, path) in enumerate(records, 1):
        pays = ", ".join(f"{p} {_pay(tree, v)}" for p, v in zip(tree.players, spe.payoffs))
        out.append(f"{_bullet(fmt, k)} {_profile_label(game, verified)} — payoffs: {pays}")
        if not full:
            out.append("   " + expl.summary())
            continue
        sections = [
            ("On the equilibrium path", expl.path),
            ("Off the path", expl.off_path),
            ("Credibility", expl.credibility),
            ("Nash equilibria that are not subgame perfect", expl.not_subgame_perfect),
            ("The value of moving first", expl.first_mover),
        ]
        out.append("   " + expl.outcome)
        for title, sentences in sections:
            sentences = [s for s in sentences if s not in said]
            said.update(sentences)
            if sentences:
                out.append("")
                out.append(_heading(title, fmt, 3) if fmt == "markdown" else f"   {title}:")
                out += [f"   - {s}" for s in sentences]
        out.append("")
    mixed = [d for d in nash_data if d["subgame_perfect"] and any(max(p) < 1 - 1e-9 for p in d["profile"])]
    if full and spe_set.has_mixed and mixed:
        out.append(_heading("Mixed subgame-perfect equilibria among the normal form's extreme equilibria", fmt, 3)
                   if fmt == "markdown" else "Mixed subgame-perfect equilibria among the normal form's extreme equilibria:")
        out += [f"   - {d['label']}" for d in mixed]
        out.append("")
    others = [d for d in nash_data if not d["subgame_perfect"]]
    if solution is None:
        out += ["", "The reduced normal form is too large to solve here; Nash equilibria that are "
                "not subgame perfect are not listed."]
    elif not full:
        out.append("")
        if not others:
            extra = ""
        elif len(nash_data) == 1:
            extra = "; it rests on a threat or promise that is not credible"
        elif len(others) == 1:
            extra = "; 1 of them rests on a threat or promise that is not credible"
        else:
            extra = f"; {len(others)} of them rest on threats or promises that are not credible"
        scope = "all extreme equilibria" if solution.complete else solution.note
        count = f"{len(nash_data)} Nash equilibri{'um' if len(nash_data) == 1 else 'a'}"
        out.append(f"The reduced normal form has {count} ({scope}){extra}. "
                   "Run `tradegame explain` for the full account.")
    return "\n".join(out).rstrip()


def _tie_note(tree, spe_set) -> list[str]:
    """Say where ties allow mixing, so a reader knows the pure list is not the whole set."""
    from games.forms.tree import path_text

    lines = []
    if not spe_set.all_pure_listed:
        outcomes = "; ".join(", ".join(f"{p} {_pay(tree, v)}" for p, v in zip(tree.players, o)) for o in spe_set.outcomes[:8])
        more = f" (and {len(spe_set.outcomes) - 8} more)" if len(spe_set.outcomes) > 8 else ""
        lines.append(f"They reach {len(spe_set.outcomes)} distinct payoff vector(s): {outcomes}{more}.")
    if spe_set.has_mixed:
        where = "; ".join(
            f"{tree.players[tree.node(p).player]} " + ("at the root" if not p else f"after {path_text(tree, p)}")
            for p in spe_set.tie_paths[:5]
        )
        more = f" and {len(spe_set.tie_paths) - 5} more node(s)" if len(spe_set.tie_paths) > 5 else ""
        lines.append(
            f"Not complete: a mover can be indifferent ({where}{more}), and mixing between tied best "
            "moves is subgame perfect too, so there are also mixed subgame-perfect equilibria; only "
            "pure ones are listed here."
            + (" The reduced normal form's equilibria (tradegame explain; nash_equilibria in JSON) "
               "mark which of its extreme equilibria, mixed ones included, are subgame perfect."
               if tree.n_players == 2 else "")
        )
    return lines + ([""] if lines else [])


def draw(tree, behaviour: dict, reach: dict) -> str:
    """The tree as indented lines with box-drawing branches, actions marked by the profile."""
    from games.forms.tree import Chance, Decision, Terminal, information_sets, infoset_key

    multi = {h.ident: n for n, h in enumerate((h for h in information_sets(tree) if len(h.paths) > 1), 1)}
    lines: list[str] = []

    def label(node, path) -> str:
        if isinstance(node, Terminal):
            pays = ", ".join(f"{p} {_pay(tree, v)}" for p, v in zip(tree.players, node.payoffs))
            mark = "  ◀" if reach.get(path, 0) > 1e-12 else ""
            name = f" [{node.name}]" if node.name and not _trade_name(node.name) else ""
            return f"({pays}){name}{mark}"
        if isinstance(node, Chance):
            return "Chance"
        ident = (node.player, infoset_key(node, path))
        tag = f"  [information set {multi[ident]}]" if ident in multi else ""
        return f"{tree.players[node.player]}{tag}"

    def action_text(node, path, k) -> str:
        if isinstance(node, Chance):
            return f"{node.actions[k]} (p={_num(float(node.probabilities[k]))})"
        probs = behaviour.get((node.player, infoset_key(node, path)))
        if probs is None:
            return node.actions[k]
        q = float(probs[k])
        if q > 1 - 1e-12:
            return node.actions[k] + " *"
        if q > 1e-12:
            return f"{node.actions[k]} [{_num(q)}]"
        return node.actions[k]

    def visit(node, path, prefix: str) -> None:
        if isinstance(node, Terminal):
            return
        for k, child in enumerate(node.children):
            last = k == len(node.children) - 1
            branch = "└─ " if last else "├─ "
            lines.append(f"{prefix}{branch}{action_text(node, path, k)} → {label(child, path + (k,))}")
            visit(child, path + (k,), prefix + ("   " if last else "│  "))

    lines.append(label(tree.root, ()))
    visit(tree.root, (), "")
    return "\n".join(lines)


def _trade_name(name: str) -> bool:
    """Trade-tree terminal names repeat the path; they are not worth printing."""
    return name.split(",")[0] in ("Restrict", "Relax", "Supply")


# ------------------------------------------------------------------ DOT
def _dot_quote(s: str) -> str:
    """A DOT string; control characters from the file are shown as \\xNN (cli.safe_text)."""
    from cli.safe_text import visible

    s = visible(s)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(tree, behaviour: dict) -> str:
    """Graphviz DOT: decision nodes as ellipses, terminals as boxes, equilibrium actions bold.

    Nodes of one information set are joined by dotted lines.
    """
    from games.forms.tree import Chance, Decision, Terminal, information_sets, infoset_key, reach_probabilities, walk

    reach = reach_probabilities(tree, {k: v for k, v in behaviour.items() if v is not None})
    ids = {path: f"n{i}" for i, (path, _) in enumerate(walk(tree.root))}
    out = [f"digraph {_dot_quote(tree.title)} {{", "  rankdir=TB;", '  node [fontname="Helvetica"];',
           '  edge [fontname="Helvetica"];', f"  label={_dot_quote(tree.title)}; labelloc=t;"]
    for path, node in walk(tree.root):
        nid = ids[path]
        if isinstance(node, Terminal):
            pays = "\n".join(f"{p} {_pay(tree, v)}" for p, v in zip(tree.players, node.payoffs))
            style = ", style=filled, fillcolor=\"#ffe9a8\"" if reach.get(path, 0) > 1e-12 else ""
            out.append(f"  {nid} [shape=box, label={_dot_quote(pays)}{style}];")
            continue
        who = "Chance" if isinstance(node, Chance) else tree.players[node.player]
        shape = "diamond" if isinstance(node, Chance) else "ellipse"
        out.append(f"  {nid} [shape={shape}, label={_dot_quote(who)}];")
        for k, action in enumerate(node.actions):
            if isinstance(node, Chance):
                text, bold = f"{action} ({_num(float(node.probabilities[k]))})", False
            else:
                probs = behaviour.get((node.player, infoset_key(node, path)))
                q = float(probs[k]) if probs is not None else 0.0
                bold = q > 1e-12
                text = action if (q > 1 - 1e-12 or q <= 1e-12) else f"{action} [{_num(q)}]"
            on_path = reach.get(path + (k,), 0) > 1e-12
            attrs = [f"label={_dot_quote(text)}"]
            if bold:
                attrs.append("penwidth=2.5")
            if on_path:
                attrs.append('color="#c0392b"')
            out.append(f"  {nid} -> {ids[path + (k,)]} [{', '.join(attrs)}];")
    for h in information_sets(tree):
        for a, b in zip(h.paths, h.paths[1:]):
            out.append(f"  {ids[a]} -> {ids[b]} [style=dotted, dir=none, constraint=false];")
    out.append("}")
    return "\n".join(out)


# ------------------------------------------------------------------ data helpers
def _num(v: float) -> str:
    from cli.render import num

    return num(v)


def _pay(tree, v: float) -> str:
    """A payoff of the tree as text: tiny units keep their digits (`cli.render.num` with the
    tree's largest |payoff| as the scale), float noise reads 0."""
    from cli.render import num
    from games.forms.tree import max_abs_payoff

    return num(float(v), 4, max_abs_payoff(tree))


def _heading(title: str, fmt: str, level: int = 1) -> str:
    return f"{'#' * level} {title}" if fmt == "markdown" else title


def _bullet(fmt: str, k: int) -> str:
    return "-" if fmt == "markdown" else f"{k}."


def _block(text: str, fmt: str) -> str:
    return f"```\n{text}\n```" if fmt == "markdown" else text


def _one_hot(n: int, k: int) -> list[float]:
    return [1.0 if j == k else 0.0 for j in range(n)]


def _game_data(game) -> dict[str, Any]:
    return {"title": game.title, "players": list(game.players), "strategies": [list(s) for s in game.strategies]}


def _profile_label(game, eq) -> str:
    """'US: Relax; China: Supply if Relax, Restrict if Restrict' (probabilities when mixed)."""
    parts = []
    for i, p in enumerate(eq.profile):
        support = [(game.strategies[i][k], v) for k, v in enumerate(p) if v > 1e-12]
        if len(support) == 1:
            parts.append(f"{game.players[i]}: {support[0][0]}")
        else:
            parts.append(f"{game.players[i]}: " + " | ".join(f"{s} [{_num(v)}]" for s, v in support))
    return "; ".join(parts)


def _behaviour_data(tree, behaviour: dict) -> list[dict[str, Any]]:
    from games.forms.reduced_form import infoset_places
    from games.forms.tree import information_sets

    places = infoset_places(tree)
    out = []
    for h in information_sets(tree):
        probs = behaviour.get(h.ident)
        out.append({
            "player": tree.players[h.player],
            "information_set": h.key,
            "where": places[h.ident] or "the start",
            "nodes": [list(p) for p in h.paths],
            "actions": list(h.actions),
            "probabilities": None if probs is None else [float(q) for q in probs],
        })
    return out


def _path_data(tree, plan: dict, path_nodes) -> list[dict[str, Any]]:
    from games.forms.tree import Chance, infoset_key

    out = []
    for path in path_nodes:
        node = tree.node(path)
        if isinstance(node, Chance):
            out.append({"node": list(path), "player": "Chance", "actions": list(node.actions),
                        "probabilities": [float(p) for p in node.probabilities]})
            continue
        k = plan[(node.player, infoset_key(node, path))]
        out.append({"node": list(path), "player": tree.players[node.player], "action": node.actions[k]})
    return out


def _tie_data(tree, paths) -> list[dict[str, Any]]:
    """The decision nodes where a mover can be indifferent: node, mover, and the moves leading there."""
    from games.forms.tree import history_labels

    return [{"node": list(p), "player": tree.players[tree.node(p).player], "history": list(history_labels(tree, p))}
            for p in paths]


def _reached_data(tree, reach: dict) -> list[dict[str, Any]]:
    from games.forms.tree import Terminal, walk

    return [
        {"node": list(p), "probability": float(reach.get(p, 0)),
         "player": "" if isinstance(n, Terminal) else ("Chance" if not hasattr(n, "player") else tree.players[n.player])}
        for p, n in walk(tree.root) if reach.get(p, 0) > 1e-12
    ]


def _tree_data(tree) -> dict[str, Any]:
    from games.forms.tree import Chance, Terminal

    def node_data(node) -> dict[str, Any]:
        if isinstance(node, Terminal):
            return {"payoffs": [float(v) for v in node.payoffs], "name": node.name}
        if isinstance(node, Chance):
            return {"chance": True, "actions": list(node.actions),
                    "probabilities": [float(p) for p in node.probabilities],
                    "children": [node_data(c) for c in node.children]}
        return {"player": tree.players[node.player], "infoset": node.infoset, "actions": list(node.actions),
                "children": [node_data(c) for c in node.children]}

    return node_data(tree.root)
