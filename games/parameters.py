"""The trade model's named parameters: unit, meaning, default, valid range, rationale.

Payoffs are in normalized *index points*: they fix the relative size of the forces at
play, not dollar amounts. Public figures (USGS, IEA, China customs, company filings)
justify the relative sizes; the rationale of each parameter says which and how sure.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from games.errors import InputError, clip
from games.provenance import Provenance


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
    #: where the default value comes from (publication, table or series, year) or "judgement"
    source: str = ""
    #: how the index value was derived from the source, or why it is a judgement
    derivation: str = ""

    @property
    def provenance(self) -> Provenance:
        """The default value's provenance (source and derivation)."""
        return Provenance(self.source, self.derivation)

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
        "A judgement, not a measured figure: high while the October 2022–December 2024 chip "
        "rules were being written, lower once the Commerce Department was reportedly told to "
        "avoid new controls during the 2025 talks (Financial Times, 28 July 2025).",
    ),
    Parameter(
        "re_dependence", "US", 6.0, 0, 20, _IP,
        "Loss to the US economy and defense industry when Chinese rare earths do not flow.",
        "USGS puts US net import reliance for rare-earth compounds and metals above 95% in "
        "2021–2023 and about 80% in 2024, most of it from China; the IEA puts China's share of "
        "separation near 91% and of NdFeB magnets near 94%. "
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
        "Licences are granted case by case: H20 licences were required from April 2025, their "
        "resumption was signalled on 14–15 July 2025 (before the Stockholm talks) and licences "
        "came in August with 15% of the revenue to the US government, so chip access can be "
        "tied to China's conduct.",
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
        "2025 export licensing of seven medium and heavy rare earths, China's answer to the US "
        "tariffs of 2 April, showed the lever works (magnet exports fell 74% year on year in "
        "May 2025, China customs).",
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
        "Mining quotas are long-standing and traceability rules date from October 2024; what 4 "
        "April 2025 added was export licensing of seven medium and heavy rare earths, which "
        "lets China grant or slow licences case by case, so supply can be tied to US conduct.",
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
        "China was a large market of ASML and Tokyo Electron in 2023–2024 (company filings; "
        "the share is not re-checked here); a large stake for each country's flagship firm.",
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
        "China's gallium and germanium (August 2023) and graphite (December 2023) licensing "
        "and its April 2025 rare-earth licensing apply to every destination, allies included; "
        "a judgement. (The often-told 2010 rare-earth halt to Japan is contested: CEPR/VoxEU, "
        "'Revisiting the China–Japan rare earths dispute of 2010', 2023.)",
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

_USGS = "USGS, Mineral Commodity Summaries 2025, Rare earths (salient statistics; data release doi:10.5066/P13XCP3R)"
_IEA = "IEA, Global Critical Minerals Outlook 2025 (rare-earth separation and magnet shares)"
_J = "judgement"

#: Where each default value comes from: (source, derivation). One entry per parameter, so a
#: model file can carry it as `source` and `derivation` fields.
PROVENANCE: dict[str, tuple[str, str]] = {
    "chip_sales": (
        "CNN, 'Nvidia says it will resume sale of key AI chip to China', 15 July 2025 (China "
        "13% of Nvidia's 2024 sales); Nvidia Form 10-Q, quarter ended 27 April 2025 (US$4.5 bn "
        "H20 charge)",
        "Sized relative to re_dependence: one firm-sector's revenue at stake, a large one, so "
        "4 = two thirds of re_dependence (6); the ratio is a judgement, the ordering follows "
        "the figures.",
    ),
    "security_risk": (
        _J,
        "No public figure measures the security cost; set just below chip_sales (3 < 4) so that "
        "selling chips on its own is only mildly attractive, as the stated reasons of the "
        "October 2022, October 2023 and December 2024 BIS rules suggest.",
    ),
    "hawk_cost": (
        _J,
        "Domestic political cost has no measured counterpart; 2 = half of chip_sales, enough to "
        "outweigh the net commercial gain of relaxing (chip_sales − security_risk = 1).",
    ),
    "re_dependence": (
        f"{_USGS}; {_IEA}",
        "Net import reliance above 95% in 2021–2023 and about 80% in 2024, with China ~70% of "
        "mining, ~91% of separation and ~94% of magnets: no short-run substitute, so the "
        "largest US term, 1.5 × chip_sales (the multiple is a judgement).",
    ),
    "deal_value_us": (
        _J,
        "Value of a signed reciprocal deal beyond its parts (summitry); 1 = a quarter of "
        "chip_sales, small next to the material terms.",
    ),
    "escalation_cost_us": (
        _J,
        "Spillovers of a spiral (market turmoil, retaliation beyond the two goods); 1, like "
        "deal_value_us, small next to the material terms.",
    ),
    "chip_linkage": (
        _J,
        "Share of chip access conditional on rare-earth supply; 0.5 = half, since licences "
        "are case by case (H20: required April 2025, resumption signalled 14–15 July 2025, "
        "licences in August 2025) but most controls are not traded.",
    ),
    "chip_value": (
        "China customs: integrated-circuit imports US$349 bn (2023) and US$385 bn (2024)",
        "Chips are China's largest import, ~100 times its rare-earth export revenue; the index "
        "is not proportional (it counts only the frontier chips US rules bar), so 5 = the "
        "largest China term, 2.5 × re_revenue, a judgement on how much of the import bill is "
        "at stake.",
    ),
    "self_reliance": (
        _J,
        "The value forgone by buying instead of building; 2 = 40% of chip_value, leaving chip "
        "access worth 3 net.",
    ),
    "re_revenue": (
        "China customs: rare-earth exports 2024 about US$0.5 bn (raw) plus US$2.9 bn (magnets)",
        "A few US$ bn a year, small next to chips in money terms: 2 = 40% of chip_value (the "
        "money ratio is far smaller; the index counts the strategic value of the trade too).",
    ),
    "leverage": (
        f"{_USGS} (China ~70% of mine output); {_IEA} (~91% of separation)",
        "Near-monopoly of processing makes withholding costly to the US: 3.5, above re_revenue "
        "(2) so that withholding pays when nothing is tied to it, below re_dependence (6).",
    ),
    "diversification": (
        _J,
        "New mines and separation plants outside China take years; 1, below leverage.",
    ),
    "deal_value_cn": (_J, "Symmetric with deal_value_us by default (1)."),
    "escalation_cost_cn": (_J, "Symmetric with escalation_cost_us by default (1)."),
    "re_linkage": (
        _J,
        "Share of rare-earth licences tied to US conduct; 0.5 = half, since export licensing "
        "(from 4 April 2025) lets China grant or slow licences case by case.",
    ),
    "prior_pragmatist": (_J, "Maximal doubt about China's type: 0.5."),
    "self_reliance_hardliner": (
        _J,
        "Above chip_value (7 > 5) so that for this type chip access is worth less than nothing; "
        "2 points of margin keep the type away from indifference.",
    ),
    "ally_tool_sales": (
        _J,
        "China was a large market of the Dutch and Japanese toolmakers in 2023–2024 (company "
        "filings, share not re-checked here): 3, near chip_sales (4).",
    ),
    "ally_alignment_value": (
        _J,
        "Just above ally_tool_sales (3.5 > 3) so that alignment holds when China does not "
        "retaliate, as the Dutch and Japanese alignment of 2023 did.",
    ),
    "ally_retaliation": (_J, "1: retaliation aimed at allies has been general, not targeted."),
    "tool_leak": (
        _J,
        "More than half (0.6): tools rebuild chip capacity with a lag; 0.5 would make an exact "
        "US tie in stockholm-2025.",
    ),
    "discount": (_J, "Talks recur every few months for years: 0.9 per round."),
    "discount_us": (_J, "Electoral and industry clocks: 0.9, below China's."),
    "discount_cn": (_J, "A longer horizon is the common reading: 0.95, above the US's."),
    "outside_option_us": (
        _J,
        "Alternatives outside China take years, so today barely better than the conflict: 0.",
    ),
    "outside_option_cn": (_J, "Domestic AI chips lag the frontier: 0, as for the US."),
}


def _with_provenance(p: Parameter) -> Parameter:
    from dataclasses import replace

    source, derivation = PROVENANCE.get(p.name, ("", ""))
    return replace(p, source=source, derivation=derivation)


PARAMETERS: MappingProxyType[str, Parameter] = MappingProxyType({p.name: _with_provenance(p) for p in _PARAMS})


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
