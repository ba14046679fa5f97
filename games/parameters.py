"""The trade model's named parameters: unit, meaning, default, valid range, rationale.

Payoffs are in normalized *index points*: they fix the relative size of the forces at
play, not dollar amounts. Public figures (USGS, IEA, China customs, company filings)
justify the relative sizes; the rationale of each parameter says which and how sure.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from games.errors import InputError, clip


@dataclass(frozen=True)
class Parameter:
    """One named, documented model parameter."""

    name: str
    side: str  # "US", "CN", "both" or "ally"
    default: float
    low: float
    high: float
    unit: str
    meaning: str
    rationale: str

    def check(self, value: object, where: str = "") -> float:
        """Return value as a float, or raise InputError naming the parameter."""
        prefix = f"{where}: " if where else ""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(
                f"{prefix}parameter '{self.name}' must be a number, got {type(value).__name__} {clip(repr(value))}"
            )
        v = float(value)
        if v != v or v in (float("inf"), float("-inf")):
            raise InputError(f"{prefix}parameter '{self.name}' must be a finite number, got {value}")
        if not self.low <= v <= self.high:
            raise InputError(
                f"{prefix}parameter '{self.name}' must be between {_n(self.low)} and {_n(self.high)}, got {_n(v)}"
            )
        return v


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


_IP = "index points"

_PARAMS = [
    # --- United States -------------------------------------------------------------
    Parameter(
        "chip_sales", "US", 4.0, 0, 20, _IP,
        "Revenue US chip firms earn from selling advanced chips to China when access is open.",
        "China was about 13% of Nvidia's revenue before the 2025 H20 licence rule; Nvidia took "
        "a ~US$4.5 bn charge on H20 inventory in the quarter to April 2025. A sizeable stake, "
        "set below rare-earth dependence because it is one sector's revenue, not a supply chain.",
    ),
    Parameter(
        "security_risk", "US", 3.0, 0, 20, _IP,
        "Expected security cost to the US of advanced chips reaching Chinese military or AI use.",
        "The stated reason for the October 2022, October 2023 and December 2024 controls; set "
        "close to chip_sales so that, on its own, selling chips is only mildly attractive.",
    ),
    Parameter(
        "hawk_cost", "US", 2.0, 0, 20, _IP,
        "Domestic political cost to the US administration of relaxing controls (China hawks).",
        "A judgement, not a measured figure: high while hawks staffed key posts, lower after "
        "the 2025 State Department departures the seed story cites.",
    ),
    Parameter(
        "re_dependence", "US", 6.0, 0, 20, _IP,
        "Loss to the US economy and defense industry when Chinese rare earths do not flow.",
        "USGS puts US net import reliance for rare-earth compounds and metals near 80%, mostly "
        "from China; the IEA puts China's share of refining and of NdFeB magnets near 90%. "
        "Guided munitions, fighter aircraft, radar and motors depend on them, so this is the "
        "largest US term.",
    ),
    Parameter(
        "deal_value_us", "US", 1.0, 0, 20, _IP,
        "Extra value to the US of a reciprocal deal (both open), beyond its separate parts.",
        "Summit diplomacy: a presidential visit to China makes a signed deal worth more. "
        "A judgement; raise it to model a leader who wants a deal.",
    ),
    Parameter(
        "escalation_cost_us", "US", 1.0, 0, 20, _IP,
        "Extra cost to the US of mutual restriction (tit-for-tat spiral, market turmoil).",
        "Spillovers beyond the direct terms when both sides restrict; a judgement.",
    ),
    Parameter(
        "chip_linkage", "US", 0.5, 0, 1, "share (0–1)",
        "Share of US chip licences granted only if China keeps rare earths flowing.",
        "Licences are granted case by case (H20 licences stopped in April 2025 and resumed "
        "after the July 2025 talks), so chip access can be tied to China's conduct.",
    ),
    # --- China ---------------------------------------------------------------------
    Parameter(
        "chip_value", "CN", 5.0, 0, 20, _IP,
        "Value to China of access to US advanced chips.",
        "Integrated circuits are China's largest import, on the order of US$350–400 bn a year "
        "(China customs); US designs lead at the frontier of AI training chips.",
    ),
    Parameter(
        "self_reliance", "CN", 2.0, 0, 20, _IP,
        "Value China forgoes by buying chips instead of building its own (the drive to self-reliance).",
        "'Core technology cannot be bought': imported chips slow domestic champions. When it "
        "reaches chip_value, chip access is worth nothing to China.",
    ),
    Parameter(
        "re_revenue", "CN", 2.0, 0, 20, _IP,
        "China's revenue from rare-earth exports to the US and its partners.",
        "Small next to chips in money terms: rare-earth exports are worth a few US$ bn a year.",
    ),
    Parameter(
        "leverage", "CN", 3.5, 0, 20, _IP,
        "Bargaining leverage China keeps by withholding rare earths.",
        "China mines about 70% of world output (USGS) and refines about 90% (IEA); the 4 April "
        "2025 licensing of seven medium and heavy rare earths showed the lever works.",
    ),
    Parameter(
        "diversification", "CN", 1.0, 0, 20, _IP,
        "Cost to China of withholding: it pushes buyers to build other mines and refineries.",
        "New mines and separation plants outside China (Australia, the US) take years, so the "
        "cost is real but below leverage in the short run.",
    ),
    Parameter(
        "deal_value_cn", "CN", 1.0, 0, 20, _IP,
        "Extra value to China of a reciprocal deal (both open), beyond its separate parts.",
        "Stability and a summit; a judgement, symmetric with deal_value_us by default.",
    ),
    Parameter(
        "escalation_cost_cn", "CN", 1.0, 0, 20, _IP,
        "Extra cost to China of mutual restriction.",
        "Spillovers of a spiral to China's exporters; a judgement, symmetric by default.",
    ),
    Parameter(
        "re_linkage", "CN", 0.5, 0, 1, "share (0–1)",
        "Share of China's rare-earth licences granted only if the US keeps chips open.",
        "The April 2025 licensing regime (quotas, end-user traceability) lets China grant or "
        "slow licences case by case, so supply can be tied to US conduct.",
    ),
    # --- Incomplete information and the third player (issue 4) ----------------------
    # Used only by the Bayesian game (games/bayesian.py) and the game with an ally
    # (games/ally.py); the two-player games never read them, so their defaults change nothing.
    Parameter(
        "prior_pragmatist", "CN", 0.5, 0, 1, "probability (0–1)",
        "Prior probability that China is the pragmatist type (values chip access net of the "
        "scenario's self_reliance) rather than the self-reliant type.",
        "Outsiders disagree on whether Beijing would trade rare earths for chips or treats "
        "'core technology cannot be bought' as binding; 0.5 states maximal doubt. Set it to "
        "model an analyst's belief (--set prior_pragmatist=0.6).",
    ),
    Parameter(
        "self_reliance_hardliner", "CN", 7.0, 0, 20, _IP,
        "Self-reliance drive of the self-reliant type of China (the pragmatist's is self_reliance).",
        "'Core technology cannot be bought': for this type chip access is worth chip_value − "
        "self_reliance_hardliner, below zero at the defaults: imported chips slow domestic "
        "champions, which is why Beijing reportedly discouraged purchases of Nvidia's H20 in "
        "2025. At 5 (= chip_value) access would be worth exactly nothing and the type would "
        "be indifferent in some scenarios, so the default sits clearly above.",
    ),
    Parameter(
        "ally_tool_sales", "ally", 3.0, 0, 20, _IP,
        "Value to the tool-making ally (the Netherlands or Japan) of selling chip-making tools "
        "to China.",
        "China was the largest market of ASML and Tokyo Electron in 2023–2024, roughly 40–50% "
        "of their system sales in some quarters (company filings); a large stake for each "
        "country's flagship firm.",
    ),
    Parameter(
        "ally_alignment_value", "ally", 3.5, 0, 20, _IP,
        "Value to the ally of aligning with US tool controls: security ties and avoided US "
        "pressure (extraterritorial rules, tariffs).",
        "The Netherlands and Japan aligned with US controls on advanced chip-making tools in "
        "2023 despite the lost sales; set just above ally_tool_sales so alignment holds when "
        "China does not retaliate.",
    ),
    Parameter(
        "ally_retaliation", "ally", 1.0, 0, 20, _IP,
        "Cost to an aligned ally of Chinese retaliation when China withholds rare earths.",
        "China's 2010 rare-earth halt to Japan and its 2023–2025 gallium, germanium and "
        "rare-earth licensing show the lever can be aimed at allies; a judgement.",
    ),
    Parameter(
        "tool_leak", "both", 0.6, 0, 1, "share (0–1)",
        "Share of the chip access the US denies that China regains when the ally sells it "
        "chip-making tools.",
        "Controls on chips alone leak if China can buy the tools to make them: the reason the "
        "US sought Dutch and Japanese alignment in 2023. A judgement: more than half, since "
        "tools rebuild capacity with a lag; 0 makes the ally irrelevant. (At 0.5 the "
        "stockholm-2025 game has an exact tie for the US.)",
    ),
    # --- Patience: the repeated game and bargaining (issue 5) -----------------------
    # Used only by the repeated game (games/repeated.py) and bargaining
    # (games/bargaining.py); the one-shot games never read them.
    Parameter(
        "discount", "both", 0.9, 0, 0.999, "factor per round (0–0.999)",
        "Common discount factor δ of the repeated game: how much a round of the future is "
        "worth today (or the probability that the relationship continues another round).",
        "Trade talks recur every few months and both governments expect to deal with each "
        "other for years, so the future weighs heavily; 0.9 is a judgement, not a measurement. "
        "Below 1 so that discounted sums stay finite.",
    ),
    Parameter(
        "discount_us", "US", 0.9, 0, 0.999, "factor per round (0–0.999)",
        "US discount factor in bargaining over the deal's terms: the value to the US of "
        "agreeing one offer round later instead of now.",
        "Electoral cycles, midterms and industry pressure (Nvidia's lost China sales, "
        "manufacturers short of magnets) make Washington want a deal soon; a judgement.",
    ),
    Parameter(
        "discount_cn", "CN", 0.95, 0, 0.999, "factor per round (0–0.999)",
        "China's discount factor in bargaining over the deal's terms: the value to China of "
        "agreeing one offer round later instead of now.",
        "A common reading is that Beijing bargains on a longer horizon (no electoral clock, "
        "five-year plans); set above discount_us as a judgement, not a measured figure. "
        "Equal values give a symmetric split.",
    ),
    Parameter(
        "outside_option_us", "US", 0.0, 0, 20, _IP,
        "How much better than the conflict (mutual restriction) the US's best alternative to a "
        "deal is: non-Chinese rare earths, stockpiles, recycling. Used only in bargaining.",
        "Mines and separation plants outside China take years, so today the alternative is "
        "barely better than the conflict; 0 means it adds nothing beyond the disagreement point.",
    ),
    Parameter(
        "outside_option_cn", "CN", 0.0, 0, 20, _IP,
        "How much better than the conflict China's best alternative to a deal is: domestic "
        "chips, other suppliers. Used only in bargaining.",
        "Domestic AI chips lag the frontier; 0 by default, as for the US, so neither outside "
        "option binds unless a what-if raises it.",
    ),
]

PARAMETERS: MappingProxyType[str, Parameter] = MappingProxyType({p.name: p for p in _PARAMS})


def defaults() -> dict[str, float]:
    """Every parameter at its default value."""
    return {p.name: p.default for p in _PARAMS}


def lookup(name: str, where: str = "") -> Parameter:
    """The parameter called name, or an InputError that lists the valid names."""
    try:
        return PARAMETERS[name]
    except KeyError:
        prefix = f"{where}: " if where else ""
        from games.suggestions import did_you_mean

        hint = did_you_mean(name, PARAMETERS)
        raise InputError(
            f"{prefix}unknown parameter '{clip(name)}'{hint}; expected one of {', '.join(PARAMETERS)}"
        ) from None


def validated(values: dict[str, object], where: str = "") -> dict[str, float]:
    """Defaults overridden by values, each name and value checked."""
    out = defaults()
    for name, value in values.items():
        out[name] = lookup(name, where).check(value, where)
    return out
