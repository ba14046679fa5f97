"""Which module handles each `--game` form. Add one line per form; modules load lazily."""

from __future__ import annotations

#: forms solved by the normal-form path in cli.app itself
NORMAL_FORMS = ("simultaneous", "graded")

#: other forms: name -> module defining ``run(request: cli.request.Request) -> cli.request.Output``
FORM_MODULES: dict[str, str] = {
    "bayesian": "cli.bayes_ally",
    "us-first": "cli.trees",
    "china-first": "cli.trees",
    "snapback": "cli.trees",
    "repeated": "cli.repeated",
}


def all_forms() -> tuple[str, ...]:
    return NORMAL_FORMS + tuple(FORM_MODULES)
