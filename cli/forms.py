"""Which module handles each `--game` form. Add one line per form; modules load lazily."""

from __future__ import annotations

#: forms solved by the normal-form path in cli.app itself
NORMAL_FORMS = ("simultaneous", "graded")

#: other forms: name -> module defining ``run(request: cli.request.Request) -> cli.request.Output``
FORM_MODULES: dict[str, str] = {
    "bayesian": "cli.bayes_ally",
    "with-ally": "cli.bayes_ally",
    "us-first": "cli.trees",
    "china-first": "cli.trees",
    "snapback": "cli.trees",
    "sequential": "cli.model_forms",
    "repeated": "cli.repeated",
    "bargaining": "cli.bargaining",
    "package": "cli.package_view",
    "package-graded": "cli.package_view",
}


#: one line per form for `tradegame forms` (the default model's own forms: from its file)
_DESCRIPTIONS: dict[str, str] = {
    "simultaneous": "2×2: US Restrict/Relax against China Restrict/Supply, moving at once",
    "graded": "each side picks an openness level on a grid (--levels N)",
    "sequential": "tree: players move in turn, each seeing earlier moves (--order China,US); any model",
    "bayesian": "China's type is hidden: pragmatist or self-reliant (--set prior_pragmatist=P)",
    "repeated": "the 2×2 game repeated: grim trigger, tit-for-tat, critical discount factors",
    "bargaining": "bargaining over the deal's terms: Nash, Kalai–Smorodinsky, Rubinstein",
    "package": "each side plays a package of instruments: chip controls and tariffs against rare-earth licensing and tariffs (--with purchases adds China's purchases)",
    "package-graded": "the package form with chip openness and rare-earth supply on a grid (--levels N)",
}


def form_descriptions() -> dict[str, str]:
    """One line per form: the forms every model has, and the default model's own forms
    as its file describes them ([forms.NAME] description)."""
    from games.trade import model_file

    own = {name: f.description for name, f in model_file().forms.items()}
    return {form: own.get(form) or _DESCRIPTIONS.get(form, "") for form in all_forms()}


def __getattr__(name: str):
    """``FORM_DESCRIPTIONS``: `form_descriptions()`, read when first asked."""
    if name == "FORM_DESCRIPTIONS":
        return form_descriptions()
    raise AttributeError(f"module 'cli.forms' has no attribute {name!r}")


def all_forms() -> tuple[str, ...]:
    return NORMAL_FORMS + tuple(FORM_MODULES)
