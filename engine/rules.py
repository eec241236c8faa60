"""Turn sequence, legal orders and `apply`: the single front door through which players, AIs, the batch
runner and replays change a game.

Turn: weather → supply → for each side (attacker first): air → artillery → movement → assault → end of
side (units go to ground, road watch) → end of turn (objective, victory).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import attrs
import numpy as np
from numpy.random.bit_generator import ISpawnableSeedSequence

from engine import combat, kernels, supply
from engine.errors import IllegalOrder, check_seed
from engine.events import (
    AirDefenceEngaged,
    AirStatus,
    AmbushSprung,
    ArtilleryFired,
    AssaultResolved,
    ControlChanged,
    DroneStrike,
    Event,
    GameOver,
    GameStarted,
    HiddenUnitShelled,
    Modifier,
    MoveCostFactor,
    ObjectiveStatus,
    PhaseStarted,
    ReconFlown,
    ReinforcementArrived,
    RoadCut,
    SandboxEdit,
    SuspectedFire,
    TurnStarted,
    UnitHidden,
    UnitMoved,
    UnitRetreated,
    UnitRevealed,
    WeatherReport,
)
from engine.mapdata import INF, game_map
from engine.movement import (
    cheapest_way_in,
    distance_field,
    legal_destinations,
    reach,
    walk_of,
    weather_move_factors,
    weather_move_note,
)
from engine.orders import (
    END_PHASE,
    Assault,
    EndPhase,
    Fire,
    Move,
    Order,
    Recon,
    SandboxCloudBase,
    SandboxHide,
    SandboxPlace,
    SandboxStrength,
    SandboxWeather,
    Strike,
)
from engine.scenario import HexRef, Scenario
from engine.state import PHASES, GameState, Outcome
from engine.terrain import MOBILITY_WORDS
from engine.units import ATTACKER, DEFENDER, MAX_COHESION, SIDES, Unit, UnitType
from engine.visibility import (
    detect_hidden,
    known_enemies,
    known_enemy_hexes,
    recon_finds,
    spotter_for,
    visible_hexes,
)
from engine.weather import CLOUD_BASE_RANGE_M, PRESETS, WeatherTurn, flight_check, ground_vision_cap, weather_schedule

ENGINE_VERSION = "0.30.0"
"""0.30.0: an assault that destroys the main defender, others stacked with it still there, breaks the defence: they
fall back and the attacker advances ("d_tank was destroyed; steps lost: ..."), and the preview counts it
(`combat.assault_outcomes`). The destroyed unit kept the cohesion its last step left it, and the log said the
assault was "repulsed (d_tank held: not broken ...)": 497 of 6,815 assaults in Shusha seeds 1-200 (a rules
auditor). The games change; Shusha (400 games) attacker wins 78.8%, was 77.3%. The doctrine AI's `follow_up`
parameter (off by default): the attacker assaults at worse odds a hex its own fire or assaults hit that turn; the
Shusha scenario sets 0.5 (a playtester's packed town held in 65% of games, 53% with it; the historical games 79.8%).
0.29.0: a hidden unit found by an enemy its side does not see (hidden, or out of its view) is told "in contact
with the enemy" or "spotted by an unseen enemy (signature − concealment)", not the observer's id, distance and
detection (`visibility.detect_hidden`): the found side reads the reason, and a hotseat player learned a hidden
ambush party's name and place from it. The log's words only, where the observer was unseen; Shusha seeds 1-20
give the same games.
0.28.0: the doctrine attacker's units out of contact make for different empty hexes of the objective not held,
one unit enough for each, while there is one no unit is ordered into and no known enemy holds
(`DoctrineAgent._untaken`); then as before. A playtest: with the town emptied of defenders every unit in and around
it made for the same town hex, three took it, the rest stood (the stack full), and the town fell a hex a turn.
Shusha (1000 games, seed 1): the attacker wins 79% (67% before), the median fall stays turn 24 (8 Nov); every
fidelity check holds. The Shusha briefing says "low cloud base", as the panel does.

0.27.0: the log's words only. The weather and the drones' flight reasons say "cloud base", as the panels and
the sandbox keys do (the log said "cloud ceiling" for the same figure, to a teacher's confusion); an ambush party's
withdrawal says why in words, not by the unit-type field's name ("ambush_withdraw"). The games are the same.

0.26.0: a scenario's `weather.cloud_base_m` holds the cloud base at one height every turn, the rest of the
weather as its mode gives it (an analyst: no setting swept the cloud alone; the `overcast` preset changes visibility
and rain too). Scenarios without it play as before (the golden hashes change by the version only).

0.25.0: a sandbox order sets the cloud base alone (`SandboxCloudBase`, keys F9 / Shift+F9), the rest of the
weather kept: no preset showed the record's low cloud that grounds the armed drones while a recon drone spots (an
educator: overcast's 400 m grounded the attacker's Orbiter too). A reinforcement that cannot arrive at its entry
hex says why (`ReinforcementArrived.blocked`: its own full stack, an enemy unit, ground it cannot enter). Games
without sandbox edits are unchanged (Shusha seeds 1-20 have no such arrival).

0.24.0: a sandbox weather setting holds until the sandbox changes it (F5, "historical", returns to the
scenario's weather); it had lasted to the end of the turn, and a teacher showing low cloud over several turns had to
set it again each turn. Each turn's weather report under a held setting says so (`WeatherReport.sandbox`). Two new
sandbox orders: `SandboxStrength` sets a unit's strength, `SandboxHide` hides a unit in cover or reveals it (an
educator: a one-step ambush party missed half the time, and a sprung ambush could not be set up again). A move onto
a hex the unit can never step into is refused in those words. Games without sandbox edits are unchanged (the golden
hashes hold but for the version).

0.23.0: a sandbox placement is seen as a move is: by its own side, and by the enemy only if the unit stands
unhidden in its view, and the hex it takes as a move's (an educator's playtest: placing a hidden ambush party told the
other side where it lay); `SandboxEdit` carries the placement's side, unit and hex (a weather edit's line is as it
was). Games without sandbox edits are unchanged (the golden hashes hold).

0.22.0: a unit that retreats into a hex takes it, as a move, an ambush withdrawal, an assault's advance and a sandbox
placement do (a review found retreats onto hexes the enemy held, objective hexes among them, left under the enemy's
control); some Shusha games change (docs/fidelity: 13/13 checks, the same win rate). The side an ambush party fired
on keeps a last-seen mark where it fired from when none of its units saw the party slip away (its target destroyed),
read by AIs only with `fire_on_suspected`; a save of a game that tracks sightings says so (`"track_sightings": true`)
and reloads tracking them.

0.21.0: a unit destroyed by the ambush it runs into as it enters a hex does not take the hex, and one that survives
takes it after the ambush (its `ControlChanged` follows the ambush's events); the side under fire reads a battery it
did not see fire as `engine.view.UNSEEN_FIRER`, not by id and type, and a drone's side an air-defence unit it did
not see engage it as `UNSEEN_AIR_DEFENCE`; a last-seen mark remembers whether its side saw
the unit leave the hex, going on out of sight (`LastSeen.left`), and the doctrine's `fire_on_suspected` no longer
fires on a hex it saw every marked unit leave; an ambush party breaking contact (`ambush_withdraw`) takes a hex within
its side's supply range first (every Shusha game changes; docs/fidelity, 13/13 checks, the same win rate); a hidden
party found next to a mover because its ground gives no ambush says so in its reveal ("; no ambush: town gives
none").

0.20.0: every unit revealed with a stack-mate names it (`UnitRevealed.stack_of`), whatever the reason (it fired
from ambush, was detected, ran into an enemy…): a mate that did none of that no longer reads as if it had. AI games
are 0.19.0's; only those events' text and fields differ.

0.19.0: the target's side reads an enemy `SuspectedFire` without the mark's turn, and a stack-mate revealed with
a unit hit by such fire names it (`UnitRevealed.stack_of`); the batch records per cell who could fire on suspected
positions. AI games are 0.18.0's but for the version.

0.18.0: fire on a suspected position (the combat table's `suspected_fire`, off by default): a battery may fire on
a fresh last-seen mark, at a modifier, hitting whatever is there unseen; the firer sees only what its observer
sees. Shusha turns it on at -1; the doctrine AI uses it only with its `fire_on_suspected` parameter (off), so
the games are 0.17.0's. A side sees the destruction its own fire dealt after its party withdrew; grounded drones
are counted once a turn by the change (the same counts); a sandbox-placed drone is judged by the turn's weather at
once.
0.17.0: the AIs' heading fields and go-to orders count the turn's ground (`weather_movement`) as the move rules
do; a sandbox placement keeps the stack limit, a sandbox weather change counts grounded drones once and logs
nothing new when the weather stays; a last-seen mark goes only when the side saw the unit destroyed (no game
changes by it today). Shusha now has a `weather_movement` table (its scenario file, not this version, changes its
games: the road is cut by the town a turn later in snow).
0.16.0: the scenario's `weather_movement` table (rain or snow slow movement, per mobility class; none by default:
the shipped scenarios play as before) and the doctrine's `endgame_turns` / `endgame_floor` parameters (the
attacker's end-game clock as data; the defaults play as before); a turn's weather report names its move-cost
factors. The games are 0.15.1's.
0.15.1: a road cut's reason names the place next to its hex ("attacker astride the road at (11,21) by
Lisagor"), and ambushers keep a last-seen mark of the unit they fired on (games that track sightings): the logs'
text changes, the games are 0.15.0's.
0.15.0: the doctrine's `infiltrate_objective` parameter (off by default: other scenarios play as before): once
the road is cut, an attacker's steady unit in a hex of the objective next to a known enemy, with another own unit
staying in its hex, moves into an empty hex of the objective it can reach (no enemy known there, the road still
cut without it) and fights from there; once the whole objective is held, steady units out of contact sweep it for
the defenders contesting the win. Two calibration studies of the late fall found groups that had broken into the
town sitting next to a held hex they would not assault while its empty quarters stayed the defender's, and (a first
version without the companion unit and the sweep) defenders going to ground beside town hexes left empty and
contesting the win to the end. Shusha's attacker sets it (1000 games: attacker wins 70% [67-73], was 67%; clean
captures 557, were 542; the town has fallen by turn 23 in 28% of all games, was 25%; wins 10+ turns after the cut
41%, were 44%; all thirteen calibration checks hold).
0.14.0: the doctrine attacker, like the defender since 0.11.0, keeps a unit that is alone in a hex of the
objective there: it does not assault out of it into a hex outside the objective (a won assault advanced it into
the open and left the town hex empty; a calibration study saw special forces leave Jidir Duzu for the Hunot
canyon 47 times in 60 games), unless it holds the whole objective and the hex's defender contests it (within the
victory's contest radius: the one thing between it and the win). Results change (Shusha: attacker wins 70%
[67-73] of 1000 historical games, as before; the town has fallen by turn 23 in 35% of all games, was 32%; wins
10+ turns after the cut 33%, were 37%; all thirteen calibration checks hold).
0.13.0: ambushes set daily (Meduza: "ambushes the defenders set daily in the ravines"; a historian found the
parties fired once and were destroyed where they stood): a unit type with `ambush_withdraw` breaks contact after
firing from ambush, slipping one hex into cover next to no enemy its side knows of (`UnitMoved.why` says so),
so that it can go to ground and ambush again; off by default, on for the Shusha scenario's infantry. The score
records how the game ended (`Score.outcome`: the batch's `outcome` column). Scenarios without the flag play the
games of 0.12.0.
0.12.0: fog of war and honest logs (an AI author's, a player's and a historian's reviews): the assault preview
(`SideView.assault_odds`/`assault_expectation`, which the doctrine AI and the UI use) counts only the defenders
the side sees, and only for a neighbouring hex (it weighed and named hidden units stacked with a seen one); a
unit moving onto a hidden friend reveals it only where the enemy sees the hex (it did unseen, and said "was seen");
an order's hex must be (col, row) integers (numpy integers are taken as ints; anything else is refused);
`AssaultResolved` says which rule decided the result (`main_defender`, `why`: the main defender's cohesion and the
steps lost); the night modifiers say they are a model assumption; a lost drone falls over its sortie's hex, not
its base; texts on infiltration and drones shot down say what happened. The doctrine AI: the attacker's searching
recon sorties also cover the roads 2-5 hexes from the objective; new defender parameters (`reserve`,
`commit_reserve`, `road_counterattack`, `counterattack_ratio`; off by default) hold a reserve back and send the
reserves against the hexes where the watched road is cut, which the Shusha scenario now uses (with its data
recalibrated: a historian found the tanks drove into the town on the first morning and the counter-attack the
record has never happened). Results change (Shusha: attacker wins 73% [70-75] of 1000 historical games, was 69%;
counter-attacks on the cut made in 65% of games, failing in 70% of those; all thirteen calibration checks hold).
0.11.0: the doctrine AI on maps it was not written for (a scenario author's review): with no
`victory.road_watch` the attacker goes for the objective at once (its followers hung back behind the leaders all
game: 2% attacker wins on the author's map, 52% with a road to cut); a short watched road is still a goal; once
the road is cut a follower enters an objective hex next to a known enemy (it stopped one hex short, for good); a
defender unit alone in an objective hex does not assault out of it (a won assault advanced it into the open and
left the hex empty). Results change (Shusha: attacker wins 69% [66-72] of 1000 historical games, was 63%; the
town falls a median 8 turns after the road is cut, was 9; all twelve calibration checks hold). A reinforcement
whose entry hex is blocked no longer comes in next to the enemy or on an objective hex it holds, and its
`ReinforcementArrived` event gives the entry hex (`entry_hex`, left out of the log when it arrived there: no
Shusha arrival is displaced, so its logs are those above).
0.10.0: the doctrine defender keeps its units within the contest radius while the attacker holds the whole
objective and sudden death applies; they may move inside it, e.g. back into a hex of the objective (before, a unit
could withdraw or move away and hand over a sudden-death win: a player saw it happen).
Results change little (Shusha: attacker wins 63% [60-66] of 1000 historical games, as before; wins come a turn
or two later in some games; all twelve calibration checks hold).
0.9.0: the doctrine AI flies its recon sorties before its drone strikes and plans the strikes on what they
found; half of the attacker's searching sorties go over the road that feeds the town. Before, the armed drones
struck almost nothing on the clear days before the cloud came down; results change (Shusha: attacker wins 62%
[59-65] of 1000 historical games, was 60% [57-63]; all ten calibration checks hold).
0.8.0: the event log only: a SupplyReport says which units are beyond the supply range (the others are cut
off), a WeatherReport whether it is night, a mover's reveal that it was seen setting out, a loitering drone's
strike how many munitions it has left, a second rout the step it costs, a fire result which firepower applied
(vs armour, vs unarmoured, guns in close defence); a hex of the objective without a name of its own is named
after the objective. The rules play the games of 0.7.0.
0.7.0: scenarios may give the starting front line (`map.start_control`); both sides know it from the start.
Scenarios without it play the games of 0.6.0.
0.6.0: artillery fires at the enemy units its side sees in the target hex, not at hidden ones there too
(the preview counted only the seen ones, and the results named the hidden ones to the firer); results change.
0.5.0: the event log only (a move's ControlChanged follows it and says if it was taken unseen; reveal and
assault texts; a hidden battery's reveal is logged): the rules play the games of 0.4.0 (the AI scores artillery
targets with the recon-drone adjustment). (Shusha's games changed with its scenario, sha256 85373407f974: the
attacker's Orbiter reaches the battle.)"""
N_STREAMS = 4  # combat, weather, attacker AI, defender AI


def seed_streams(seed: int) -> list[np.random.Generator]:
    """Independent generators for a game, spawned from one SeedSequence (never seed + i):
    `default_rng(child)` for each child of `SeedSequence(seed).spawn(N_STREAMS)`, bit for bit.

    With numba the children's PCG64 seeds come from one compiled call (`kernels.spawn_states`), not from
    numpy's seeding, which took 1% of a 10×10 game; each generator's `seed_seq` is then a `_SpawnedSeed`."""
    check_seed(seed)
    if not kernels.JIT:
        return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(N_STREAMS)]
    words = [seed & 0xFFFFFFFF]
    rest = seed >> 32
    while rest:
        words.append(rest & 0xFFFFFFFF)
        rest >>= 32
    states = np.empty((N_STREAMS, 4), dtype=np.int64)
    kernels.spawn_states(np.array(words, dtype=np.int64), states)
    states = states.view(np.uint64)
    states.setflags(False)  # (its rows are handed out by `_SpawnedSeed.generate_state`: read-only)
    return [np.random.Generator(np.random.PCG64(_SpawnedSeed(seed, i, states[i]))) for i in range(N_STREAMS)]


class _SpawnedSeed(ISpawnableSeedSequence):
    """Child `index` of `SeedSequence(entropy)`, with its PCG64 seed already computed (`seed_streams`). Any other
    request (other state sizes, `spawn`) goes to the real child, built on first use and kept, so that
    spawning twice gives new children each time, as numpy's does."""

    def __init__(self, entropy: int, index: int, pcg64_seed: np.ndarray) -> None:
        self.entropy = entropy
        self.spawn_key = (index,)
        self._pcg64_seed = pcg64_seed
        self._sequence: np.random.SeedSequence | None = None

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words == 4 and np.dtype(dtype) == np.uint64:
            return self._pcg64_seed
        return self.sequence().generate_state(n_words, dtype)

    def spawn(self, n_children: int) -> list[np.random.SeedSequence]:
        return self.sequence().spawn(n_children)

    def sequence(self) -> np.random.SeedSequence:
        """The child as numpy makes it."""
        if self._sequence is None:
            self._sequence = np.random.SeedSequence(self.entropy, spawn_key=self.spawn_key)
        return self._sequence


# ============================================================================================ new game
def new_game(
    scen: Scenario,
    seed: int,
    weather_mode: str | None = None,
    agents: dict[str, str] | None = None,
    sandbox: bool = False,
    track_sightings: bool = False,
    streams: list[np.random.Generator] | None = None,
) -> GameState:
    """A new game at turn 1, attacker's air phase.

    `track_sightings` records, for every event, which sides could observe it when it happened (for a
    player's log under fog of war: `engine.view.visible_log`), and who each side believes holds each hex
    (`GameState.known_control`, for its control map); batch runs leave it off, it costs time (`play_game` turns it
    on only for a doctrine side's `fire_on_suspected`, which fires on the last-seen marks it keeps).
    `streams`: the game's `seed_streams(seed)`, when the caller has already made them for its agents (unused
    generators only: the game draws its combat and weather streams from them).
    """
    combat_rng, weather_rng, _, _ = seed_streams(seed) if streams is None else streams
    mode = weather_mode or scen.weather.mode
    gmap = game_map(scen)
    if mode == "stochastic":
        weather = weather_schedule(scen, mode, weather_rng)
    else:  # the same every game (no draws): built once per map (scenario) and shared, like the map (read-only)
        weather = gmap.derived.get(("rules.weather", mode))
        if weather is None:
            weather = gmap.derived[("rules.weather", mode)] = weather_schedule(scen, mode, weather_rng)
    units = []
    for us in scen.units:
        if not us.present:
            continue
        ut = scen.unit_table[us.type]
        units.append(Unit(
            id=us.id, side=SIDES.index(us.side), type=us.type, idx=gmap.idx(us.hex),
            strength=us.strength if us.strength is not None else ut.max_steps, name=us.name or us.id,
            hidden=us.hidden, offmap=us.offmap, arrives_turn=us.arrives_turn,
        ))
    state = GameState(scen, gmap, seed, mode, weather, units, combat_rng)
    state.sandbox = sandbox
    if track_sightings:
        state.sightings = []
        state.glimpses = {}
        state.unseen_firers = set()
        state.unseen_air_defence = {}
        state.last_seen = [{}, {}]
        state.known_control = [np.full(gmap.n, -1, dtype=np.int8), np.full(gmap.n, -1, dtype=np.int8)]
    held_objectives = [(gmap.idx(h), SIDES.index(ob.controller))
                       for ob in scen.objectives if ob.controller in SIDES for h in ob.hexes]
    briefed = gmap.briefed_control  # the front line and the objectives: both briefings show them
    state.control[:] = briefed
    for u in units:  # the starting order of battle is placed, not announced as reinforcements
        if u.arrives_turn <= 1:
            u.arrived = True
            if not u.offmap and scen.unit_table[u.type].domain == "ground":
                state.control[u.idx] = u.side
    for i, s in held_objectives:
        state.control[i] = s
    state.agents = dict(agents or {s: scen.sides[s].agent for s in SIDES})
    if state.known_control is not None:
        objective = np.array(sorted(gmap.objective_set), dtype=np.intp)
        for s, known in enumerate(state.known_control):  # each side knows the briefing and where it stands,
            known[:] = briefed  # not where enemy units stand
            known[state.control == s] = s
            known[objective] = state.control[objective]
    _emit(state, GameStarted.make(
        turn=0, scenario=scen.meta.name, scenario_sha256=scen.sha256, seed=seed, weather_mode=mode,
        engine_version=ENGINE_VERSION, agents=state.agents,
    ))
    _begin_turn(state)
    _begin_side(state, ATTACKER)
    if state.known_control is not None:
        _learn_control(state)
    return state


def _emit(state: GameState, *events: Event, first_unseen_by: int | None = None,
          first_seen_by_all: bool = False) -> None:
    """Log `events`. `first_unseen_by`: a side that could not see the first of them whatever `seen_by` judges
    now (the move of an infiltrator hidden until it ended); `first_seen_by_all`: both sides saw the first (a
    place taken from a side by assault)."""
    state.log.extend(events)
    if state.sightings is not None:
        _sight(state, events, first_unseen_by, first_seen_by_all)


def _sight(state: GameState, events: tuple[Event, ...], first_unseen_by: int | None, first_seen_by_all: bool) -> None:
    """`_emit`'s record of who saw `events`, in games that track sightings. (A function of its own: its
    comprehension's closure would make every `_emit`, a few hundred a game, allocate two cells.)"""
    from engine.view import seen_by

    state.bump()  # who saw what is judged on the state as it is now, not on knowledge cached earlier
    sights = [seen_by(state, ev) for ev in events]
    if first_unseen_by is not None:
        sights[0] = (False, sights[0][1]) if first_unseen_by == 0 else (sights[0][0], False)
    if first_seen_by_all:
        sights[0] = (True, True)
    for k, ev in enumerate(events):
        if ev.kind == "UnitMoved":
            _glimpsed(state, len(state.sightings) + k, ev, sights[k])  # type: ignore[arg-type]
        elif ev.kind in _PLACING:
            _placed(state, ev, sights[k])
        elif ev.kind in _FIRE_MISSIONS:
            _firer_seen(state, len(state.sightings) + k, ev, sights[k])
        elif ev.kind in SORTIES and ev.engagements:  # type: ignore[attr-defined]
            _air_defence_seen(state, len(state.sightings) + k, ev)
    state.sightings.extend(sights)
    if state.control_news:
        _hear_news(state)


def _glimpsed(state: GameState, k: int, ev: UnitMoved, sights: tuple[bool, bool]) -> None:
    """Log entry `k`, a move: if its enemy saw only part of it, keep which hexes (`GameState.glimpses`) and
    where it last saw the unit."""
    from engine.view import glimpse

    enemy = 1 - SIDES.index(ev.side)
    if not sights[enemy]:
        return
    seen = glimpse(state, ev, enemy)
    if seen is not None:
        assert state.glimpses is not None and state.last_seen is not None
        state.glimpses[k] = seen
        u = state.unit(ev.unit)
        # (seen leaving the last hex it was seen on: the move went on out of sight from there)
        state.last_seen[enemy][u.id] = (state.map.idx(ev.path[seen[-1]]), state.turn, u.strength,
                                        seen[-1] != len(ev.path) - 1)


_FIRE_MISSIONS = frozenset({"ArtilleryFired", "SuspectedFire", "HiddenUnitShelled"})
"""Events of a fire mission that the side under fire reads (`_firer_seen`)."""


def firer_unknown(state: GameState, ev: Event) -> bool:
    """Whether the side under fire in fire mission `ev` (`_FIRE_MISSIONS`) does not see its firer now: an off-map
    battery, one beyond its sight (a battery its fire gave away is seen only where the side sees its hex). What
    `_firer_seen` records when the mission is logged, and `engine.view.visible_log` judges in a game that does not
    track sightings."""
    if ev.kind == "HiddenUnitShelled":  # (the hidden unit's own side's record: it names the firer)
        firer, target = ev.firer, SIDES.index(ev.side)  # type: ignore[attr-defined]
    else:
        firer, target = ev.unit, 1 - SIDES.index(ev.side)  # type: ignore[attr-defined]
    for u in known_enemies(state, target):  # (a loop: a comprehension's closure would cost every call a cell)
        if u.id == firer:
            return False
    return True


def _firer_seen(state: GameState, k: int, ev: Event, sights: tuple[bool, bool]) -> None:
    """Log entry `k`, a fire mission: if the side under fire reads it but does not see the firer now
    (`firer_unknown`), keep it (`GameState.unseen_firers`): its log then says "an unseen battery", not the unit's
    id and type (a defender playtest read "enemy Towed artillery (arm_how_2) fires on (30,19)" with no contact on
    the battery)."""
    target = SIDES.index(ev.side) if ev.kind == "HiddenUnitShelled" else 1 - SIDES.index(ev.side)  # type: ignore[attr-defined]
    if sights[target] and firer_unknown(state, ev):
        assert state.unseen_firers is not None
        state.unseen_firers.add(k)


SORTIES = frozenset({"DroneStrike", "ReconFlown"})
"""Drone sorties, which carry the enemy air defence's engagements (`_air_defence_seen`)."""


def engagements_unknown(state: GameState, ev: Event) -> tuple[int, ...]:
    """The positions in drone sortie `ev`'s engagements (`SORTIES`) of air-defence units its side does not see now.
    What `_air_defence_seen` records when the sortie is logged, and `engine.view.visible_log` judges in a game that
    does not track sightings."""
    known = [u.id for u in known_enemies(state, SIDES.index(ev.side))]  # type: ignore[attr-defined]
    return tuple(i for i, eng in enumerate(ev.engagements) if eng.ad_unit not in known)  # type: ignore[attr-defined]


def _air_defence_seen(state: GameState, k: int, ev: Event) -> None:
    """Log entry `k`, a drone sortie that air defence engaged: the engagements by units its side does not see now
    (`engagements_unknown`; `GameState.unseen_air_defence`): its log names them "unseen air defence", as a battery
    it cannot see is "an unseen battery" (`_firer_seen`): a missile seen coming does not say which unit launched
    it."""
    unseen = engagements_unknown(state, ev)
    if unseen:
        assert state.unseen_air_defence is not None
        state.unseen_air_defence[k] = unseen


_PLACING = frozenset({"UnitRevealed", "ReinforcementArrived", "UnitRetreated", "AmbushSprung", "AssaultResolved"})
"""Events that show where an enemy unit is (`_placed`)."""


def _placed(state: GameState, ev: Event, sights: tuple[bool, bool]) -> None:
    """An event the enemy of its side reads that places a unit of that side on a hex: the enemy last saw the
    unit there, as strong as it is now (`GameState.last_seen`): an arrival, a reveal, a retreat, an ambusher, an
    assaulting unit that advanced."""
    enemy = 1 - SIDES.index(ev.side)  # type: ignore[attr-defined]
    kind = ev.kind
    if kind == "AmbushSprung" and sights[1 - enemy]:
        # the ambushers know where the unit they fired on stood, even after they slip away (a player's review:
        # after an ambush party withdrew, its side had no mark of the enemy it had just hit)
        _mark(state, 1 - enemy, ev.target, ev.target_hex)  # type: ignore[attr-defined]
    if not sights[enemy]:
        return
    if kind == "AmbushSprung":
        # seen firing from its hex: marked there even if it has slipped away since (`_ambush_withdrawal`; `_mark`
        # would drop it). The withdrawal's move, later in this batch, moves the mark if the side saw any of it, and
        # `_learn_control` after the order if it sees the party where it ends; unseen, this is where it was last
        # seen (its target destroyed, nobody saw it go: the side kept no mark of the ambush it just read)
        u = state.unit(ev.ambusher)  # type: ignore[attr-defined]
        if u.strength > 0:
            assert state.last_seen is not None
            state.last_seen[enemy][u.id] = (state.map.idx(ev.hex), state.turn, u.strength, False)  # type: ignore[attr-defined]
        return
    if kind == "AssaultResolved":
        if not ev.advanced:  # type: ignore[attr-defined]
            return
        uid, where = ev.attacker, ev.target_hex  # type: ignore[attr-defined]
    else:
        uid, where = ev.unit, ev.hex  # type: ignore[attr-defined]
    if where is None:  # (a surrender: the unit is gone)
        return
    _mark(state, enemy, uid, where)


def _mark(state: GameState, side: int, uid: str, where: HexRef) -> None:
    """`side` last saw unit `uid` on `where`, as strong as it is now, if it is still there (else it moved on
    since: the move's own sighting tells where)."""
    u = state.unit(uid)
    idx = state.map.idx(where)
    if u.strength > 0 and u.idx == idx:
        assert state.last_seen is not None
        state.last_seen[side][uid] = (idx, state.turn, u.strength, False)


# ============================================================================================ turn sequence
def _begin_turn(state: GameState) -> None:
    scen = state.scenario
    over = state.weather_override  # a sandbox setting holds until the sandbox changes it (`_do_sandbox`); any other
    state.weather_override = (None if over is None or state.weather_held is None  # override lasts its turn
                              else attrs.evolve(over, turn=state.turn))
    state.update_clock()
    dates = state.map.derived.setdefault(("rules.turn_dates", scen.meta.start, scen.meta.turn_hours), {})
    date = dates.get(state.turn)
    if date is None:
        date = dates[state.turn] = scen.turn_start(state.turn).strftime("%a %d %b %Y %H:%M")
    _emit(state, TurnStarted.make(turn=state.turn, date=date, night=state.night))
    state.grounded = {}  # (last turn's: nothing is grounded by this turn's weather until `_weather_events` says)
    for u in state.units:  # arrivals of both sides are placed at the start of the turn
        if not u.arrived and u.arrives_turn <= state.turn:
            _arrive(state, u)
    _weather_events(state)
    for side in (ATTACKER, DEFENDER):
        _emit(state, *supply.update_supply(state, side))


def _move_factor_fields(scen: Scenario, precipitation: str) -> dict[str, Any]:
    """`WeatherReport`'s account of the ground this turn (`weather_movement`): nothing when dry costs hold."""
    if not scen.weather_move_table:
        return {}
    factors = tuple(MoveCostFactor(*f) for f in weather_move_factors(scen, precipitation))
    return {"move_factors": factors, "movement": weather_move_note(scen, precipitation)} if factors else {}


def _weather_events(state: GameState) -> None:
    """The turn's weather report and what it lets fly (`state.grounded`). Said again when the weather changes
    mid-turn (a sandbox edit): `drone_sorties_grounded` counts armed drones x turns grounded, so it moves by the
    change only, the drones the turn's weather grounds now less those its earlier weather grounded (none at the
    turn's start: `_begin_turn` empties `state.grounded`); called any number of times, a turn counts once."""
    w = state.weather
    held = state.weather_held
    _emit(state, WeatherReport.make(
        turn=state.turn, ceiling_m=w.ceiling_m, visibility_km=w.visibility_km, fog=w.fog,
        precipitation=w.precipitation,
        ground_vision_hexes=ground_vision_cap(w, state.night, False, state.map.hex_km), night=state.night,
        **_move_factor_fields(state.scenario, w.precipitation),
        **({} if held is None else {"sandbox": f"{held[0]}, set on turn {held[1]}"}),
    ))
    before, state.grounded = state.grounded, {}
    for u in state.air_units():
        if u.arrived and u.strength > 0:  # (`u.active`, without the property call)
            _air_status(state, u, before.get(u.id) is not None)
    state.bump()


def _air_status(state: GameState, u: Unit, was_grounded: bool) -> None:
    """Whether the turn's weather lets air unit `u` fly (`state.grounded`, its `AirStatus`), counted in
    `drone_sorties_grounded` by the change from `was_grounded` (`_weather_events`; a drone placed mid-turn by a
    sandbox edit, which no report judged yet: it was flying whatever the weather)."""
    w = state.weather
    memo = state.map.derived.setdefault("rules.flight", {})  # (type, weather) -> why grounded / why it flies
    ut = state.scenario.unit_table[u.type]
    key = (ut.min_ceiling_m, ut.min_visibility_km, ut.grounded_by_fog, w.ceiling_m, w.visibility_km, w.fog)
    got = memo.get(key)
    if got is None:
        got = memo[key] = (flight_check(ut, w), f"cloud base {w.ceiling_m:.0f} m ≥ {ut.min_ceiling_m:.0f} m, "
                                                f"visibility {w.visibility_km:g} km, fog {w.fog}")
    reason, ok = got
    state.grounded[u.id] = reason
    if ut.air_role in ("strike", "loiter") and (reason is None) == was_grounded:
        state.score.drone_sorties_grounded[SIDES[u.side]] += 1 if reason is not None else -1
    if reason is None:
        _emit(state, AirStatus.make(turn=state.turn, side=SIDES[u.side], unit=u.id, unit_type=u.type,
                                    grounded=False, reason=ok))
    else:
        _emit(state, AirStatus.make(turn=state.turn, side=SIDES[u.side], unit=u.id, unit_type=u.type,
                                    grounded=True, reason=reason))


def _arrive(state: GameState, u: Unit) -> None:
    gmap = state.map
    ut = state.scenario.unit_table[u.type]
    if u.offmap or ut.domain == "air":
        u.arrived = True
        state.touch()  # joined play: who is active changed
        return
    occ = state.occupancy()
    limit = state.scenario.stack_limit
    enter = gmap.enterable[ut.mobility] & ~gmap.no_go[u.side]
    entry = u.idx
    zoc = obj = None
    for r in range(0, 4):
        cands = [int(i) for i in gmap.within(u.idx, r) if gmap.distance(u.idx, int(i)) == r]
        if r >= 1:  # displaced: never into the enemy's zone of control or an objective hex it holds (an author
            # saw a reinforcement appear in the enemy's town, next to its garrison, and take the hex)
            if zoc is None:
                zoc, obj = state.zone_of(1 - u.side), gmap.objective_set
            cands = [i for i in cands if i not in zoc and not (i in obj and state.control[i] == 1 - u.side)]
        for i in sorted(cands):
            if enter[i] and occ[1 - u.side][i] == 0 and occ[u.side][i] < limit:
                u.idx = i
                u.arrived = True
                later: list[Event] = []
                _set_control(state, i, u.side, u, sink=later)
                blocked = "" if i == entry else ("closed" if not enter[entry] else "enemy"
                                                 if occ[1 - u.side][entry] else "own stack")
                _emit(state, ReinforcementArrived.make(turn=state.turn, side=SIDES[u.side], unit=u.id,
                                                       hex=gmap.hex_refs[i],
                                                       entry_hex=None if i == entry else gmap.hex_refs[entry],
                                                       blocked=blocked),
                      *later)
                state.touch()
                return
    # no room: tries again next turn


def _begin_side(state: GameState, side: int) -> None:
    state.side = side
    state.phase_i = 0
    state.recon_cover[side][:] = False
    state.recon_version += 1
    for u in state.active_units(side):
        u.moved = False
        u.fired = False
        if u.supplied and u.cohesion != MAX_COHESION:  # units rally when fed and supplied, even in contact
            combat.recover_cohesion(u)
    state.bump()
    for t, why in detect_hidden(state, side):
        _reveal(state, t, why)
    _emit(state, PhaseStarted.make(turn=state.turn, side=SIDES[side], phase=PHASES[0]))


def _end_side(state: GameState, side: int) -> None:
    gmap = state.map
    enemy_near = state.zone_of(1 - side)
    table = state.scenario.unit_table
    by_hex: dict[int, list[Unit]] = {}
    cannot: set[int] = set()  # hexes where some unit cannot go to ground (it fired, or its type never hides)
    for u in state.ground_units(side):
        by_hex.setdefault(u.idx, []).append(u)
        if u.fired or not table[u.type].can_hide:
            cannot.add(u.idx)
    conceal = gmap.concealment_list
    for idx, stack in by_hex.items():
        if idx in cannot or idx in enemy_near or conceal[idx] < 1:
            continue
        for u in stack:  # the whole stack goes to ground
            if not u.hidden:
                state.set_hidden(u, True)
                _emit(state, UnitHidden.make(turn=state.turn, side=SIDES[side], unit=u.id, hex=gmap.hex_refs[idx]))
    state.bump()
    _check_road(state)


def _check_road(state: GameState) -> None:
    rw = state.scenario.victory.road_watch
    if rw is None:
        return
    is_open, why, where = supply.road_open(state)
    cut = not is_open
    if cut != state.road_cut:
        state.road_cut = cut
        if cut and where >= 0 and state.known_control is not None:  # the road's users find where it is cut
            state.known_control[DEFENDER][where] = state.control[where]
        _emit(state, RoadCut.make(turn=state.turn, road=rw.name, cut=cut, reason=why))
        if cut and state.score.road_cut_turn is None:
            state.score.road_cut_turn = state.turn


def victory_conditions(scen: Scenario) -> str:
    """How the game is won, in the scenario's numbers: what `_end_turn` checks, said once for the briefing and
    the help (players asked where the victory conditions were written).

    >>> from engine.scenario import load_scenario
    >>> print(victory_conditions(load_scenario("scenarios/lessons/ambush.json")))  # doctest: +NORMALIZE_WHITESPACE
    Victory: the attacker wins as soon as it holds Dashkend at the end of a turn with no defender unit within
    1 hex of it. After the last turn (turn 6, from 08 Nov 06:00) the attacker wins if it holds Dashkend;
    otherwise the defender wins. A hex is held by the side whose unit last entered it.
    """
    v = scen.victory
    ob = next((o for o in scen.objectives if o.name == v.objective), None)
    n = len(ob.hexes) if ob is not None else 0
    what, it = (f"all {n} hexes of {v.objective}", "them") if n > 1 else (v.objective, "it")
    near = (f"on {it}" if v.contest_radius == 0 else
            f"within {v.contest_radius} {'hex' if v.contest_radius == 1 else 'hexes'} of {it}")
    early = (f"the attacker wins as soon as it holds {what} at the end of a turn with no defender unit {near}. "
             "After" if v.sudden_death else "after")
    return (f"Victory: {early} the last turn (turn {scen.turns}, from {scen.turn_start(scen.turns):%d %b %H:%M}) "
            f"the attacker wins if it holds {what}; otherwise the defender wins. A hex is held by the side whose "
            "unit last entered it.")


def _end_turn(state: GameState) -> None:
    scen = state.scenario
    gmap = state.map
    hexes = state.map.objective_hexes
    held = sum(1 for i in hexes if state.control[i] == ATTACKER)
    all_held = held == len(hexes)
    if all_held and state.capture_streak_from is None:
        state.capture_streak_from = state.turn
    elif not all_held:
        state.capture_streak_from = None
    _emit(state, ObjectiveStatus.make(turn=state.turn, objective=scen.victory.objective, attacker_hexes=held,
                                      total_hexes=len(hexes), held_by="attacker" if all_held else None))
    if all_held and scen.victory.sudden_death:
        radius = scen.victory.contest_radius
        to_objective = gmap.objective_distance
        contest = [u for u in state.ground_units(DEFENDER) if to_objective[u.idx] <= radius]
        if not contest:
            _finish(state, "attacker", f"{scen.victory.objective} taken; no defender within {radius} "
                                       f"{'hex' if radius == 1 else 'hexes'} to contest it", "objective_taken")
            return
    if state.turn >= scen.turns:
        if all_held:
            _finish(state, "attacker", f"holds all of {scen.victory.objective} at the end", "held_all")
        else:
            _finish(state, "defender", f"{scen.victory.objective} not taken: attacker holds {held}/{len(hexes)} "
                                       "hexes at the end", "held_partial" if held else "held_none")
        return
    state.turn += 1
    _begin_turn(state)
    _begin_side(state, ATTACKER)


OUTCOMES = ("objective_taken", "held_all", "held_partial", "held_none")
"""How a game ended (`Score.outcome`, the batch's `outcome` column). `objective_taken`: the attacker held the whole
objective at a turn's end with no defender within the contest radius (sudden death, on any turn, the last
included); `held_all`: it held the whole objective at the end of the last turn, contested or without sudden
death; `held_partial`: the defender won, the attacker holding some objective hexes at the end
(`objective_hexes_attacker` of `objective_hexes_total`: 6 of 7 is a near miss); `held_none`: the defender won
holding every objective hex."""


def _finish(state: GameState, winner: str, reason: str, outcome: str) -> None:
    sc = state.score
    sc.winner = winner
    sc.reason = reason
    sc.outcome = outcome
    sc.end_turn = state.turn
    hexes = state.map.objective_hexes
    sc.objective_hexes_total = len(hexes)
    sc.objective_hexes_attacker = sum(1 for i in hexes if state.control[i] == ATTACKER)
    sc.objective_taken_turn = state.capture_streak_from if winner == "attacker" else None
    sc.road_cut_at_end = state.road_cut
    sc.attacker_types_in_objective = sorted(
        {u.type for u in state.ground_units(ATTACKER) if u.idx in set(hexes)})
    state.outcome = Outcome(winner, reason, state.turn)
    _emit(state, GameOver.make(turn=state.turn, winner=winner, reason=reason))


def _set_control(state: GameState, idx: int, side: int, by: Unit, witnessed: bool = False,
                 sink: list[Event] | None = None) -> None:
    """`by` takes hex `idx` for `side`: a `ControlChanged` when the hex is a named place or an objective (to
    `sink` when given: a move logs it after the move itself). Where each side's beliefs are kept
    (`known_control`), the enemy hears of it at once when the hex is an objective (public) or when it
    `witnessed` the taking (an assault on its own units, a sandbox edit); else it learns only if it saw `by`
    there, unhidden, judged when the next event is logged (`_hear_news`), as the log judges the event."""
    if state.control[idx] == side:
        return
    state.control[idx] = side
    gmap = state.map
    in_objective = idx in state.map.objective_set
    place = gmap.place_name(idx)
    if place is None and in_objective:  # (a hex of the objective without a name of its own: the objective's)
        place = state.scenario.victory.objective
    if in_objective and side == ATTACKER and state.score.objective_first_entry_type is None:
        state.score.objective_first_entry_type = by.type
        state.score.objective_first_entry_turn = state.turn
    if place is not None or in_objective:
        # (on an objective, which is public, the flag would tell the enemy its taker is an unseen infiltrator)
        ev = ControlChanged.make(turn=state.turn, side=SIDES[side], hex=gmap.hex_refs[idx], place=place,
                                 taken_unseen=by.hidden and not in_objective)
        if sink is not None:
            sink.append(ev)
        else:  # a witnessed taking is in the enemy's log as on its map, whatever it sees of the hex afterwards
            _emit(state, ev, first_seen_by_all=witnessed)
    known = state.known_control
    if known is not None:
        known[side][idx] = side
        if in_objective or witnessed:
            known[1 - side][idx] = side
        else:
            state.control_news.append((idx, side, by.hidden))


def _hear_news(state: GameState) -> None:
    """The enemy learns of the hexes units took or crossed since the last event if it saw them there: the
    unit was not hidden at that step (a quiet infiltrator revealed at the end of its move left no track) and
    the hex is in its view. Judged when the next event is logged, as the event log judges what it saw."""
    known = state.known_control
    assert known is not None
    vis: list[np.ndarray | None] = [None, None]
    for idx, side, hidden in state.control_news:
        if hidden:
            continue
        enemy = 1 - side
        seen = vis[enemy]
        if seen is None:
            seen = vis[enemy] = visible_hexes(state, enemy)
        if seen[idx]:
            known[enemy][idx] = side
    state.control_news.clear()


def _learn_control(state: GameState) -> None:
    """Bring each side's beliefs up to date after an order: the news not yet heard (`_hear_news`), who holds
    the hexes where each side sees enemy units now, and where it saw them (`GameState.last_seen`)."""
    known, control, last_seen = state.known_control, state.control, state.last_seen
    assert known is not None and last_seen is not None
    if state.control_news:
        _hear_news(state)
    turn = state.turn
    for side in (ATTACKER, DEFENDER):
        seen = last_seen[side]
        for u in known_enemies(state, side):
            known[side][u.idx] = control[u.idx]
            seen[u.id] = (u.idx, turn, u.strength, False)


def _reveal(state: GameState, u: Unit, reason: str, sink: list[Event] | None = None) -> None:
    """Reveal `u` and everything stacked with it (a seen position shows the whole stack).

    Events go to `sink` when given (so a move can log them after the move itself, in causal order). A
    stack-mate's event says it was revealed with `u`'s stack (`UnitRevealed.stack_of`): `reason` is about `u`
    alone (it fired from ambush, was detected, hit…), and a mate that did none of that must not read as if it had."""
    for v in state.units_at(u.idx, u.side):
        if v.hidden:
            state.set_hidden(v, False)
            ev = UnitRevealed.make(turn=state.turn, side=SIDES[v.side], unit=v.id, hex=state.map.hex_of(v.idx),
                                   reason=reason, stack_of=u.id if v is not u else "")
            if sink is None:
                _emit(state, ev)
            else:
                sink.append(ev)
    state.bump()


# ============================================================================================ legality
def _unit_check(state: GameState, uid: str, phase: str, what: str) -> tuple[Unit | None, str | None]:
    if uid not in state.unit_index:
        return None, f"unknown unit {uid!r}"
    u = state.unit(uid)
    if u.side != state.side:
        return u, f"{uid} belongs to the {SIDES[u.side]}; it is the {state.side_name}'s turn"
    if u.strength <= 0:  # (a loitering drone that spent its last munition is gone too, not shot down)
        spent = state.scenario.unit_table[u.type].expendable
        return u, f"{uid} has no munitions left (spent, or shot down)" if spent else f"{uid} has been destroyed"
    if not u.arrived:
        return u, f"{uid} has not arrived yet (arrives turn {u.arrives_turn})"
    if PHASES[state.phase_i] != phase:
        return u, f"{what} are given in the {phase} phase; it is now the {state.phase} phase"
    return u, None


def _hex_check(state: GameState, h: HexRef) -> str | None:
    if not state.map.on_map(h):
        return f"hex ({h[0]},{h[1]}) is off the {state.map.cols}×{state.map.rows} map"
    return None


def _known_enemy_at(state: GameState, side: int, idx: int) -> list[Unit]:
    vis = visible_hexes(state, side)
    if not vis[idx]:
        return []
    out = []
    for u in state.units_at(idx, 1 - side):  # (a loop: a comprehension is a function object and a call)
        if not u.hidden:
            out.append(u)
    return out


def check(state: GameState, order: Order) -> str | None:
    """Why `order` is illegal now, or None. Uses only what the ordering side knows.

    The last answer is remembered for the state's version: an agent that checks an order and then applies
    it (which checks again) pays once."""
    try:
        order = _well_formed(order)  # (first: the memo compares orders, and a numpy array does not compare)
    except IllegalOrder as e:
        return str(e)
    return _check_remembered(state, order)


def _check_remembered(state: GameState, order: Order) -> str | None:
    """`check` of a well-formed order (`_well_formed`), through the memo."""
    memo = state._check_memo
    if memo is not None and memo[0] == state.version and (memo[1] is order or memo[1] == order):
        return memo[2]
    reason = _check(state, order)
    state._check_memo = (state.version, order, reason)
    return reason


def _check(state: GameState, order: Order) -> str | None:
    if state.outcome is not None:
        return "the game is over"
    if isinstance(order, EndPhase):
        if order.side != SIDES[state.side]:
            return f"it is the {state.side_name}'s turn, not the {order.side}'s"
        return None
    if isinstance(order, SANDBOX_ORDERS):
        return _check_sandbox(state, order)
    checker = _CHECKS.get(type(order))
    if checker is None:
        return f"unknown order {order!r}"
    return checker(state, order)


def _check_move(state: GameState, o: Move) -> str | None:
    u, why = _unit_check(state, o.unit, "movement", "moves")
    if why:
        return why
    ut = state.scenario.unit_table[u.type]
    if ut.domain != "ground" or u.offmap:
        return f"{u.id} ({ut.label}) does not move on the map"
    if u.moved:
        return f"{u.id} has already moved this turn"
    if why := _hex_check(state, o.to):
        return why
    dest = state.map.idx(o.to)
    if dest == u.idx:
        return f"{u.id} is already at ({o.to[0]},{o.to[1]})"
    r = reach(state, u)
    if r.reaches(dest) and state.positions(u.side).count(dest) < state.scenario.stack_limit:  # room in the stack
        state._checked_reach = (state.version, o, r)  # what `_do_move` walks, if it comes next
        return None
    gmap = state.map
    if not gmap.enterable[ut.mobility][dest]:
        return f"{u.id} ({ut.mobility}) cannot enter {gmap.terrain_at(dest).name} at {gmap.describe(dest)}"
    if _known_enemy_at(state, u.side, dest):
        return f"{gmap.describe(dest)} is held by the enemy: assault it instead"
    if gmap.no_go[u.side][dest]:
        return f"{gmap.describe(dest)} lies in a sector the {SIDES[u.side]} may not enter (scenario no-go area)"
    if reach(state, u).reaches(dest):
        return f"{gmap.describe(dest)} is full (stack limit {state.scenario.stack_limit})"
    return _never_in(state, u, ut, dest) or _out_of_reach(state, u, ut, dest)


def _out_of_reach(state: GameState, u: Unit, ut: UnitType, dest: int) -> str:
    """Why `u` cannot get to `dest` this turn, a hex it could step into: the ground (the cheapest route, cliffs and
    other closed hexsides gone round, costs more than its move points) or the enemy (the route is within them, so
    enemy units or their zones of control on the way stop it). A player was told only that "impassable edges such
    as cliffs ... and enemy zones of control, stop movement", not which it was."""
    gmap = state.map
    where, mp = gmap.describe(dest), ut.move_points
    route = float(distance_field(gmap, ut.mobility, (dest,), u.side, state.weather.precipitation,
                                 state.scenario)[u.idx])
    if route >= INF:
        return f"{where} is out of reach for {u.id}: no route there for {ut.mobility} (closed hexsides, no-go areas)"
    if route > mp:
        return (f"{where} is out of reach for {u.id} this turn: the cheapest route there, round cliffs and other "
                f"closed hexsides, costs {route:g} MP, and it has {mp:g} MP a turn")
    return (f"{where} is out of reach for {u.id} this turn: enemy units or their zones of control on the way stop "
            f"it (the route costs {route:g} of its {mp:g} MP without them)")


def _never_in(state: GameState, u: Unit, ut: UnitType, dest: int) -> str | None:
    """Why `u` cannot step into `dest` from any side, this turn's weather or any (`cheapest_way_in`), or None."""
    gmap, scen = state.map, state.scenario
    where, mob, mp = gmap.describe(dest), ut.mobility, ut.move_points
    dry = cheapest_way_in(gmap, scen, mob, dest)
    wet = state.weather.precipitation
    now = cheapest_way_in(gmap, scen, mob, dest, wet) if wet != "none" else dry
    if dry > mp:
        cost = "every side of it is closed to it" if dry >= INF else f"the cheapest way in costs {dry:g} MP"
        if dry < INF and now != dry:  # (the hover and the go-to order gave this turn's cost: a player saw both)
            cost += f" ({now:g} in this turn's {wet})"
        return (f"{u.id} ({mob}) can never enter {gmap.terrain_at(dest).name} at {where}: {cost}, and it has "
                f"{mp:g} MP a turn")
    if now > mp:
        return (f"{u.id} ({mob}) cannot enter {gmap.terrain_at(dest).name} at {where} in this turn's {wet}: the "
                f"cheapest way in costs {now:g} MP ({dry:g} dry), and it has {mp:g} MP a turn")
    return None


def _check_fire(state: GameState, o: Fire) -> str | None:
    u, why = _unit_check(state, o.unit, "artillery", "fire missions")
    if why:
        return why
    ut = state.scenario.unit_table[u.type]
    if not ut.indirect:
        return f"{u.id} ({ut.label}) has no indirect fire"
    if u.fired:
        return f"{u.id} has already fired this turn"
    if why := _hex_check(state, o.target):
        return why
    gmap = state.map
    t = gmap.idx(o.target)
    d = gmap.distance(u.idx, t)
    if d > ut.range_hexes:
        return f"{gmap.describe(t)} is {d} hexes away; {u.id} reaches {ut.range_hexes}"
    if spotter_for(state, u.side, t) is None:
        return (f"no spotter: no friendly unit sees {gmap.describe(t)} and no recon drone covers it "
                "(indirect fire must be observed)")
    if not _known_enemy_at(state, u.side, t):
        return suspected_fire_refusal(state, u.side, t)
    return None


SUSPECTED_FIRE = "fire on a suspected position"
"""The source of the modifier of fire on a suspected position (`CombatRules.suspected_fire_modifier`)."""
SUSPECTED_HIT_REASON = "hit by fire on its suspected position"


_MARK_TURN = operator.attrgetter("turn")
_NO_MARKS: Mapping[int, tuple[Any, ...]] = MappingProxyType({})


def marks_by_hex(state: GameState, side: int) -> Mapping[int, tuple[Any, ...]]:
    """`side`'s last-seen marks (`engine.view.SideView.last_seen`: enemy units out of sight now) by hex, each list
    the freshest first (then by unit id); empty in a game that does not track sightings. Shared, so read-only (a
    mapping proxy of tuples): an agent reaches it through `SideView.marks_by_hex`, and an edit would change what the
    rules allow.

    Built once and kept (`GameState._memos`) while what the list depends on stands: the side's record of
    sightings (compared by value: tests and tools write into it), the enemies it sees now (`known_enemies`, the same
    list object while they are unchanged), the roster and strengths (a unit destroyed), and the log and its
    sightings (the losses the side saw). The doctrine's `fire_on_suspected` asked for it for every battery and mark
    (`SideView.suspected_fire_odds`), each a new view rebuilding the whole list."""
    if state.last_seen is None:
        return _NO_MARKS
    record = state.last_seen[side]
    known = known_enemies(state, side)
    log, sights = state.log, state.sightings
    key = (len(log), -1 if sights is None else len(sights), state.roster_version, state.strength_version)
    memo = state._memos.setdefault("rules.marks_by_hex", {})
    got = memo.get(side)
    if got is not None and got[0] is log and got[1] is known and got[2] == key and got[3] == record:
        return got[4]
    from engine.view import observe

    out: dict[int, list[Any]] = {}
    several = []
    for m in observe(state, side).last_seen:  # (by unit id)
        at = out.get(m.idx)
        if at is None:
            out[m.idx] = [m]
        else:
            if len(at) == 1:
                several.append(at)
            at.append(m)
    for at in several:  # the freshest first; a stable sort keeps the unit ids' order (reverse sorts are stable too)
        at.sort(key=_MARK_TURN, reverse=True)
    frozen = MappingProxyType({idx: tuple(at) for idx, at in out.items()})
    memo[side] = (log, known, key, dict(record), frozen)
    return frozen


def suspected_marks(state: GameState, side: int, idx: int) -> list[Any]:
    """`side`'s last-seen marks on hex `idx` (`engine.view.SideView.last_seen`: enemy units out of sight now),
    the freshest first (then by unit id): what fire on a suspected position is laid on."""
    if state.last_seen is None or state.units_at(idx, side):  # (its own unit there: the side knows it is empty)
        return []
    return list(marks_by_hex(state, side).get(idx, ()))


def mark_is_fresh(state: GameState, mark_turn: int) -> bool:
    """Whether a last-seen mark made on `mark_turn` may be fired on now (the combat table's
    `suspected_fire_max_age_turns`): the one rule the refusal, the legal targets, the odds and the UI all ask."""
    return state.turn - mark_turn <= state.scenario.combat.suspected_fire_max_age_turns


def suspected_fire_refusal(state: GameState, side: int, idx: int) -> str | None:
    """Why `side` may not fire on hex `idx`, which holds no enemy it knows of, as a suspected position (None: it
    may: the scenario allows it and the side has a last-seen mark there no older than its
    `suspected_fire_max_age_turns`). Range, spotter and the battery are `_check_fire`'s."""
    rules = state.scenario.combat
    no_enemy = f"no known enemy at {state.map.describe(idx)}"
    if not rules.suspected_fire:
        # (a mark the side still holds: not one of a unit it saw destroyed, nor on a hex its own unit stands on)
        return no_enemy + ("; fire on suspected positions is off in this scenario"
                           if suspected_marks(state, side, idx) else "")
    if state.last_seen is None:
        return (no_enemy + "; fire on a suspected position needs the game's last-seen marks, and this game does not "
                "track sightings")
    marks = suspected_marks(state, side, idx)
    if not marks:
        return no_enemy + " and no last-seen mark there"
    if not mark_is_fresh(state, marks[0].turn):
        age = rules.suspected_fire_max_age_turns
        limit = "only this turn's marks may be fired on" if age == 0 else f"older than {age} turn{'s' * (age != 1)}"
        return f"{no_enemy}; the last-seen mark there is from T{marks[0].turn}, {limit}"
    return None


def suspected_targets(state: GameState, side: int) -> frozenset[int]:
    """Hexes `side` may fire on as suspected positions (fresh marks), range and spotter aside: none when the
    scenario does not allow it or the game does not track sightings (`legal_orders` is then as it was)."""
    rules = state.scenario.combat
    if not rules.suspected_fire or state.last_seen is None:
        return frozenset()
    return frozenset(idx for idx, marks in marks_by_hex(state, side).items()
                     if mark_is_fresh(state, marks[0].turn) and not state.units_at(idx, side))


def suspected_fire_modifiers(state: GameState, spotter: str | None) -> list[Modifier]:
    """The modifiers of a mission on a suspected position: the spotter's (`artillery_modifiers`) and the
    suspected position's own (none when the scenario sets it to 0)."""
    mod = state.scenario.combat.suspected_fire_modifier
    return [Modifier(SUSPECTED_FIRE, mod)] * (mod != 0) + artillery_modifiers(state, spotter)


def _check_air(
    state: GameState, o: Strike | Recon, roles: tuple[str, ...], what: str
) -> tuple[Unit | None, str | None]:
    u, why = _unit_check(state, o.unit, "air", what)
    if why:
        return u, why
    ut = state.scenario.unit_table[u.type]
    if ut.air_role not in roles:
        return u, f"{u.id} ({ut.label}) cannot fly {what}"
    if state.grounded.get(u.id):
        return u, f"{u.id} is grounded: {state.grounded[u.id]}"
    if u.fired:
        return u, f"{u.id} has already flown this turn"
    if why := _hex_check(state, o.target):
        return u, why
    gmap = state.map
    t = gmap.idx(o.target)
    d = gmap.distance(u.idx, t)
    if d > ut.sortie_radius_hexes:
        return u, f"{gmap.describe(t)} is {d} hexes from the base; {u.id}'s radius is {ut.sortie_radius_hexes}"
    return u, None


def _check_strike(state: GameState, o: Strike) -> str | None:
    u, why = _check_air(state, o, ("strike", "loiter"), "strike sorties")
    if why:
        return why
    if not _known_enemy_at(state, u.side, state.map.idx(o.target)):
        return f"no spotted enemy at {state.map.describe(state.map.idx(o.target))}"
    return None


def _check_recon(state: GameState, o: Recon) -> str | None:
    return _check_air(state, o, ("recon",), "recon sorties")[1]


def _check_assault(state: GameState, o: Assault) -> str | None:
    u, why = _unit_check(state, o.unit, "assault", "assaults")
    if why:
        return why
    ut = state.scenario.unit_table[u.type]
    if ut.domain != "ground" or u.offmap or not ut.can_assault or ut.indirect:
        return f"{u.id} ({ut.label}) cannot assault"
    if u.fired:
        return f"{u.id} has already fought this turn"
    if u.cohesion <= 0:
        return f"{u.id} is broken (cohesion 0) and cannot assault"
    if why := _hex_check(state, o.target):
        return why
    gmap = state.map
    t = gmap.idx(o.target)
    if gmap.distance(u.idx, t) != 1:
        return f"{gmap.describe(t)} is not adjacent to {u.id}"
    if not _known_enemy_at(state, u.side, t):
        return f"no known enemy at {gmap.describe(t)}"
    return None


SANDBOX_ORDERS = (SandboxPlace, SandboxWeather, SandboxCloudBase, SandboxStrength, SandboxHide)
"""The educator's edits (`wargame play --sandbox`): refused in any other game."""


def _check_sandbox(state: GameState, o: Order) -> str | None:
    if not state.sandbox:
        return "sandbox orders need a game started in sandbox mode"
    if isinstance(o, SandboxWeather):
        if o.preset not in ("historical", *PRESETS):
            return f"unknown weather preset {o.preset!r}; expected historical, {', '.join(PRESETS)}"
        return None
    if isinstance(o, SandboxCloudBase):
        lo, hi = CLOUD_BASE_RANGE_M
        if type(o.ceiling_m) is not int or not lo <= o.ceiling_m <= hi:
            return f"a cloud base must be a whole number of metres from {lo} to {hi}, got {o.ceiling_m!r}"
        return None
    if not isinstance(o.unit, str) or o.unit not in state.unit_index:  # type: ignore[attr-defined]
        return f"unknown unit {o.unit!r}"  # type: ignore[attr-defined]
    if isinstance(o, (SandboxStrength, SandboxHide)):
        return _check_sandbox_unit(state, o)
    assert isinstance(o, SandboxPlace)
    if why := _hex_check(state, o.to):
        return why
    u = state.unit(o.unit)
    ut = state.scenario.unit_table[u.type]
    t = state.map.idx(o.to)
    # One refusal for every hex a ground unit may not be placed on, whatever the cause: its terrain, or an enemy
    # unit there, known to the unit's side or not. A refusal naming an enemy the side has not seen (it once read
    # "an enemy unit is at (c,r)") told the player where hidden enemies stood; worded apart from the terrain's it
    # would still tell it. (A refusal there cannot be avoided: two sides never share a hex.)
    if ut.domain == "ground" and (not state.map.enterable[ut.mobility][t] or state.units_at(t, 1 - u.side)):
        return (f"{u.id} cannot be placed at {state.map.describe(t)}: a sandbox placement needs a hex a "
                f"{MOBILITY_WORDS.get(ut.mobility, ut.mobility)} unit can stand on, with no enemy unit in it")
    if ut.domain == "ground" and state.map.no_go[u.side][t]:  # (as a start, a move, an arrival: public map data)
        return f"{u.id} cannot be placed at {state.map.describe(t)}: the hex is closed to the {SIDES[u.side]}"
    # The stack limit holds as for a Move, in its words; own units only (the unit itself, if there, not counted),
    # so the refusal tells nothing of the enemy.
    if ut.domain == "ground" and not u.offmap and sum(
            w is not u for w in state.units_at(t, u.side)) >= state.scenario.stack_limit:
        return f"{state.map.describe(t)} is full (stack limit {state.scenario.stack_limit})"
    return None


def _check_sandbox_unit(state: GameState, o: SandboxStrength | SandboxHide) -> str | None:
    """A strength or hidden-flag edit: of a unit on the map (placed, if it has not arrived yet: a placement brings
    it), alive; hidden only in cover, as a unit goes to ground (`GO_TO_GROUND`), a ground unit of a type that hides.
    The refusals tell nothing the screen does not (the unit's own hex and type)."""
    u = state.unit(o.unit)
    ut = state.scenario.unit_table[u.type]
    if u.strength <= 0:
        return f"{u.id} is destroyed: a sandbox edit does not bring it back"
    if not u.arrived or u.offmap:
        return f"{u.id} is not on the map: place it first (a sandbox placement)"
    if isinstance(o, SandboxStrength):
        if type(o.strength) is not int or not 1 <= o.strength <= ut.max_steps:
            return f"{u.id}'s strength must be 1 to {ut.max_steps} steps, got {o.strength!r}"
        return None
    if type(o.hidden) is not bool:
        return f"hidden must be true or false, got {o.hidden!r}"
    if o.hidden and (ut.domain != "ground" or not ut.can_hide):
        return f"{u.id} ({ut.label}) never hides"
    if o.hidden and state.map.concealment_list[u.idx] < 1:
        return (f"{u.id} cannot hide at {state.map.describe(u.idx)}: {state.map.terrain_at(u.idx).name} gives no "
                "cover (a unit hides in concealment 1 or more)")
    return None


_CHECKS: dict[type, Callable[[GameState, Order], str | None]] = {
    Move: _check_move, Fire: _check_fire, Strike: _check_strike, Recon: _check_recon, Assault: _check_assault,
}


def legal_orders(state: GameState, side: int | None = None) -> list[Order]:
    """Every legal order for `side` (default: the side to move) now, EndPhase included."""
    if state.outcome is not None:
        return []
    side = state.side if side is None else side
    if side != state.side:
        return []
    out: list[Order] = []
    gmap = state.map
    phase = state.phase
    mine = [u for u in state.units if u.side == side and u.active]
    if phase == "air":
        targets = sorted({e.idx for e in known_enemies(state, side)})
        for u in mine:
            ut = state.scenario.unit_table[u.type]
            if ut.domain != "air" or u.fired or state.grounded.get(u.id):
                continue
            dist = gmap.distances_from(u.idx)
            if ut.air_role in ("strike", "loiter"):
                out.extend(Strike(u.id, gmap.hex_refs[t]) for t in targets if dist[t] <= ut.sortie_radius_hexes)
            elif ut.air_role == "recon":
                out.extend(Recon(u.id, gmap.hex_of(int(t))) for t in np.flatnonzero(dist <= ut.sortie_radius_hexes))
    elif phase == "artillery":
        targets = sorted({e.idx for e in known_enemies(state, side)} | suspected_targets(state, side))
        for u in mine:
            ut = state.scenario.unit_table[u.type]
            if not ut.indirect or u.fired:
                continue
            for t in targets:
                if gmap.distance(u.idx, t) <= ut.range_hexes and spotter_for(state, side, t) is not None:
                    out.append(Fire(u.id, gmap.hex_refs[t]))
    elif phase == "movement":
        for u in mine:
            ut = state.scenario.unit_table[u.type]
            if ut.domain != "ground" or u.offmap or u.moved:
                continue
            out.extend(Move(u.id, gmap.hex_refs[i]) for i in sorted(legal_destinations(state, u)))
    elif phase == "assault":
        targets = {e.idx for e in known_enemies(state, side)}
        for u in mine:
            ut = state.scenario.unit_table[u.type]
            if ut.domain != "ground" or u.offmap or not ut.can_assault or ut.indirect or u.fired or u.cohesion <= 0:
                continue
            for j in gmap.nbr_list[u.idx]:
                if j >= 0 and j in targets:
                    out.append(Assault(u.id, gmap.hex_refs[j]))
    out.append(END_PHASE[SIDES[side]])
    return out


# ============================================================================================ apply
INFILTRATION_CONCEALMENT = 2
"""The concealment a hex needs for an infiltrating unit to move through it unseen (forest, ravines)."""

_HEX_FIELD = {Move: "to", Fire: "target", Strike: "target", Recon: "target", Assault: "target", SandboxPlace: "to"}


def _well_formed(order: Order) -> Order:
    """`order` with its hex as a (col, row) tuple of ints: integers of any kind (numpy's, which an AI scoring
    hexes with numpy produces) become ints, so that the order is saved and compared like any other; anything
    else (floats, None, three numbers) is refused with IllegalOrder, state unchanged."""
    field = _HEX_FIELD.get(type(order))
    if field is None:
        return order
    h = getattr(order, field)
    if type(h) is tuple and len(h) == 2 and type(h[0]) is int and type(h[1]) is int:
        return order
    try:
        if isinstance(h, (str, bytes)) or len(h) != 2 or isinstance(h[0], bool) or isinstance(h[1], bool):
            raise TypeError
        col, row = operator.index(h[0]), operator.index(h[1])
    except (TypeError, ValueError):
        raise IllegalOrder(f"{type(order).__name__}.{field} must be a hex as (col, row) integers, got {h!r}") from None
    return attrs.evolve(order, **{field: (col, row)})


def apply(state: GameState, order: Order) -> list[Event]:
    """Validate and execute `order`; returns the events it caused. Illegal ⇒ IllegalOrder, state unchanged."""
    memo = state._check_memo
    if memo is not None and memo[1] is order and memo[0] == state.version:
        reason = memo[2]  # this very order was checked just now (an agent's `check`): well formed, and this answer
    elif type(order) is EndPhase:  # (well formed; its check is two comparisons, cheaper than the memo's round trip)
        reason = _check(state, order)
    else:
        order = _well_formed(order)
        reason = _check_remembered(state, order)
    if reason is not None:
        raise IllegalOrder(reason)
    return apply_unchecked(state, order)


def apply_unchecked(state: GameState, order: Order) -> list[Event]:
    """The fast path for callers that only generate legal orders (AIs using `legal_orders`)."""
    log = state.log
    n0 = len(log)
    turn, side, phase_i = state.turn, state.side, state.phase_i
    _EXECUTE[type(order)](state, order)
    state.orders.append(order)
    state.phase_orders = (state.phase_orders + 1 if phase_i == state.phase_i and side == state.side
                          and turn == state.turn else 0)
    state.version += 1  # (`bump`)
    if state.known_control is not None:
        _learn_control(state)
    return log[n0:]


def _do_end_phase(state: GameState, o: EndPhase) -> None:
    if state.phase_i < len(PHASES) - 1:
        state.phase_i += 1
        _emit(state, PhaseStarted.make(turn=state.turn, side=SIDES[state.side], phase=PHASES[state.phase_i]))
        return
    side = state.side
    _end_side(state, side)
    if side == ATTACKER:
        _begin_side(state, DEFENDER)
    else:
        _end_turn(state)


def move_reveal_reason(state: GameState, u: Unit, path: list[int], name_hex: bool = True) -> str | None:
    """Why moving `u` along `path` (hex indices, start first) gives its position away, or None if the terrain
    lets it move unseen: only infiltrating units, and only through hexes of concealment 2 or more (judged on
    the route ordered, from its first step). `name_hex`: say where the route leaves cover (the owner's preview;
    the reveal event, which the enemy may read, must not name a hex it never saw)."""
    gmap = state.map
    if not state.scenario.unit_table[u.type].infiltrates:
        kinds = gmap.derived.get("rules.infiltrators")
        if kinds is None:
            table = state.scenario.unit_table
            kinds = gmap.derived["rules.infiltrators"] = ", ".join(
                sorted(t.label for t in table.values() if t.infiltrates)) or "none in this scenario"
        return f"only infiltrating units move unseen ({kinds})"
    conceal = gmap.concealment_list
    for i in path[1:]:
        if conceal[i] < INFILTRATION_CONCEALMENT:
            cover = gmap.derived.get("rules.cover_terrain")
            if cover is None:  # the terrain an infiltrator moves unseen in, by name: what a class understands
                cover = gmap.derived["rules.cover_terrain"] = " or ".join(
                    t.name.lower() for t in state.scenario.terrain_table.values()
                    if t.concealment >= INFILTRATION_CONCEALMENT) or "none"
            if not name_hex:
                return f"its route left cover (infiltrators move unseen only through {cover})"
            return (f"the path leaves cover at {gmap.describe(i)}: infiltrators move unseen only through {cover} "
                    f"(concealment 2 or more; here {conceal[i]})")
    return None


def _ambush_candidates(state: GameState, mover: Unit, idx: int) -> list[Unit]:
    around = state.map.nbr_list[idx]
    out = []
    for e in state.ground_units(1 - mover.side):
        if e.hidden and e.idx in around and ambush_refusal(state, e) is None:
            out.append(e)
    return out


def _no_ambush_ground(state: GameState, e: Unit) -> str:
    """"; no ambush: hills gives none" when hidden unit `e`, of a type that sets ambushes, is found next to a mover
    because its ground gives no ambush (the ambush lesson's contrast, which the log never said: a class read only
    "contact"). Only the ground, which both sides see: that it had fired or was broken stays its side's secret."""
    if not state.scenario.unit_table[e.type].can_ambush or state.map.ambush_list[e.idx] > 0:
        return ""
    return f"; no ambush: {state.map.terrain_at(e.idx).name} gives none"


GO_TO_GROUND = ("it goes to ground at the end of its side's turn if it has not fired, stands in cover (concealment 1 "
                "or more) and has no enemy next to it")
"""The rule of `_end_side` in words (`ambush_refusal`)."""


def ambush_refusal(state: GameState, e: Unit) -> str | None:
    """Why unit `e` cannot fire from ambush now, at an enemy entering a hex next to it (None: it can); the words
    before " (" are its short form. The one rule the move's ambush check (`_ambush_candidates`) and a player's unit
    panel both ask: a defender playtest could tell why an ambush fired (its log line) but never why one of its
    parties did not."""
    et = state.scenario.unit_table[e.type]
    if not et.can_ambush:
        return f"its type ({et.label}) does not set ambushes"
    if e.strength <= 0 or e.offmap:
        return "it is not on the map"
    if state.map.ambush_list[e.idx] <= 0:  # (first: going to ground would not help here)
        return (f"{state.map.terrain_at(e.idx).name} gives no ambush (only terrain with an ambush bonus does: the "
                "terrain table's ambush column)")
    if not e.hidden:
        return f"it is seen (it must go to ground first: {GO_TO_GROUND})"
    if e.fired:
        return "it has already fired this turn"
    if e.cohesion <= 0:
        return "it is broken (cohesion 0)"
    return None


def _ambush(state: GameState, ambusher: Unit, mover: Unit) -> list[Event]:
    odds = combat.fire_odds(state, ambusher, mover, "ambush")
    res = combat.resolve(state, odds)
    ambusher.fired = True
    state.score.ambushes_sprung[SIDES[ambusher.side]] += 1
    evs: list[Event] = [AmbushSprung.make(turn=state.turn, side=SIDES[ambusher.side], ambusher=ambusher.id,
                                          target=mover.id, hex=state.map.hex_of(ambusher.idx),
                                          target_hex=state.map.hex_of(mover.idx), fire=res)]
    evs.extend(combat.apply_losses(state, mover, res.losses, "ambush", ambusher.type))
    return evs


def _ambush_withdrawal(state: GameState, e: Unit) -> list[Event]:
    """An ambusher whose type has `ambush_withdraw` breaks contact once it has fired: it slips into a neighbouring
    hex it can enter, with concealment (so that it can go to ground again at the end of its side), no enemy unit its
    side knows of in it or next to it, and room in the stack; a hex within its side's supply range first (as the map
    has it, no enemy counted: a playtest saw a party slip from a supplied hex into one its porters could never
    reach, and fight on out of supply), then the best ambush terrain, then the best cover, then the lower hex index.
    The choice reads only what its side knows: an unseen enemy in the chosen hex stops it (it runs into it, and both
    are in contact), an unseen one next to it is met there (contact: revealed). Logged as its move of one hex
    (`UnitMoved` with `why`, right after the ambush and the reveal: the enemy sees the part of it it sees), with
    what a move's step brings: the hex taken for its side, seen hidden friends there revealed. It stays revealed
    until it goes to ground. No such hex: it stays in contact, as without the rule."""
    if e.strength <= 0 or not state.scenario.unit_table[e.type].ambush_withdraw:
        return []
    gmap = state.map
    state.bump()  # (the knowledge below is judged after the move and the ambush)
    conceal, ambush = gmap.concealment_list, gmap.ambush_list
    supply_reach = supply.reach_without_enemies(state, e.side)[1]  # (the map's, no enemy counted: all it knows)
    best = None
    for j in _withdrawal_hexes(state, e):
        key = (not np.isfinite(supply_reach[j]), -ambush[j], -conceal[j], j)
        if best is None or key < best:
            best = key
    if best is None:
        return []
    j = best[-1]
    mobility = state.scenario.unit_table[e.type].mobility
    cost = gmap.edge_cost[mobility]
    why = "breaks contact after firing from ambush: ambush parties slip away once they have fired"
    out: list[Event] = []
    blockers = state.units_at(j, 1 - e.side)
    if blockers:  # an enemy it did not know of holds the hex: it runs into it and stays where it fired
        _reveal(state, blockers[0], f"{e.id} ran into it breaking contact", out)
        return out
    frm = e.idx
    e.idx = j
    state.touch(roster=False, side=e.side)
    # a move of one hex, logged as one: the enemy's log shows as much of it as the enemy sees (`view.glimpse`),
    # and where it last saw the party is where it lost sight of it, not a hex in the ravine it cannot see
    out.append(UnitMoved.make(turn=state.turn, side=SIDES[e.side], unit=e.id, path=[gmap.hex_refs[frm],
                              gmap.hex_refs[j]], cost=round(float(cost[frm, gmap.direction_between(frm, j)]), 2),
                              why=why))
    if state.control[j] != e.side:
        _set_control(state, j, e.side, e, sink=out)
    mates = [v for v in state.units_at(j, e.side) if v.hidden]  # (it is seen: a seen hex shows the whole stack)
    for v in mates if mates and visible_hexes(state, 1 - e.side)[j] else ():
        state.set_hidden(v, False)
        out.append(UnitRevealed.make(turn=state.turn, side=SIDES[v.side], unit=v.id, hex=gmap.hex_refs[j],
                                     reason=f"{e.id} was seen moving onto its hex"))
    around = gmap.nbr_list[j]
    for x in [x for x in state.ground_units(1 - e.side) if x.hidden and x.idx in around]:
        _reveal(state, x, f"contact with {e.id}", out)
    return out


def _withdrawal_hexes(state: GameState, e: Unit) -> list[int]:
    """The hexes ambusher `e` may break contact into (`_ambush_withdrawal`), as its side knows the enemy: next to it,
    enterable, outside its no-go areas, with concealment, room in the stack, and no enemy it knows of in or next to
    them."""
    gmap = state.map
    cost = gmap.edge_cost[state.scenario.unit_table[e.type].mobility]
    own = state.occupancy()[e.side]
    enemy_at, enemy_zone = known_enemy_hexes(state, e.side)  # what its side knows: never an unseen enemy
    conceal = gmap.concealment_list
    out = []
    for d, j in enumerate(gmap.nbr_list[e.idx]):
        if (j < 0 or not np.isfinite(cost[e.idx, d]) or gmap.no_go[e.side][j] or j in enemy_at or j in enemy_zone
                or own[j] >= state.scenario.stack_limit or conceal[j] < 1):
            continue
        out.append(j)
    return out


def _in_cover(conceal: list[int], path: list[int]) -> bool:
    """Does every hex of `path` after its first give an infiltrator cover (`INFILTRATION_CONCEALMENT`)?"""
    return all(conceal[i] >= INFILTRATION_CONCEALMENT for i in path[1:])


def _do_move(state: GameState, o: Move) -> None:
    gmap = state.map
    u = state.unit(o.unit)
    ut = state.scenario.unit_table[u.type]
    got = state._checked_reach  # the reach the legality check just used, if nothing changed since
    r = got[2] if got is not None and got[0] == state.version and got[1] is o else reach(state, u)
    path, path_cost = walk_of(r, gmap.idx(o.to), state.reach_workspace()[3])  # the search's output: free now
    u.moved = True
    conceal = gmap.concealment_list  # (a list: a numpy scalar read costs more than the comparison it feeds)
    quiet = ut.infiltrates and _in_cover(conceal, path)
    walked = [path[0]]
    stopped: str | None = None
    later: list[Event] = []
    fired_from_ambush: list[Unit] = []
    was_hidden = u.hidden
    if not quiet:
        state.set_hidden(u, False)
    enemy_hexes = state.hexes_of(1 - u.side)  # enemies do not move while this unit does
    enemy_zone = state.zone_of(1 - u.side)
    nbr = gmap.nbr_list
    control = state.control
    # the caches learn of the mover's new hex (`touch`) only before something may read them: on the quiet
    # steps nothing does, so a move through open country touches them once, at its end
    untouched = False
    for step in path[1:]:
        blockers = state.units_at(step, 1 - u.side) if step in enemy_hexes else []
        if blockers:  # hidden enemy in the way: bump into it
            if untouched:
                state.touch(roster=False, side=u.side)
                untouched = False
            b = blockers[0]
            stopped = f"ran into {b.id}, unseen until then, at {gmap.describe(step)}"
            for e in _ambush_candidates(state, u, u.idx):
                later.extend(_ambush(state, e, u))
                _reveal(state, e, "fired from ambush", later)  # (as an ambush on the way reveals its ambusher)
                fired_from_ambush.append(e)
                if u.strength <= 0:
                    break
            _reveal(state, b, f"{u.id} ran into it", later)
            break
        u.idx = step
        untouched = True
        walked.append(step)
        take = control[step] != u.side
        if not take and state.known_control is not None:  # seen crossing its side's hexes, it shows the enemy
            state.control_news.append((step, u.side, u.hidden))  # they are held
        if step not in enemy_zone:
            if take:
                _set_control(state, step, u.side, u, sink=later)
            continue  # no enemy next to this hex: no ambush, no contact
        state.touch(roster=False, side=u.side)
        untouched = False
        ambushers = _ambush_candidates(state, u, step)
        if ambushers:
            names = ", ".join(e.id for e in ambushers)
            stopped = f"ambushed by {names}"
            for e in ambushers:
                if u.strength <= 0:
                    break
                later.extend(_ambush(state, e, u))
                _reveal(state, e, "fired from ambush", later)
                fired_from_ambush.append(e)
        if take and u.strength > 0:  # (after the ambush it ran into: a unit destroyed entering the hex takes nothing)
            _set_control(state, step, u.side, u, sink=later)
        if ambushers:
            break
        around = nbr[step]
        contacts = []
        for e in state.ground_units(1 - u.side):  # (a loop: a comprehension's closure would cost every move a cell)
            if e.hidden and e.idx in around:
                contacts.append(e)
        if contacts:
            for e in contacts:  # (an infiltrator passing unseen is not named: its move is not in the enemy's log)
                why = f"contact with {u.id}" if not u.hidden else "contact with an unseen enemy"
                _reveal(state, e, why + _no_ambush_ground(state, e), later)
            if not (ut.infiltrates and conceal[step] >= INFILTRATION_CONCEALMENT):
                stopped = f"contact with {contacts[0].id}"
                break
    if untouched:
        state.touch(roster=False, side=u.side)
    if u.hidden is False and was_hidden and not quiet:
        later.insert(0, UnitRevealed.make(turn=state.turn, side=SIDES[u.side], unit=u.id, hex=gmap.hex_of(walked[0]),
                                          reason=move_reveal_reason(state, u, path, name_hex=False) or "moved",
                                          setting_out=True))
    if u.hidden and u.idx in enemy_zone:  # enemies did not move (nor leave play) during this move
        state.set_hidden(u, False)
        later.append(UnitRevealed.make(turn=state.turn, side=SIDES[u.side], unit=u.id, hex=gmap.hex_refs[u.idx],
                                       reason="in contact with the enemy"))
    alone = 1 if u.strength > 0 else 0  # the mover itself, if still in play
    if not u.hidden and state.positions(u.side).count(u.idx) > alone:  # others of its side on the hex
        # a seen position shows the whole stack; unseen, the stack stays hidden (what the enemy sees is asked
        # only when there is a hidden unit to give away: it makes the enemy's picture anew mid-move)
        mates = [v for v in state.units_at(u.idx, u.side) if v.hidden]
        for v in mates if mates and visible_hexes(state, 1 - u.side)[u.idx] else ():
            state.set_hidden(v, False)
            later.append(UnitRevealed.make(turn=state.turn, side=SIDES[v.side], unit=v.id, hex=gmap.hex_refs[v.idx],
                                           reason=f"{u.id} was seen moving onto its hex"))
    for e in fired_from_ambush:
        later.extend(_ambush_withdrawal(state, e))
    cost = path_cost[len(walked) - 1]  # where it stopped, on its path
    refs = gmap.hex_refs
    hexes = []
    for i in walked:  # (a loop: a comprehension's closure would cost every move a cell)
        hexes.append(refs[i])
    # hidden all the way (quiet), the move itself was not seen, even if the unit is seen where it ends
    _emit(state, UnitMoved.make(turn=state.turn, side=SIDES[u.side], unit=u.id, path=hexes, cost=round(cost, 2),
                                stopped=stopped), *later, first_unseen_by=1 - u.side if quiet and was_hidden else None)
    state.bump()


def _ad_engagements(state: GameState, drone: Unit, idx: int) -> tuple[list[AirDefenceEngaged], bool]:
    gmap = state.map
    out: list[AirDefenceEngaged] = []
    table = state.scenario.unit_table
    units = state.ground_units(1 - drone.side)
    got = state._ad_cache.get(drone.side)  # the enemy's air-defence units, while its roster lasts
    if got is None or got[0] is not units:
        got = state._ad_cache[drone.side] = (units, [])
        for u in units:  # (a loop: a comprehension's closure would cost every call a cell)
            if table[u.type].ad_range_hexes > 0:
                got[1].append(u)
    for ad in got[1]:
        at = table[ad.type]
        if gmap.distance(ad.idx, idx) > at.ad_range_hexes:
            continue
        p = round(at.ad_kill_p * (state.scenario.combat.ad_broken_kill_factor if ad.cohesion <= 0 else 1.0), 4)
        roll = float(state.rng.random())
        down = roll < p
        out.append(AirDefenceEngaged.make(turn=state.turn, side=SIDES[ad.side], ad_unit=ad.id, drone=drone.id,
                                          hex=gmap.hex_refs[idx], p_kill=p, roll=combat.round6(roll), shot_down=down))
        if down:
            return out, True
    return out, False


def _drone_lost(state: GameState, drone: Unit, shot_by: Unit, over: int) -> list[Event]:
    """`shot_by`: the air-defence unit whose engagement brought the drone down (credited with the step, as
    every other loss is credited to the type that caused it); `over`: the hex of the sortie, where the last
    drone of the unit falls (not its base, the unit's hex, which the log named)."""
    state.score.drones_lost[SIDES[drone.side]] += 1
    out = combat.apply_losses(state, drone, 1, "air defence", shot_by.type)
    for ev in out:
        ev.hex = state.map.hex_refs[over]
    return out


def strike_target(state: GameState, side: int, idx: int) -> Unit:
    """The known enemy a drone strike on `idx` hits: heavy weapons first, air defence before all."""
    prio = {"air_defence": 0, "mlrs": 1, "howitzer": 2, "tank": 3, "mech_infantry": 4, "motor_rifle": 5}
    cands = _known_enemy_at(state, side, idx)
    return min(cands, key=lambda e: (not state.scenario.unit_table[e.type].heavy, prio.get(e.type, 9), -e.strength,
                                     state.unit_index[e.id]))


def _do_strike(state: GameState, o: Strike) -> None:
    gmap = state.map
    u = state.unit(o.unit)
    ut = state.scenario.unit_table[u.type]
    t = gmap.idx(o.target)
    side = SIDES[u.side]
    u.fired = True
    state.score.drone_sorties_flown[side] += 1
    target = strike_target(state, u.side, t)
    engagements, down = _ad_engagements(state, u, t)
    after: list[Event] = []
    fire = []
    if down:
        after = _drone_lost(state, u, state.unit(engagements[-1].ad_unit), t)
    else:
        res = combat.resolve(state, combat.fire_odds(state, u, target, "strike"))
        fire.append(res)
        after = combat.apply_losses(state, target, res.losses, "drone", u.type)
        if ut.expendable:
            u.strength -= 1
            state.touch()
    _emit(state, DroneStrike.make(turn=state.turn, side=side, unit=u.id, target_hex=gmap.hex_refs[t],
                                  engagements=engagements, aborted=down, fire=fire,
                                  expended=ut.expendable and not down,
                                  munitions_left=max(u.strength, 0) if ut.expendable and not down else -1),
          *after)


def _do_recon(state: GameState, o: Recon) -> None:
    gmap = state.map
    u = state.unit(o.unit)
    ut = state.scenario.unit_table[u.type]
    t = gmap.idx(o.target)
    side = SIDES[u.side]
    u.fired = True
    state.score.recon_sorties[side] += 1
    engagements, down = _ad_engagements(state, u, t)
    detected: list[str] = []
    after: list[Event] = []
    if down:
        after = _drone_lost(state, u, state.unit(engagements[-1].ad_unit), t)
    else:
        covered = gmap.within(t, ut.recon_radius_hexes)
        state.recon_cover[u.side][covered] = True
        state.recon_version += 1
        state.bump()  # what each side sees changed: knowledge cached at this version is stale
        cover = set(covered.tolist())
        for e in state.ground_units(1 - u.side):
            if e.hidden and e.idx in cover:
                if recon_finds(int(gmap.concealment[e.idx]), ut.detect, state.scenario.unit_table[e.type].signature):
                    detected.append(e.id)
    _emit(state, ReconFlown.make(turn=state.turn, side=side, unit=u.id, center=gmap.hex_refs[t],
                                 radius=ut.recon_radius_hexes, engagements=engagements, shot_down=down,
                                 detected=detected), *after)
    for uid in detected:
        e = state.unit(uid)
        _reveal(state, e, f"detected by {u.id} (concealment {int(gmap.concealment[e.idx])} < detect "
                          f"{ut.detect} + signature {state.scenario.unit_table[e.type].signature})")
    state.bump()


def artillery_modifiers(state: GameState, spotter: str | None) -> list[Modifier]:
    """Modifiers of an artillery mission that come from its spotter (`visibility.spotter_for`): the ones the
    resolution (`_do_fire`) and every preview (`SideView.fire_odds`) pass to `combat.fire_odds`."""
    adjust = state.scenario.combat.recon_adjust_modifier
    if spotter == "recon drone" and adjust:
        return [Modifier("fire adjusted by recon drone", adjust)]
    return []


def fire_reveal_reason(u: Unit) -> str | None:
    """Why a fire mission by `u` gives its position away (None: it stays as it is): a hidden battery on the map is
    revealed by its muzzle flashes; an off-map one is not on the map to be seen. The fire preview says it too."""
    if not u.offmap and u.hidden:
        return "its fire gives the battery away"
    return None


def _open_mission(state: GameState, u: Unit, t: int) -> tuple[str, str | None, list[Event]]:
    """What every fire mission of battery `u` on hex `t` does first, on a known enemy or a suspected position:
    (its side's name, its spotter, the events that follow the mission's own: the battery given away)."""
    side = SIDES[u.side]
    spotter = spotter_for(state, u.side, t)
    if spotter == "recon drone":
        state.score.drone_spotted_missions[side] += 1
    u.fired = True
    after: list[Event] = []
    if reveal := fire_reveal_reason(u):
        state.set_hidden(u, False)
        after.append(UnitRevealed.make(turn=state.turn, side=side, unit=u.id, hex=state.map.hex_refs[u.idx],
                                       reason=reveal))
    state.score.artillery_missions[side] += 1
    return side, spotter, after


def _do_fire(state: GameState, o: Fire) -> None:
    gmap = state.map
    u = state.unit(o.unit)
    t = gmap.idx(o.target)
    if state.scenario.combat.suspected_fire and not _known_enemy_at(state, u.side, t):
        _do_suspected_fire(state, u, t)  # (`_check_fire` allowed it: a fresh last-seen mark there)
        return
    side, spotter, after = _open_mission(state, u, t)
    extra = artillery_modifiers(state, spotter)
    fire = []
    # the mission is laid on the units its side sees there, as a strike is and as the preview counts them: a
    # hidden unit in the same hex is not its target (and the results would name it to the firer)
    for e in _known_enemy_at(state, u.side, t):
        res = combat.resolve(state, combat.fire_odds(state, u, e, "artillery", extra))
        fire.append(res)
    for res in fire:
        after.extend(combat.apply_losses(state, state.unit(res.target), res.losses, "artillery", u.type))
    _emit(state, ArtilleryFired.make(turn=state.turn, side=side, unit=u.id, target_hex=gmap.hex_refs[t],
                                     spotter=spotter or "?", fire=fire), *after)


def _do_suspected_fire(state: GameState, u: Unit, t: int) -> None:
    """Fire on a suspected position: at every enemy unit in hex `t`, hidden ones included, in scenario order, with
    the suspected position's modifier. A unit that loses a step is revealed (and its stack with it). The firer's
    side reads only what its observer sees (`SuspectedFire`: results on units now seen); a unit that stays hidden
    reads its own result (`HiddenUnitShelled`, private to its side)."""
    gmap = state.map
    mark_turn = suspected_marks(state, u.side, t)[0].turn
    side, spotter, after = _open_mission(state, u, t)
    extra = suspected_fire_modifiers(state, spotter)
    state.score.suspected_fire_missions[side] += 1
    shot = [(e, combat.resolve(state, combat.fire_odds(state, u, e, "artillery", extra)))
            for e in list(state.units_at(t, 1 - u.side))]
    for e, res in shot:
        after.extend(combat.apply_losses(state, e, res.losses, "artillery", u.type))
        if res.losses and e.strength > 0 and e.hidden:
            _reveal(state, e, SUSPECTED_HIT_REASON, after)
    seen = [res for e, res in shot if not e.hidden]
    unseen = [HiddenUnitShelled.make(turn=state.turn, side=SIDES[e.side], unit=e.id, hex=gmap.hex_refs[t],
                                     firer=u.id, fire=res) for e, res in shot if e.hidden]
    _emit(state, SuspectedFire.make(turn=state.turn, side=side, unit=u.id, target_hex=gmap.hex_refs[t],
                                    spotter=spotter or "?", mark_turn=mark_turn, modifiers=extra, fire=seen),
          *after, *unseen)


def _retreat_hex(state: GameState, u: Unit, attacker: Unit) -> int | None:
    gmap = state.map
    ut = state.scenario.unit_table[u.type]
    occ = state.occupancy()
    occ_own, occ_enemy = occ[u.side], occ[1 - u.side]
    cost = gmap.edge_cost[ut.mobility]
    best = None
    for d, j in enumerate(gmap.nbr_list[u.idx]):
        if (j < 0 or not np.isfinite(cost[u.idx, d]) or occ_enemy[j] or gmap.no_go[u.side][j]
                or occ_own[j] >= state.scenario.stack_limit):
            continue
        key = (-gmap.distance(j, attacker.idx), j)
        if best is None or key < best[0]:
            best = (key, j)
    return None if best is None else best[1]


def _do_assault(state: GameState, o: Assault) -> None:
    gmap = state.map
    a = state.unit(o.unit)
    t = gmap.idx(o.target)
    side = SIDES[a.side]
    from_idx = a.idx
    a_odds, d_odds = combat.assault_odds(state, a, t)
    defenders = state.units_at(t, 1 - a.side)
    # (loops, not comprehensions: each is a function object and a call in Python 3.11, one reading `state` a
    # cell at every call of this function)
    names, broken_before = [], set()
    for d in defenders:
        names.append(d.id)
        if d.cohesion <= 0:
            broken_before.add(d.id)
    a_res = combat.resolve(state, a_odds)
    d_res = []
    for od in d_odds:
        d_res.append(combat.resolve(state, od))
    a.fired = True
    state.set_hidden(a, False)
    state.score.assaults[side] += 1
    after: list[Event] = []
    after.extend(combat.apply_losses(state, state.unit(a_res.target), a_res.losses, "assault", a.type))
    returned, top = 0, d_res[0]  # the steps the return fire takes, and the defender whose fire took most
    for r in d_res:
        returned += r.losses
        if r.losses > top.losses:
            top = r
    att_losses = returned if returned < a.strength else a.strength
    after.extend(combat.apply_losses(state, a, att_losses, "assault", state.unit(top.firer).type))
    alive = []
    for d in defenders:
        state.set_hidden(d, False)
        if d.strength > 0:
            alive.append(d)
    main = state.unit(a_res.target)
    advanced = False
    # (the main defender's cohesion is not given: the enemy cannot see it, and reads this line; it shows only
    # as the defence breaking or holding, as the return fire's "broken"/"shaken" modifiers show it)
    lost = f"steps lost: {main.id} {a_res.losses}, {a.id} {att_losses}"
    if a.strength <= 0:
        result = "assaulting unit destroyed"
        why = ""  # (the result says it all)
    elif not alive:
        result = "defenders destroyed"
        why = ""
        advanced = _advance(state, a, t)
    elif main.strength <= 0 or main.cohesion <= 0 or (a_res.losses >= 2 and a_res.losses > att_losses):
        # (a main defender destroyed, the others stacked with it still there, breaks the defence: until 0.30.0 it
        # kept the cohesion its last step left it, and the log said it "held")
        why = (f"{main.id} was destroyed; {lost}" if main.strength <= 0
               else f"{main.id} {'was already broken' if main.id in broken_before else 'broke'}; {lost}"
               if main.cohesion <= 0 else f"{main.id} lost 2 or more steps and more than the attacker; {lost}")
        for d in alive:
            j = _retreat_hex(state, d, a)
            frm = gmap.hex_refs[d.idx]
            if j is None:
                after.append(UnitRetreated.make(turn=state.turn, side=SIDES[d.side], unit=d.id, from_hex=frm, hex=None,
                                                reason="broken, surrounded"))
                after.extend(combat.apply_losses(state, d, d.strength, "surrender", a.type))
            else:
                d.idx = j
                state.touch(roster=False, side=d.side)  # positions changed: the next retreat must see this one
                d.cohesion = 0
                if d.id in broken_before:  # a unit already broken (by fire or a rout) loses men and equipment
                    after.append(UnitRetreated.make(turn=state.turn, side=SIDES[d.side], unit=d.id, from_hex=frm,
                                                    hex=gmap.hex_refs[j], steps_lost=1,
                                                    reason="broken before the assault: one step lost in the rout"))
                    after.extend(combat.apply_losses(state, d, 1, "retreat", a.type))
                else:
                    after.append(UnitRetreated.make(turn=state.turn, side=SIDES[d.side], unit=d.id, from_hex=frm,
                                                    hex=gmap.hex_refs[j], reason="defence broken"))
                if d.strength > 0:  # it stands on the hex now, as a move, a withdrawal or an advance would
                    _set_control(state, j, d.side, d, witnessed=True, sink=after)
        result = "defenders retreat"
        advanced = _advance(state, a, t)
    else:
        result = "assault repulsed"
        why = (f"{main.id} held: not broken, and lost "
               f"{'fewer than 2 steps' if a_res.losses < 2 else 'no more steps than the attacker'}; {lost}")
        a.cohesion = max(0, a.cohesion - 1)
    if advanced:
        result += "; the assaulting unit advances"
    _emit(state, AssaultResolved.make(turn=state.turn, side=side, attacker=a.id, hex=gmap.hex_refs[from_idx],
                                      target_hex=gmap.hex_refs[t],
                                      defenders=names, attacker_fire=[a_res], defender_fire=d_res,
                                      result=result, advanced=advanced, main_defender=main.id, why=why), *after)
    if advanced:
        _set_control(state, t, a.side, a, witnessed=True)
    state.bump()


def advance_blocked(state: GameState, a: Unit, t: int) -> str | None:
    """Why `a`, winning an assault on the adjacent hex `t`, could not advance into it whatever the dice (the map:
    a hexside its mobility cannot cross, a hex closed to its side); None if it could. What the assault
    preview says, and what `_advance` checks first."""
    gmap = state.map
    ut = state.scenario.unit_table[a.type]
    d = gmap.direction_between(a.idx, t)
    if not np.isfinite(gmap.edge_cost[ut.mobility][a.idx, d]):
        if gmap.cliff_up[a.idx, d]:
            return f"{ut.mobility} units cannot climb the cliff into it"
        return f"{ut.mobility} units cannot cross into it"
    if gmap.no_go[a.side][t]:
        return f"the hex is closed to the {SIDES[a.side]}"
    return None


def _advance(state: GameState, a: Unit, t: int) -> bool:
    if advance_blocked(state, a, t) is not None:
        return False
    if state.units_at(t, 1 - a.side) or state.positions(a.side).count(t) >= state.scenario.stack_limit:
        return False
    a.idx = t
    state.touch(roster=False, side=a.side)
    return True


def _do_sandbox(state: GameState, o: Order) -> None:
    gmap = state.map
    if isinstance(o, (SandboxStrength, SandboxHide)):
        u = state.unit(o.unit)
        if isinstance(o, SandboxStrength):
            what = f"{u.id} strength set to {o.strength}/{state.scenario.unit_table[u.type].max_steps}"
            u.strength = o.strength
        else:
            what = f"{u.id} {'hidden' if o.hidden else 'revealed'} at {gmap.describe(u.idx)}"
            u.hidden = o.hidden
        # (seen as a placement is: by its own side, by the enemy only if the unit stands unhidden in its view)
        _emit(state, SandboxEdit.make(turn=state.turn, description=what, side=SIDES[u.side], unit=u.id,
                                      hex=gmap.hex_refs[u.idx]))
        state.touch()
        return
    if isinstance(o, (SandboxWeather, SandboxCloudBase)):
        was, held_was = state.weather, state.weather_held
        if isinstance(o, SandboxCloudBase):  # (the rest of the weather as it is now: fog, visibility, rain)
            name = f"cloud base {o.ceiling_m} m"
            state.weather_override = attrs.evolve(state.weather, turn=state.turn, ceiling_m=float(o.ceiling_m))
        elif o.preset == "historical":
            name = "historical"
            state.weather_override = None
        else:
            name = o.preset
            c, v, f, p = PRESETS[o.preset]
            state.weather_override = WeatherTurn(state.turn, c, v, f, p)
        if state.weather_override is None:
            state.weather_held = None
            until = " (the scenario's, turn by turn)"
        else:
            same = held_was is not None and held_was[0] == name
            state.weather_held = held_was if same else (name, state.turn)
            until = " (it holds until the sandbox changes it)"
        state.update_clock()
        if state.weather == was and state.weather_held == held_was:  # the turn's report and air status stand
            _emit(state, SandboxEdit.make(turn=state.turn, description=f"weather set to {name} (unchanged)"))
            return
        _emit(state, SandboxEdit.make(turn=state.turn, description=f"weather set to {name}{until}"))
        _weather_events(state)  # (it counts grounded drones once a turn, however often it is said)
        return
    u = state.unit(o.unit)
    u.idx = gmap.idx(o.to)
    u.arrived = True
    domain = state.scenario.unit_table[u.type].domain
    taken: list[Event] = []
    if domain == "ground":  # (taken as a move takes it: the enemy learns of it if it sees the unit there)
        _set_control(state, u.idx, u.side, u, sink=taken)
    _emit(state, SandboxEdit.make(turn=state.turn, description=f"{u.id} placed at {gmap.describe(u.idx)}",
                                  side=SIDES[u.side], unit=u.id, hex=gmap.hex_refs[u.idx]), *taken)
    if domain == "air" and u.id not in state.grounded and u.strength > 0:  # (joined the turn after its report:
        _air_status(state, u, False)  # unjudged, it flew in any weather)
        state.bump()
    state.touch()


_EXECUTE: dict[type, Callable[[GameState, Order], None]] = {
    EndPhase: _do_end_phase, Move: _do_move, Fire: _do_fire, Strike: _do_strike, Recon: _do_recon,
    Assault: _do_assault, SandboxPlace: _do_sandbox, SandboxWeather: _do_sandbox,
    SandboxCloudBase: _do_sandbox, SandboxStrength: _do_sandbox,
    SandboxHide: _do_sandbox,
}
