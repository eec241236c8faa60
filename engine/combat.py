"""Fire resolution shared by preview, AI and resolution (OpenSpiel-style chance outcomes).

A unit fires `shots` times (one per strength step); each shot hits with `p_hit = hit_probability(net, rules)`,
where ``net = firepower − protection + Σ modifiers``. Hits become step losses. `fire_odds` returns the exact
outcome distribution; `resolve` draws from exactly that distribution, so the odds the UI shows and the result
can never disagree. The numbers (hit chances; cliff, slope, river, supply, cohesion and night modifiers; shots
of artillery and drone strikes) are the scenario's `combat` section (`engine.scenario.CombatRules`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import attrs

from engine.events import FireResult, Modifier, UnitDestroyed
from engine.mapdata import trim_memo
from engine.scenario import DEFAULT_COMBAT, CombatRules
from engine.state import GameState
from engine.units import MAX_COHESION, SIDES, Unit

HIT_MIN = DEFAULT_COMBAT.hit_min
HIT_MAX = DEFAULT_COMBAT.hit_max
"""The default bounds of the hit chance, for readers of the defaults only: the rules read the scenario's
(`Scenario.combat`)."""
ODDS_MEMO_MAX = 20_000
"""Entries per odds memo (about 1 kB each) before its newer half is dropped (`trim_memo`): bounds a batch
worker's memory."""


NIGHT_UNTRAINED = "night: unit not night-capable (model assumption)"
NIGHT_TRAINED = "night-capable vs not (model assumption)"
"""The night modifiers' sources: the record says nothing of either side's night training; the scenario's unit
types say which are night-capable (special forces), and the log says that this is an assumption."""


def _memo_name(name: str, rules: CombatRules) -> str:
    """The name of a map memo of `name` for games played by `rules`: odds found under one scenario's combat
    rules must never be served to a game under other rules, even on the same map (a scenario evolved with
    other rules keeps its hash, hence its `GameMap`).

    >>> _memo_name("combat.fire_odds", DEFAULT_COMBAT)
    'combat.fire_odds'
    >>> _memo_name("combat.fire_odds", CombatRules(cliff_up_modifier=-3))[:44]
    'combat.fire_odds CombatRules(hit_base=0.1, h'
    """
    return name if rules == DEFAULT_COMBAT else f"{name} {rules!r}"


def _map_memo(state: GameState, name: str) -> dict:
    """A memo shared by every game on this map (scenario) in the process, tied to the unit table it was built
    with and to the combat rules (by name: `_memo_name`). Odds read only the map, the unit table, the combat
    rules and the inputs in their keys, so games can share them."""
    memo = state._memos.get(name)  # looked up in the map once per game
    if memo is None:
        scen = state.scenario
        memo = state._memos[name] = state.map.memo_for(_memo_name(name, scen.combat), scen.unit_table)
    if len(memo) >= ODDS_MEMO_MAX:
        trim_memo(memo)
    return memo


def hit_probability(net: int, rules: CombatRules = DEFAULT_COMBAT) -> float:
    """Per-shot hit chance for a net fire value under a scenario's combat `rules` (the defaults if not given).

    >>> hit_probability(0), hit_probability(3), hit_probability(-5), hit_probability(20)
    (0.1, 0.4, 0.02, 0.9)
    >>> hit_probability(3, CombatRules(hit_base=0.2, hit_per_point=0.05, hit_max=0.5))
    0.35
    """
    return round(min(rules.hit_max, max(rules.hit_min, rules.hit_base + rules.hit_per_point * net)), 4)


@attrs.define(unsafe_hash=True)
class FireOdds:
    """The exact outcome distribution of one unit firing at another.

    Never change one: the odds memos share them between calls and games. Not `frozen`, for speed only, as
    the events are not (`engine.events`): a frozen class sets each field through `object.__setattr__`, and
    building one cost 1.26 µs against 0.36 µs; a Shusha game builds a few hundred (every memo miss)."""

    firer: str
    target: str
    target_type: str
    firepower: int
    protection: int
    modifiers: tuple[Modifier, ...]
    net: int
    p_hit: float
    shots: int
    target_strength: int
    pmf: tuple[float, ...]
    """Probability of 0..shots hits."""
    firepower_vs: str = ""
    """Which firepower of the firer's type applies: "vs armour", "vs unarmoured", "guns in close defence"."""
    loss_pmf: tuple[float, ...] = attrs.field(init=False, eq=False, repr=False)
    """Probability of losing 0..target_strength steps."""
    expected_losses: float = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # computed at once, not as cached properties: on a slotted attrs class those add a `__getattr__`, which
        # slows every attribute read of every FireOdds and raises an AttributeError on each first read (2% of a
        # Shusha game's instructions). Odds are memoised, so each is computed once per map anyway.
        self.loss_pmf, self.expected_losses = _loss_summary(self.pmf, self.target_strength)

    @property
    def p_destroyed(self) -> float:
        return self.loss_pmf[-1] if self.target_strength > 0 else 1.0


_LOSS_SUMMARY: dict[tuple[tuple[float, ...], int], tuple[tuple[float, ...], float]] = {}


def _loss_summary(pmf: tuple[float, ...], top: int) -> tuple[tuple[float, ...], float]:
    """(probability of losing 0..`top` steps, expected steps lost) for a hit distribution `pmf`: a few
    distinct answers per scenario (the pmfs come from `binomial_pmf`'s cache), so memoised."""
    key = (pmf, top)
    got = _LOSS_SUMMARY.get(key)
    if got is None:
        out = [0.0] * (top + 1)
        for k, p in enumerate(pmf):
            out[k if k < top else top] += p  # (a conditional, not min(): a builtin call per term)
        got = (tuple(out), sum(k * p for k, p in enumerate(out)))
        if len(_LOSS_SUMMARY) < ODDS_MEMO_MAX:
            _LOSS_SUMMARY[key] = got
    return got


@functools.lru_cache(maxsize=4096)
def binomial_pmf(n: int, p: float) -> tuple[float, ...]:
    return tuple(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1))


def _terrain_name(state: GameState, idx: int) -> str:
    return state.map.terrain_at(idx).name


STEADY = 2
"""Cohesion from which a unit fires at full effect: the odds read cohesion only through `_firer_state_mods`
(broken at 0 or below, shaken at 1), so their memo keys hold `min(cohesion, STEADY)`: a unit rallying from 2
to 3, or one step down from full, meets the odds it already had (about 5% fewer new assault odds a Shusha
game)."""


def _firer_state_mods(state: GameState, firer: Unit) -> list[Modifier]:
    """Modifiers from the firer's own state, under the scenario's combat rules (a rule of 0 adds none).
    Cohesion counts only as broken (≤ 0), shaken (1) or steady (≥ `STEADY`): the odds memos key on that (see
    `STEADY`)."""
    mods = []
    rules = state.scenario.combat
    if not firer.supplied and rules.out_of_supply_modifier and state.scenario.unit_table[firer.type].domain == "ground":
        mods.append(Modifier("out of supply", rules.out_of_supply_modifier))
    if firer.cohesion <= 0:
        if rules.broken_modifier:
            mods.append(Modifier("broken", rules.broken_modifier))
    elif firer.cohesion == 1 and rules.shaken_modifier:
        mods.append(Modifier("shaken", rules.shaken_modifier))
    return mods


def _edge_mods(state: GameState, from_idx: int, to_idx: int) -> tuple[tuple[Modifier, ...], tuple[Modifier, ...]]:
    """Modifiers for (firing from `from_idx` at `to_idx`, return fire from `to_idx`) across their hexside
    (static: memoised per map and combat rules; the same tuples each time)."""
    got = _edge_entry(state, from_idx, to_idx)
    return got[0], got[1]


def _edge_entry(state: GameState, from_idx: int, to_idx: int
                ) -> tuple[tuple[Modifier, ...], tuple[Modifier, ...], tuple[tuple[tuple[str, int], ...], ...]]:
    """`_edge_mods`, and their value as (source, value) pairs for the assault memo's key: hashing a `Modifier`
    calls attrs' Python `__hash__` (about 1 500 instructions), and an assault's weighing would hash the hexside's
    modifiers at every call. (A process-wide counter naming each value was not safe with threads: a review.)"""
    memo = state._memos.get("combat.edge_mods")  # looked up in the map once per game
    if memo is None:
        name = _memo_name("combat.edge_mods", state.scenario.combat)
        memo = state._memos["combat.edge_mods"] = state.map.derived.setdefault(name, {})
    key = (from_idx, to_idx)
    got = memo.get(key)
    if got is None:
        attack, ret = _edge_mods_uncached(state, from_idx, to_idx)
        got = memo[key] = (tuple(attack), tuple(ret), (_mods_key(attack), _mods_key(ret)))
    return got


def _edge_mods_uncached(state: GameState, from_idx: int, to_idx: int) -> tuple[list[Modifier], list[Modifier]]:
    """The hexside's modifiers under the scenario's combat rules; a rule of 0 adds no modifier."""
    gmap = state.map
    rules = state.scenario.combat
    attack: list[Modifier] = []
    ret: list[Modifier] = []
    if gmap.distance(from_idx, to_idx) != 1:
        return attack, ret
    d = gmap.direction_between(from_idx, to_idx)
    up, down = rules.cliff_up_modifier, rules.cliff_down_modifier
    if gmap.cliff_up[from_idx, d]:
        if up:
            attack.append(Modifier("assaulting up a cliff", up))
        if down:
            ret.append(Modifier("cliff: firing down", down))
    elif gmap.cliff_down[from_idx, d]:
        if down:
            attack.append(Modifier("cliff: firing down", down))
        if up:
            ret.append(Modifier("firing up a cliff", up))
    else:
        rise = gmap.elevation[to_idx] - gmap.elevation[from_idx]
        up, down = rules.uphill_modifier, rules.downhill_modifier
        if rise >= rules.high_ground_m:
            if up:
                attack.append(Modifier(f"attacking uphill ({rise:.0f} m)", up))
            if down:
                ret.append(Modifier("higher ground", down))
        elif rise <= -rules.high_ground_m:
            if down:
                attack.append(Modifier("higher ground", down))
            if up:
                ret.append(Modifier(f"firing uphill ({-rise:.0f} m)", up))
    if rules.river_crossing_modifier and gmap.river[from_idx, d] and not gmap.road_edge[from_idx, d]:
        attack.append(Modifier("across a river", rules.river_crossing_modifier))
    return attack, ret


def fire_odds(
    state: GameState,
    firer: Unit,
    target: Unit,
    context: str,
    extra: Sequence[Modifier] | None = None,
) -> FireOdds:
    """The full distribution of one unit firing at another.

    context: ``assault`` (attacker at a defender), ``defence`` (defender's return fire), ``ambush``,
    ``artillery``, ``strike`` (armed drone / loitering munition).

    Memoised per map on everything it reads (AIs ask for the same odds many times in a phase, and games
    on the same scenario meet the same situations).
    """
    # hexes enter only through their terrain (see `_fire_modifiers`): keyed on it, the odds found in one game
    # serve the next wherever the same units meet on the same ground
    terrain = state.map.terrain_list
    extra_key = _mods_key(extra) if extra else ()
    key = (firer.id, firer.type, terrain[firer.idx], firer.strength,
           firer.cohesion if firer.cohesion < STEADY else STEADY, firer.supplied, target.id, target.type,
           terrain[target.idx], target.strength, context, extra_key, state.night)
    memo = _map_memo(state, "combat.fire_odds")
    got = memo.get(key)
    if got is None:
        got = memo[key] = _fire_odds(state, firer, target, context, extra, extra_key)
    return got


def _mods_key(mods: Sequence[Modifier]) -> tuple[tuple[str, int], ...]:
    """`mods` as a memo key, (source, value) pairs: hashing a `Modifier` itself calls attrs' Python `__hash__`
    (about 1 500 instructions)."""
    out = []
    for m in mods:  # (a loop: a comprehension is a function object and a call)
        out.append((m.source, m.value))
    return tuple(out)


def _fire_odds(state: GameState, firer: Unit, target: Unit, context: str, extra: Sequence[Modifier] | None,
               extra_key: tuple[tuple[str, int], ...]) -> FireOdds:
    """`extra_key`: `extra` as `_mods_key` gives it."""
    # the modifiers do not depend on strengths: a unit that lost a step reuses them
    terrain = state.map.terrain_list
    key = (firer.type, terrain[firer.idx], firer.cohesion if firer.cohesion < STEADY else STEADY, firer.supplied,
           target.type, terrain[target.idx], context, extra_key, state.night)
    memo = _map_memo(state, "combat.fire_modifiers")
    got = memo.get(key)
    if got is None:
        got = memo[key] = _fire_modifiers(state, firer, target, context, extra)
    firepower, mods, net, p, vs = got
    if context == "strike":
        rules = state.scenario.combat
        if state.scenario.unit_table[firer.type].expendable:
            shots = rules.expendable_strike_shots
        else:
            top = rules.strike_max_shots
            shots = firer.strength if firer.strength < top else top
    elif context == "artillery":
        per = state.scenario.combat.artillery_steps_per_shot  # a battery's fire over 12 h at a dispersed target
        shots = (firer.strength + per - 1) // per
    else:
        shots = firer.strength
    # positional: a class call with keywords packs and unpacks a dict (0.6 µs of a 2.5 µs build)
    return FireOdds(firer.id, target.id, target.type, firepower, state.scenario.unit_table[target.type].protection,
                    mods, net, p, shots, target.strength, binomial_pmf(shots, p), vs)


def _fire_modifiers(state: GameState, firer: Unit, target: Unit, context: str, extra: Sequence[Modifier] | None
                    ) -> tuple[int, tuple[Modifier, ...], int, float, str]:
    """(firepower, modifiers, net fire value, hit probability) of `firer` firing at `target`.

    Of the two hexes it reads only what their terrain type gives (name, defence, ambush, concealment,
    vehicle cover): the memos above key hexes by terrain. Whatever else of a hex matters (cliffs, rivers,
    height) comes in `extra`, which is in their keys."""
    gmap = state.map
    ft = state.scenario.unit_table[firer.type]
    tt = state.scenario.unit_table[target.type]
    firepower = ft.firepower_hard if tt.heavy else ft.firepower_soft
    vs = "vs armour" if tt.heavy else "vs unarmoured"
    if context == "defence" and ft.indirect:
        firepower, vs = ft.close_fire, "guns in close defence"
    mods: list[Modifier] = list(extra or [])
    terrain = _terrain_name(state, target.idx)
    if context in ("assault", "artillery"):
        dv = int(gmap.defence[target.idx])
        if dv:
            mods.append(Modifier(f"target in {terrain}", -dv))
    elif context == "defence":
        pass  # the assaulting unit is exposed: no terrain cover
    elif context == "ambush":
        av = int(gmap.ambush[firer.idx])
        mods.append(Modifier(f"{_terrain_name(state, firer.idx)} ambush", av))
        if tt.heavy and gmap.concealment[target.idx] > 0:
            mods.append(Modifier(f"vehicles blind in {terrain}", int(gmap.concealment[target.idx])))
    elif context == "strike":
        cover = int(gmap.vehicle_cover[target.idx]) if tt.heavy else int(gmap.concealment[target.idx])
        if cover:
            mods.append(Modifier(f"target under cover ({terrain})", -cover))
    if context in ("assault", "defence") and tt.heavy and not ft.heavy:
        # infantry anti-tank weapons at short range where vehicles cannot see or manoeuvre
        fight_hex = target.idx if context == "assault" else firer.idx
        close = int(gmap.concealment[fight_hex])
        if close:
            mods.append(Modifier(f"anti-tank weapons at close range ({_terrain_name(state, fight_hex)})", close))
    if context in ("assault", "defence", "ambush") and state.night:
        rules = state.scenario.combat
        if not ft.night_capable:
            if rules.night_untrained_modifier:  # (which units are night-capable is the model's assumption)
                mods.append(Modifier(NIGHT_UNTRAINED, rules.night_untrained_modifier))
        elif not tt.night_capable and rules.night_trained_modifier:
            mods.append(Modifier(NIGHT_TRAINED, rules.night_trained_modifier))
    if context in ("assault", "ambush", "defence", "artillery"):
        mods.extend(_firer_state_mods(state, firer))
    net = firepower - tt.protection + sum(m.value for m in mods)
    return firepower, tuple(mods), net, hit_probability(net, state.scenario.combat), vs


def assault_odds(state: GameState, attacker: Unit, target_idx: int, seen_only: bool = False
                 ) -> tuple[FireOdds, list[FireOdds]]:
    """Odds of an assault: the attacker's fire at the main defender and every defender's return fire.
    `seen_only`: count only the defenders that are not hidden (what the attacker's side can know of the hex:
    a preview must not name, nor weigh, a hidden unit stacked with a seen one; the resolution counts them all).

    Memoised per map on everything it reads (an AI weighs the same assaults again after each one), like
    `fire_odds`; which defender takes the assault follows scenario order, the same in every game."""
    got = _assault_entry(state, attacker, target_idx, seen_only)
    return got[0], list(got[1])


def assault_expectation(state: GameState, attacker: Unit, target_idx: int, seen_only: bool = False
                        ) -> tuple[float, float]:
    """(steps the attacker is expected to destroy, steps it is expected to lose) in an assault on
    `target_idx`: the expected losses of `assault_odds`, the defenders' summed (memoised with the odds)."""
    got = _assault_entry(state, attacker, target_idx, seen_only)
    return got[2], got[3]


ASSAULT_RESULTS = ("assaulting unit destroyed", "defenders destroyed", "defenders retreat", "assault repulsed")
"""An assault's results, in the order `rules._do_assault` tests them."""


def assault_outcomes(a_odds: FireOdds, d_odds: list[FireOdds] | tuple[FireOdds, ...], attacker_strength: int,
                     defender_cohesion: int) -> dict[str, float]:
    """The probability of each of `ASSAULT_RESULTS`, by the rules of `rules._do_assault`: the assaulting unit
    is destroyed if the return fire takes all its steps; else a lone defender that loses all its steps is
    destroyed; else the defenders fall back if the main defender is destroyed, breaks (its cohesion,
    `defender_cohesion`, falls to 0: one point per step lost) or loses at least 2 steps and more than the attacker;
    else the assault is repulsed (the attacker loses a point of cohesion). A preview's answer to "what can
    happen", from the odds the resolution uses; the two fires are independent draws.

    >>> a = FireOdds("x", "y", "infantry", 3, 1, (), 2, 0.3, 2, 2, binomial_pmf(2, 0.3))
    >>> d = FireOdds("y", "x", "special_forces", 2, 1, (), 1, 0.2, 2, 3, binomial_pmf(2, 0.2))
    >>> {k: round(v, 4) for k, v in assault_outcomes(a, [d], 3, 3).items()}
    ... # doctest: +NORMALIZE_WHITESPACE
    {'assaulting unit destroyed': 0.0, 'defenders destroyed': 0.09, 'defenders retreat': 0.0,
     'assault repulsed': 0.91}
    """
    dist = [1.0]  # the attacker's steps lost: the defenders' return fires added up
    for od in d_odds:
        new = [0.0] * (len(dist) + len(od.loss_pmf) - 1)
        for i, p in enumerate(dist):
            for j, q in enumerate(od.loss_pmf):
                new[i + j] += p * q
        dist = new
    lost = [0.0] * (attacker_strength + 1)
    for k, p in enumerate(dist):
        lost[min(k, attacker_strength)] += p
    out = dict.fromkeys(ASSAULT_RESULTS, 0.0)
    alone = len(d_odds) == 1
    for hits, pa in enumerate(a_odds.loss_pmf):
        for taken, pd in enumerate(lost):
            p = pa * pd
            if taken >= attacker_strength:
                out["assaulting unit destroyed"] += p
            elif alone and hits >= a_odds.target_strength:
                out["defenders destroyed"] += p
            elif hits >= defender_cohesion or hits >= a_odds.target_strength or (hits >= 2 and hits > taken):
                out["defenders retreat"] += p
            else:
                out["assault repulsed"] += p
    return out


def _assault_entry(state: GameState, attacker: Unit, target_idx: int, seen_only: bool = False
                   ) -> tuple[FireOdds, tuple[FireOdds, ...], float, float]:
    found = state.units_at(target_idx, 1 - attacker.side)
    # (loops, not comprehensions, here and below: a comprehension is a function object and a call in Python 3.11,
    # a large share of what a few-unit list costs in the game's hottest functions)
    defenders = []
    who = []  # the defenders' part of the memo key
    for d in found:
        if seen_only and d.hidden:
            continue
        defenders.append(d)
        who.append((d.id, d.type, d.strength, d.cohesion if d.cohesion < STEADY else STEADY, d.supplied))
    if not defenders:
        raise ValueError("no defender in the target hex" if not seen_only else "no known enemy there")
    # the two hexes enter through their terrain and the hexside between them (cliff, river, slope): keyed on
    # those, as `fire_odds` is, so that one game's assaults serve the next
    terrain = state.map.terrain_list
    atk_mods, ret_mods, edge_key = _edge_entry(state, attacker.idx, target_idx)
    key = (attacker.id, attacker.type, terrain[attacker.idx], attacker.strength,
           attacker.cohesion if attacker.cohesion < STEADY else STEADY, attacker.supplied, terrain[target_idx],
           edge_key, state.night, tuple(who))
    memo = _map_memo(state, "combat.assault_odds")
    got = memo.get(key)
    if got is None:
        a, ds = _assault_odds(state, attacker, defenders, (atk_mods, ret_mods))
        got = memo[key] = (a, ds, a.expected_losses, sum(d.expected_losses for d in ds))
    return got


def _assault_odds(state: GameState, attacker: Unit, defenders: list[Unit],
                  edge: tuple[tuple[Modifier, ...], tuple[Modifier, ...]]) -> tuple[FireOdds, tuple[FireOdds, ...]]:
    """`edge`: the (attack, return fire) modifiers of the hexside between them (`_edge_mods`)."""
    main = defenders[0] if len(defenders) == 1 else main_defender(state, defenders)
    atk_mods, ret_mods = edge
    a = fire_odds(state, attacker, main, "assault", atk_mods)
    d = tuple([fire_odds(state, u, attacker, "defence", ret_mods) for u in defenders])
    return a, d


def main_defender(state: GameState, defenders: list[Unit]) -> Unit:
    """The unit that takes the assault: the strongest (strength × protection), first in scenario order."""
    table = state.scenario.unit_table
    return max(defenders, key=lambda u: (u.strength * (1 + table[u.type].protection), -state.unit_index[u.id]))


def round6(x: float) -> float:
    """`round(x, 6)` for a roll in [0, 1), the same float, in half the time (a game logs about a thousand rolls).

    x·10⁶ is computed with an error below 10⁻¹⁰, so unless its fraction lies within 10⁻⁷ of one half (then
    `round` decides) the integer m nearest to the exact x·10⁶ is known, and m / 10⁶, a correctly rounded
    division, is the float nearest to the decimal m·10⁻⁶: what `round` returns. Tested against `round` on
    random and near-tie values (`tests/test_engine_combat.py`)."""
    y = x * 1e6
    m = int(y)
    f = y - m
    if f > 0.5000001:
        return (m + 1) / 1e6
    if f < 0.4999999:
        return m / 1e6
    return round(x, 6)


def resolve(state: GameState, odds: FireOdds) -> FireResult:
    """Draw `shots` uniforms from the game's generator; the outcome follows `odds.pmf` exactly."""
    rolls = state.rng.random(odds.shots).tolist() if odds.shots else []
    p = odds.p_hit
    hits = 0
    logged = []
    for x in rolls:  # (a loop: comprehensions' closures would cost every call a cell and two function objects)
        if x < p:
            hits += 1
        logged.append(round6(x))
    losses = hits if hits < odds.target_strength else odds.target_strength
    return FireResult.make(
        firer=odds.firer, target=odds.target, target_type=odds.target_type, firepower=odds.firepower,
        protection=odds.protection, modifiers=list(odds.modifiers), net=odds.net, p_hit=odds.p_hit,
        shots=odds.shots, rolls=logged, hits=hits, losses=losses,
        strength_after=odds.target_strength - losses, firepower_vs=odds.firepower_vs,
    )


def apply_losses(state: GameState, target: Unit, losses: int, cause: str, by_type: str | None = None) -> list:
    """Remove steps, lower cohesion, keep the score; returns a UnitDestroyed event if it died.

    `by_type`: the unit type whose fire caused the losses (credited in score.steps_inflicted)."""
    if losses <= 0:
        return []
    losses = min(losses, target.strength)
    target.strength -= losses
    target.cohesion = max(0, target.cohesion - losses)
    side = SIDES[target.side]
    sc = state.score
    if by_type is not None:
        credit = sc.steps_inflicted[SIDES[1 - target.side]]
        credit[by_type] = credit.get(by_type, 0) + losses
    sc.steps_lost[side][target.type] = sc.steps_lost[side].get(target.type, 0) + losses
    sc.losses_by_cause[side][cause] = sc.losses_by_cause[side].get(cause, 0) + losses
    if target.strength > 0:  # still in play: only strengths changed (what the enemy sees of them)
        state.bump()
        state.strength_version += 1
        return []
    state.touch()  # out of play
    state.set_hidden(target, False)
    sc.units_destroyed[side][target.type] = sc.units_destroyed[side].get(target.type, 0) + 1
    return [UnitDestroyed.make(turn=state.turn, side=side, unit=target.id, unit_type=target.type,
                               hex=state.map.hex_of(target.idx), cause=cause)]


def recover_cohesion(u: Unit) -> None:
    u.cohesion = MAX_COHESION if u.cohesion >= MAX_COHESION else u.cohesion + 1  # min(), without a builtin call
