"""Doctrine agents: simple, explainable rules that play the historical plans.

Attacker: drones hunt heavy targets when the sky allows; special forces infiltrate through the wooded
ravines, cut the Shusha–Lachin road, then climb to the town; mechanised units follow along roads and tracks.
Defender: hidden ambush parties hold the ravines; artillery fires on what the recon drone and the
outposts see; reserves counter-attack to reopen the road and hold the town.

Agents plan once per phase (cheap), then hand out one order per call, re-checking legality each time.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine import kernels
from engine.mapdata import GameMap
from engine.movement import distance_field, terrain_move_costs
from engine.orders import END_PHASE, Assault, Fire, Move, Order, Recon, Strike
from engine.supply import road_open_between
from engine.units import ATTACKER, Unit
from engine.view import SideView

DEEP_RECON = 0.5
"""Share of the attacker's searching recon sorties (no enemy known) flown over the roads that feed the town,
2-5 hexes out (its reinforcements, reserves and supply: `_deep_recon`), rather than over the approaches next to
its own units: without them the armed drones found nothing to strike on the clear days before the cloud came
down."""

SUSPECTED_FIRE_MIN_STEPS = 0.1
"""The least value (expected steps destroyed, halved for each turn of the mark's age) for which the doctrine's
`fire_on_suspected` fires on a suspected position: below it a mission on a hex the side cannot see is a shell
spent for nothing, and a hidden battery gives itself away by firing. (Known targets need 0.05, before the
weighting by distance to the objective.)"""

HEAVY_PRIORITY = {"air_defence": 6, "mlrs": 5, "howitzer": 4, "tank": 4, "mech_infantry": 3, "motor_rifle": 2}


def _closest(contacts: list[Any], dist: list[int]) -> Any:
    """The contact nearest by `dist` (per hex), ties to the lower id."""
    return min(contacts, key=lambda c: (dist[c.idx], c.id))


def _recon_ring(gmap: GameMap, centre: int) -> tuple[np.ndarray, list[int], list[int]]:
    """The hexes 2-5 hexes from `centre` (as an array and a list), and those of them south of it."""
    from_centre = gmap.distances_from(centre)
    ring_a = np.flatnonzero((from_centre >= 2) & (from_centre <= 5))
    ring = ring_a.tolist()
    return ring_a, ring, [i for i in ring if gmap.row[i] > gmap.row[centre]]


ONE_SIDE_PARAMS: tuple[tuple[str, str, Any, str], ...] = (
    ("detachment", "attacker", (), "only the attacker's doctrine AI detaches units"),
    ("infiltrate_objective", "attacker", False, "only the attacker's doctrine AI infiltrates the objective"),
    ("follow_up", "attacker", 1.0, "only the attacker's doctrine AI follows up its assaults"),
    ("endgame_turns", "attacker", 8, "only the attacker's doctrine AI has an end-game clock"),
    ("endgame_floor", "attacker", 0.5, "only the attacker's doctrine AI has an end-game clock"),
    ("release_road_block", "attacker", False,
     "only the attacker's doctrine AI holds a road block (a parameter for the attacker); drop it here"),
    ("lead", "attacker", "sf", "only the attacker's doctrine AI has a leading arm (a parameter for the attacker); "
     "drop it here"),
    ("reserve", "defender", (), "only the defender's doctrine AI holds units back as a reserve (a parameter for the "
     "defender); drop it here"),
    ("road_counterattack", "defender", False,
     "only the defender's doctrine AI counter-attacks a cut road (a parameter for the defender); drop it here"),
    ("commit_reserve", "defender", "road_cut",
     "only the defender's doctrine AI commits a reserve (a parameter for the defender); drop it here"),
    ("counterattack_ratio", "defender", None,
     "only the defender's doctrine AI counter-attacks a cut road (a parameter for the defender); drop it here"),
)
"""The parameters of one side's play (key, the side that reads it, its default, the refusal): set on the other
side, which never reads them, the game would play as if they were not there (`DoctrineAgent.scenario_problems`).
At its default a parameter asks for nothing, so a block of parameters copied from one side to the other passes."""


def _asks_for_play(value: Any, default: Any) -> bool:
    """Whether a parameter's `value` asks for something its `default` does not: any value but None where the
    default is None, a true one where it is false or empty, else another value."""
    if default is None:
        return value is not None
    if default is False or default == ():
        return bool(value)
    return bool(value != default)


class DoctrineAgent:
    name = "doctrine"

    def __init__(self, lead: str = "sf", assault_ratio: float = 1.2, counterattack: bool = True,
                 reserve: tuple[str, ...] = (), counterattack_ratio: float | None = None,
                 road_counterattack: bool = False, commit_reserve: str = "road_cut",
                 release_road_block: bool = False, detachment: tuple[str, ...] = (),
                 detachment_goal: tuple[tuple[int, int], ...] = (), infiltrate_objective: bool = False,
                 endgame_turns: int = 8, endgame_floor: float = 0.5, fire_on_suspected: bool = False,
                 follow_up: float = 1.0, **_: object) -> None:
        """`lead`: "sf" (special forces infiltrate first, the historical plan) or "mech" (mechanised units
        are sent through the ravines first, special forces follow) — a counterfactual for analysts.

        `reserve`: ids of the defender's units held back as its counter-attack reserve: they stay where they
        stand until `commit_reserve` says ("road_cut": the watched road is cut or an objective hex lost;
        "objective_entered": an objective hex lost), then counter-attack the hexes where the road is cut (the
        record: the tanks were kept for counter-attacks, not put in the town, and the counter-attack with 7 tanks
        came on 6 Nov, after the special forces were in the town; without this every vehicle drove into the town
        on the first morning and the counter-attack never happened).

        `road_counterattack`: once the watched road is cut, the defender's reserves (mobile units, arrivals, the
        `reserve`) make for the hexes from which they can retake the cut (not over a cliff) and assault it, and
        units that cannot assault (an air-defence battery) stay where they are instead of joining the town's
        garrison. Off by default: without it the reserves march into the objective and fight from there (the
        earlier behaviour, kept for the scenarios calibrated on it).

        `counterattack_ratio`: with `road_counterattack`, the force ratio a defender unit accepts to assault an
        enemy on a cut hex of the road (None: `assault_ratio`): reopening the last road is worth worse odds than
        an ordinary assault, and the record has the attempts made (and failing).

        `release_road_block`: the attacker's first leader, which holds the road block once the road is cut, joins
        the attack on the objective when the road stays cut without it: its own units hold a hex of the objective
        on the road and stay there (in contact, not broken; `_cut_without`). Off by default: without it the block
        is held to the end of the game (the behaviour the Shusha scenario is calibrated on; with it Shusha's
        games change: the attacker's win rate by a point or two, within the noise of 300 games).

        `detachment` and `detachment_goal`: the attacker's units (ids) detached from the main plan, and the hexes
        ([col, row]) they make for: whatever `lead` says they are neither leaders nor followers; each makes for
        the nearest goal hex it can reach (outside its side's no-go areas), holds it to the end of the game, and
        fights what it meets on the way (the Shusha scenario's western group, sent for the corridor road at
        Lisagor rather than to the town). Both empty by default: every unit plays the main plan.

        `infiltrate_objective`: once the road is cut, the attacker's units in a hex of the objective and in contact
        (steady: cohesion 2 or more) that leave another own unit in their hex slip on into an empty hex of the
        objective they can reach, one the enemy is not known to hold and their side does not, where the road stays
        cut without them (`_infiltration_move`); they fight from there in the assault phase, the one left behind
        where it stands. Once their side holds the whole objective, its steady units out of contact sweep it for
        the defenders that contest the win (`_sweep_move`). Off by default: a unit next to a known enemy stays where
        it is to fight (the behaviour the lessons are calibrated on). The Shusha scenario sets it: the special
        forces spread through the town in small groups, past its strongpoints. Without the companion rule and the
        sweep, units left town hexes held but empty, the defenders they had been fighting went to ground beside
        them and contested the win to the end: the town was held earlier, but cleared less often (400 games:
        clean captures 48% to 37%).

        `endgame_turns` and `endgame_floor`: as the attacker's last `endgame_turns` turns run out, its
        `assault_ratio` falls in even steps towards `endgame_floor` × itself on the last turn (0 turns: never;
        floor 1: never either). A clock in the AI, not in the rules, kept as data so that a study can see and
        sweep it (the Shusha scenario keeps the defaults: 8 turns, half).

        `follow_up`: the attacker's `assault_ratio` (after the end-game clock) is multiplied by it for a hex its
        own batteries, drones or assaults have already hit this turn (`SideView.hit_this_turn`): the follow-up waves
        of a prepared assault accept worse odds than the first. 1 (the default): no follow-up. A playtester's packed
        town (3 defenders a hex in every town hex) held in 65% of Shusha's games, its attackers assaulting the
        stacked breach one unit at a time and most declining the odds; with 0.5 (the Shusha scenario) it holds in
        about half (session 41: seeds 1-200, 53%), and the historical games barely move (seeds 1-400: attacker
        wins 79.8%, 78.8% without).

        `fire_on_suspected`: a battery with no known enemy worth a mission (`_plan_artillery`) fires on a
        suspected position instead: the hex of a fresh last-seen mark (one the rules let it fire on: the scenario's
        `combat.suspected_fire`, no older than its `suspected_fire_max_age_turns`, in range and observed) whose
        expected steps destroyed, reckoned on the units as the side last saw them and halved for each turn of the
        mark's age, is at least `SUSPECTED_FIRE_MIN_STEPS`; the best such value, nearer the objective first, as
        for known targets (`_suspected_choice`). Off by default: the AIs fire only on what they see (the games
        the scenarios are calibrated on). It needs the marks, which only games that track sightings keep
        (`new_game(..., track_sightings=True)`: every UI game, and every `play_game` game (batch, run, fidelity)
        in which a side sets it and the scenario allows the rule): without them it does nothing."""
        if lead not in ("sf", "mech"):
            raise ValueError(f"lead must be 'sf' or 'mech', got {lead!r}")
        if isinstance(reserve, str) or not all(isinstance(r, str) and r for r in reserve):
            raise ValueError(f"reserve must be a list of unit ids, got {reserve!r}")
        if commit_reserve not in ("road_cut", "objective_entered"):
            raise ValueError(f"commit_reserve must be 'road_cut' or 'objective_entered', got {commit_reserve!r}")
        if isinstance(detachment, str) or not all(isinstance(r, str) and r for r in detachment):
            raise ValueError(f"detachment must be a list of unit ids, got {detachment!r}")
        goal = tuple(tuple(h) for h in detachment_goal)
        if not all(len(h) == 2 and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in h)
                   for h in goal):
            raise ValueError(f"detachment_goal must be a list of [col, row] hexes, got {detachment_goal!r}")
        if bool(detachment) != bool(goal):
            raise ValueError("detachment and detachment_goal go together: the units and the hexes they make for")
        if isinstance(endgame_turns, bool) or not isinstance(endgame_turns, int) or endgame_turns < 0:
            raise ValueError(f"endgame_turns must be a whole number of turns, 0 or more, got {endgame_turns!r}")
        if isinstance(endgame_floor, bool) or not isinstance(endgame_floor, (int, float)) \
                or not 0.01 <= endgame_floor <= 1:
            raise ValueError(f"endgame_floor must be in [0.01, 1], got {endgame_floor!r}")
        if counterattack_ratio is not None and not 0 < counterattack_ratio <= 100:
            raise ValueError(f"counterattack_ratio must be in (0, 100], got {counterattack_ratio!r}")
        self.lead = lead
        self.assault_ratio = assault_ratio
        self.counterattack = counterattack
        self.reserve = frozenset(reserve)
        self.counterattack_ratio = assault_ratio if counterattack_ratio is None else counterattack_ratio
        self.road_counterattack = road_counterattack
        self.commit_reserve = commit_reserve
        self.release_road_block = bool(release_road_block)
        self.detachment = frozenset(detachment)
        self.detachment_goal: tuple[tuple[int, ...], ...] = goal
        self.infiltrate_objective = bool(infiltrate_objective)
        self.endgame_turns = endgame_turns
        self.endgame_floor = float(endgame_floor)
        self.fire_on_suspected = bool(fire_on_suspected)
        if isinstance(follow_up, bool) or not isinstance(follow_up, (int, float)) or not 0.01 <= follow_up <= 1:
            raise ValueError(f"follow_up must be in [0.01, 1], got {follow_up!r}")
        self.follow_up = float(follow_up)
        self._key: tuple[int, int, str] | None = None
        self._queue: list[Order] = []
        self._air_second = False
        self._held_for: object = None
        self._held: frozenset[str] = frozenset()

    # ------------------------------------------------------------------ protocol
    def choose(self, view: SideView, rng: np.random.Generator) -> Order:
        key = (view.turn, view.side, view.phase)
        if key != self._key or (view.phase == "assault" and not self._queue):
            if key != self._key:
                self._key = key
                self._air_second = view.phase != "air"
                self._queue = self._plan(view, rng)
            elif view.phase == "assault":
                self._queue = []
        while True:
            while self._queue:
                o = self._queue.pop(0)
                if view.check(o) is None:
                    return o
            if self._air_second:
                break
            # the recon sorties have flown: the strikes are planned on what they found
            self._queue = self._plan_air(view, rng, strikes=True)
        if view.phase == "assault":
            o = self._next_assault(view)
            if o is not None:
                return o
        return END_PHASE[view.side_name]

    def _plan(self, view: SideView, rng: np.random.Generator) -> list[Order]:
        if view.phase == "air":
            return self._plan_air(view, rng)
        if view.phase == "artillery":
            return self._plan_artillery(view)
        if view.phase == "movement":
            return self._plan_moves(view)
        return []

    # ------------------------------------------------------------------ helpers
    def _objective(self, view: SideView) -> tuple[int, ...]:
        return view.map.objective_hexes

    def _centre(self, view: SideView) -> int:
        hexes = self._objective(view)
        return hexes[len(hexes) // 2]

    def _road_goal(self, view: SideView) -> list[int]:
        """Hexes of the watched road 2–5 hexes from the objective, outside it: where to cut the road."""
        got = view.map.derived.get("doctrine.road_goal")
        if got is None:  # (found in a helper: its comprehensions' cells would cost every call of this one)
            got = view.map.derived["doctrine.road_goal"] = self._road_goal_uncached(view)
        return got

    def _road_goal_uncached(self, view: SideView) -> list[int]:
        gmap = view.map
        obj = set(self._objective(view))
        centre = self._centre(view)
        rw = view.scenario.victory.road_watch
        route = gmap.road_route(gmap.idx(rw.start), gmap.idx(rw.end)) if rw is not None else []
        out = sorted(i for i in route if i not in obj and 2 <= gmap.distance(i, centre) <= 5)
        # a short road (a town on the map's edge): its hexes outside the objective, nearest or not
        out = out or sorted(i for i in route if i not in obj)
        return out or sorted(obj)

    def _deep_recon(self, view: SideView) -> list[int]:
        """Where the attacker's searching recon sorties look beyond its own units: the hexes of every road 2–5
        hexes from the objective, outside it (its supply line and the roads its reserves would come by), or the
        watched road's (`_road_goal`) on a map without such roads. Watching only the road to be cut, the recon
        drone never found the defender's reserve held back on the road from Stepanakert."""
        gmap = view.map
        got = gmap.derived.get("doctrine.deep_recon")
        if got is None:
            centre = self._centre(view)
            obj = gmap.objective_set
            from_centre = gmap.distances_from(centre)
            out = [int(i) for i in np.flatnonzero(gmap.road_hex)
                   if int(i) not in obj and 2 <= from_centre[i] <= 5]
            got = gmap.derived["doctrine.deep_recon"] = sorted(out) or self._road_goal(view)
        return got

    def _not_held(self, view: SideView) -> tuple[int, ...]:
        """The objective hexes this side does not control, ascending."""
        gmap = view.map
        got = gmap.derived.get("doctrine.objective_sorted")
        if got is None:
            hexes = sorted(self._objective(view))
            got = gmap.derived["doctrine.objective_sorted"] = (tuple(hexes), np.array(hexes, dtype=np.int64))
        side = view.side
        out = []
        for i, c in zip(got[0], view.controllers(got[1]), strict=True):  # (a loop: a comprehension's closure
            if c != side:                                                 # would cost every call a cell)
                out.append(i)
        return tuple(out)

    def _objective_distance(self, view: SideView) -> list[int]:
        """Hex distance from every hex to the nearest objective hex (per map)."""
        return view.map.objective_distance

    def _active(self, view: SideView) -> list[Unit]:
        return view.own_active

    def _free(self, view: SideView) -> list[Unit]:
        """The active units this side may move or send in: all but those the scenario tells it to hold
        (`ai_hold`)."""
        if view.scenario is not self._held_for:
            self._held_for = view.scenario
            self._held = frozenset(s.id for s in view.scenario.units if s.ai_hold)
        held = self._held
        if not held:
            return view.own_active
        out = []
        for u in view.own_active:  # (a loop: a comprehension's closure would cost every call a cell)
            if u.id not in held:
                out.append(u)
        return out

    # ------------------------------------------------------------------ air
    def _plan_air(self, view: SideView, rng: np.random.Generator, strikes: bool = False) -> list[Order]:
        """The recon sorties first; the strikes (`strikes`, or at once if no recon sortie flies) are planned
        once they have flown, on what the side knows then: a drone strike needs a target someone has spotted.
        Sets `_air_second` when no second plan is needed (nothing armed can fly, or this is the strikes')."""
        gmap = view.map
        table = view.scenario.unit_table
        recon, armed = [], []
        for u in self._active(view):
            ut = table[u.type]
            if ut.domain != "air" or view.grounded.get(u.id) or u.fired:
                continue
            if ut.air_role in ("strike", "loiter"):
                armed.append((u, ut))
            elif ut.air_role == "recon":
                recon.append((u, ut))
        orders: list[Order] = []
        if not strikes and recon:
            centre = self._centre(view)
            for u, ut in recon:
                target = self._recon_target(view, rng, centre)
                if target is not None and gmap.distances_from(u.idx)[target] <= ut.sortie_radius_hexes:
                    orders.append(Recon(u.id, gmap.hex_of(target)))
            if orders:
                self._air_second = not armed
                return orders
        self._air_second = True
        for u, ut in armed:
            dist = gmap.distances_from(u.idx)
            best, best_score = None, 0.0
            for c in view.contacts:
                if dist[c.idx] > ut.sortie_radius_hexes:
                    continue
                if ut.air_role == "loiter" and not table[c.type].heavy:
                    continue
                value = view.fire_preview(u.id, c.idx, "strike") * (1 + HEAVY_PRIORITY.get(c.type, 0))
                if value > best_score:
                    best, best_score = c, value
            if best is not None:
                orders.append(Strike(u.id, best.hex))
        return orders

    def _recon_target(self, view: SideView, rng: np.random.Generator, centre: int) -> int | None:
        # (the closest contact and the ring are found in helpers, and `own` by a loop: a comprehension or a lambda
        # here would make cells that every call of this function allocates)
        gmap = view.map
        if view.contact_hexes:  # (a set: cheaper to test than the contact list)
            return _closest(view.contacts, gmap.distance_list(centre)).idx  # the known enemy closest to the objective
        # search the approaches: a hex 2–5 hexes from the objective, toward our own units for the attacker,
        # toward the southern approaches for the defender
        got = gmap.derived.get(("doctrine.recon_ring", centre))
        if got is None:
            got = gmap.derived[("doctrine.recon_ring", centre)] = _recon_ring(gmap, centre)
        ring_a, ring, south = got
        if not ring:
            return centre
        own = []
        table = view.scenario.unit_table
        for u in self._active(view):
            if table[u.type].domain == "ground":
                own.append(u.idx)
        if view.side == ATTACKER and own and rng.random() < DEEP_RECON:
            deep = self._deep_recon(view)  # over the roads that feed the town (sorted)
            return deep[int(rng.integers(len(deep)))]
        if view.side == ATTACKER and own:
            # one of the six nearest to our own units (ties: lower index)
            if kernels.JIT:
                first = kernels.nearest_first(gmap.q, gmap.r, ring_a, np.array(own, dtype=np.int64), 6)
            else:  # the reference, vectorised over ring × units
                near = gmap.distance_matrix(ring_a, np.array(own)).min(axis=1)
                first = ring_a[np.lexsort((ring_a, near))][:6]
            return int(first[int(rng.integers(min(6, len(ring))))])
        pool = south or ring
        return pool[int(rng.integers(len(pool)))]

    # ------------------------------------------------------------------ artillery
    def _plan_artillery(self, view: SideView) -> list[Order]:
        gmap = view.map
        centre = self._centre(view)
        orders: list[Order] = []
        from_centre = gmap.distance_list(centre)
        targets = sorted(view.contacts, key=lambda c: (from_centre[c.idx], c.id))
        if not targets and not self.fire_on_suspected:
            return orders  # nothing known to fire at
        # (`fire_on_suspected`: the suspected positions are looked up once, when a battery first has no known
        # target worth a mission: a phase with none, or no battery to fire, never builds the side's marks)
        suspected: tuple[tuple[int, int], ...] | None = None
        for u in self._active(view):
            ut = view.scenario.unit_table[u.type]
            if not ut.indirect or u.fired:
                continue
            best, best_score = None, 0.05
            for c in targets:
                if gmap.distance(u.idx, c.idx) > ut.range_hexes or view.spotter(c.idx) is None:
                    continue
                score = view.fire_preview(u.id, c.idx) / (1 + 0.1 * from_centre[c.idx])
                if score > best_score:
                    best, best_score = c, score
            if best is not None:
                orders.append(Fire(u.id, best.hex))
            elif self.fire_on_suspected:  # (no known enemy worth a mission)
                if suspected is None:
                    suspected = self._suspected_targets(view)
                o = self._suspected_choice(view, u, suspected, from_centre) if suspected else None
                if o is not None:
                    orders.append(o)
        return orders

    @staticmethod
    def _suspected_targets(view: SideView) -> tuple[tuple[int, int], ...]:
        """(hex, age in turns of its freshest mark) of the side's fresh last-seen marks (`fire_on_suspected`): the
        hexes the rules let it fire on as suspected positions, range and spotter aside (`rules.suspected_targets`),
        less those with an enemy it sees now (a known target) and those it saw every marked unit leave
        (`LastSeen.left`); ascending by hex. None in a scenario without `combat.suspected_fire` or a game that does
        not track sightings (`SideView.last_seen` is then empty)."""
        rules_ = view.scenario.combat
        if not rules_.suspected_fire:
            return ()
        seen, occ, limit = view.contact_hexes, view.own_occupancy, rules_.suspected_fire_max_age_turns
        ages: dict[int, int] = {}
        for idx, marks in view.marks_by_hex.items():  # (the list the rules and `suspected_fire_odds` read: one build)
            age = view.turn - marks[0].turn  # (the freshest mark's)
            if age <= limit and idx not in seen and not occ[idx] and not all(m.left for m in marks):
                ages[idx] = age
        return tuple(sorted(ages.items()))

    def _suspected_choice(self, view: SideView, u: Unit, suspected: tuple[tuple[int, int], ...],
                          from_centre: list[int]) -> Order | None:
        """`u`'s mission on a suspected position (`fire_on_suspected`): of the `suspected` hexes in range and
        observed, the one of best value (expected steps destroyed on the units as last seen there and not seen
        leaving it, halved per turn of the mark's age, over 1 + 0.1 × distance to the objective, as for known
        targets; ties to the lower hex), if its value before the distance is at least `SUSPECTED_FIRE_MIN_STEPS` and
        the rules allow the mission now (`check`). None: no such hex."""
        gmap = view.map
        reach = view.scenario.unit_table[u.type].range_hexes
        best, best_score = None, 0.0
        for idx, age in suspected:
            if gmap.distance(u.idx, idx) > reach or view.spotter(idx) is None:
                continue
            # (a unit seen leaving the hex adds nothing)
            odds = view.suspected_fire_odds_by_mark(u.id, idx)
            value = sum(o.expected_losses for m, o in odds if not m.left) * 0.5 ** age
            if value < SUSPECTED_FIRE_MIN_STEPS:
                continue
            score = value / (1 + 0.1 * from_centre[idx])
            if score > best_score:
                best, best_score = idx, score
        if best is None:
            return None
        o = Fire(u.id, gmap.hex_of(best))
        return o if view.check(o) is None else None

    # ------------------------------------------------------------------ movement
    def _plan_moves(self, view: SideView) -> list[Order]:
        if view.side == ATTACKER:
            return self._attacker_moves(view)
        return self._defender_moves(view)

    def _best_move(self, view: SideView, u: Unit, field: np.ndarray, prefer_cover: bool,
                   avoid_contact: bool, allowed: np.ndarray | None = None, seize: bool = False) -> Order | None:
        """The destination that most lowers `score` = distance-to-goal field (− 0.4 × concealment when
        `prefer_cover`, + 3 next to a known enemy when `avoid_contact`, except, with `seize`, in a hex of the
        objective: a unit kept one hex short of an empty objective hex next to the enemy never took it); None
        if no move improves it."""
        gmap = view.map
        if kernels.JIT:  # the destinations and the choice in one compiled call
            near = self._contact_zone_mask(view) if avoid_contact else gmap.no_hex
            if seize and avoid_contact:
                near = view.contact_zone_outside_objective_mask
            best = kernels.direct.best_destination(view.reach_order(u.id), u.idx, view.own_occupancy,
                                                   view.scenario.stack_limit,
                                                   gmap.all_hex if allowed is None else allowed, field,
                                                   gmap.concealment, near, prefer_cover, avoid_contact)
            return Move(u.id, gmap.hex_refs[best]) if best >= 0 else None
        ids = view.destination_indices(u.id)
        return self._best_move_py(view, u, ids, field, prefer_cover, avoid_contact, allowed, seize)

    def _best_move_py(self, view: SideView, u: Unit, ids: np.ndarray, field: np.ndarray, prefer_cover: bool,
                      avoid_contact: bool, allowed: np.ndarray | None, seize: bool = False) -> Order | None:
        """The reference of `kernels.best_move` (used without numba)."""
        gmap = view.map
        if allowed is not None:
            ids = ids[allowed[ids]]
        if not ids.size:
            return None
        idl = ids.tolist()  # a few dozen hexes: plain floats are faster than numpy here (same arithmetic)
        dist = field[ids].tolist()
        here = float(field[u.idx])
        score, stay = dist, here
        if prefer_cover:
            conceal = gmap.concealment
            score = [f - 0.4 * c for f, c in zip(dist, conceal[ids].tolist(), strict=True)]
            stay = here - 0.4 * int(conceal[u.idx])
        if avoid_contact and view.contacts:
            near = self._contact_zone(view)
            if seize:
                near = near - gmap.objective_set
            score = [s + 3.0 if i in near else s for s, i in zip(score, idl, strict=True)]
            if u.idx in near:
                stay += 3.0
        best_score, best = min(zip(score, idl, strict=True))  # lowest score, ties to the lower hex index
        f_best = dist[idl.index(best)]
        if not math.isfinite(f_best) or best_score >= stay - 1e-9 or f_best >= here:
            return None
        return Move(u.id, gmap.hex_of(best))

    def _contact_zone_mask(self, view: SideView) -> np.ndarray:
        return view.contact_zone_mask

    def _contact_zone(self, view: SideView) -> frozenset[int]:
        """Hexes next to known enemies."""
        return view.contact_zone

    def _attacker_moves(self, view: SideView) -> list[Order]:
        gmap = view.map
        # with no road to cut (no `victory.road_watch`) the plan starts where it would once the road is cut:
        # the followers made for the objective behind the leaders and never caught them up
        road_cut = view.road_cut or view.scenario.victory.road_watch is None
        if road_cut and self.detachment and view.scenario.victory.road_watch is not None:
            road_cut = self._cut_by_main_body(view)  # (a cut the detachment alone makes changes no plan)
        obj = self._objective(view)
        not_held_hexes = self._not_held(view)
        open_obj = not_held_hexes or tuple(sorted(obj))
        road = tuple(sorted(self._road_goal(view)))
        road_set = set(road)
        on_road = [u for u in self._active(view) if u.idx in road_set]
        road_held = road_cut or len(on_road) >= 1
        orders: list[Order] = []
        # the leading arm (special forces historically; mechanised units in the counterfactual) goes for the
        # road block, then the town; the other arm keeps two forest hexes' march behind it until the road is cut
        lead_sf = self.lead == "sf"
        table = view.scenario.unit_table
        free = self._free(view)
        detached = self.detachment
        movers = [u for u in free if table[u.type].domain == "ground" and not u.offmap
                  and not table[u.type].indirect and u.id not in detached]
        leaders = [u for u in movers if (table[u.type].mobility == "sf") == lead_sf]
        leader_rank = {id(u): k for k, u in enumerate(leaders)}  # by identity: Unit equality compares all fields
        behind = None
        if leaders and not road_cut:
            progress = distance_field(gmap, "sf", road, view.side, view.weather.precipitation, view.scenario)
            front = min(progress[u.idx] for u in leaders)
            forest_sf = terrain_move_costs(view.scenario, "f", view.weather.precipitation)["sf"]  # (the field's costs)
            behind = progress >= front + 2 * forest_sf
            behind.setflags(False)  # read-only (write=False, passed positionally: 3x cheaper)
        zone = self._contact_zone(view)
        obj_dist = self._objective_distance(view)
        # `infiltrate_objective`, the whole objective held: the units sweep it for the enemy that contests the win
        sweep = self.infiltrate_objective and road_cut and bool(obj) and not not_held_hexes
        left: set[str] = set()  # (infiltration, sweep) units ordered out of their hex this phase
        claimed: set[int] = set()  # (sweep) objective hexes a unit is ordered into this phase
        planned: dict[str, int] = {}  # (infiltration, sweep) where those units go: the road check counts them there
        not_held = frozenset(not_held_hexes)
        # hexes of the objective not held that a unit is ordered into this phase (one takes it), and those a known
        # enemy holds, which no move can enter (a reviewer: with them left as goals, the unit after the last empty
        # hex was claimed walked off alone toward the defended one, away from its stack)
        taken: list[int] = sorted(view.contact_hexes & not_held)
        for u in free:
            ut = table[u.type]
            if ut.domain != "ground" or u.offmap or u.moved:
                continue
            if ut.indirect:
                # guns move up only if the objective is out of range
                if obj_dist[u.idx] > ut.range_hexes - 1:
                    f = distance_field(gmap, ut.mobility, tuple(sorted(obj)), view.side, view.weather.precipitation,
                                       view.scenario)
                    o = self._best_move(view, u, f, False, True)
                    if o:
                        orders.append(o)
                continue
            if u.idx in zone:  # next to a known enemy
                # (a broken detached unit on its goal holds it, as the road block does)
                if (u.cohesion <= 0 and u.idx not in road_set
                        and not (u.id in detached and u.idx in self._detachment_goal(view))):
                    o = self._withdraw(view, u)  # broken: pull back and rally rather than be routed
                    if o is not None:
                        orders.append(o)
                elif (self.infiltrate_objective and road_cut and u.cohesion >= 2 and u.idx in gmap.objective_set
                      and u.id not in detached and ut.can_assault and self._keeps_company(view, u, left)):
                    o = self._infiltration_move(view, u, planned)  # (it fights from there in the assault phase)
                    if o is not None:
                        orders.append(o)
                        left.add(u.id)
                continue  # in contact: fight in the assault phase
            rank = leader_rank.get(id(u))
            if (sweep and u.cohesion >= 2 and u.id not in detached and ut.can_assault
                    and not (rank == 0 and u.idx in road_set)):  # (the first leader holds its road block)
                o = self._sweep_move(view, u, left, claimed, planned)
                if o is not None:
                    orders.append(o)
                    continue
            is_sf = ut.mobility == "sf"
            if u.id in detached:
                o = self._detachment_move(view, u, is_sf)
            elif rank is not None:
                if u.idx in road_set and not road_cut:
                    continue  # hold the road block
                if u.cohesion <= 1:
                    continue  # rally before pushing on
                goal = road if (not road_held or rank < 2) and not road_cut else self._untaken(open_obj, taken)
                # the first leader holds the block (with `release_road_block`, only while the road would not stay
                # cut without it: once units holding the town hex at the road's end cut it, it joins the attack)
                if (u.idx in road_set and road_cut and rank < 1
                        and not (self.release_road_block and self._cut_without(view, u))):
                    continue
                f = distance_field(gmap, ut.mobility, goal, view.side, view.weather.precipitation, view.scenario)
                o = self._best_move(view, u, f, is_sf, False)
            else:
                goal = self._untaken(open_obj, taken) if road_cut else road
                f = distance_field(gmap, ut.mobility, goal, view.side, view.weather.precipitation, view.scenario)
                o = self._best_move(view, u, f, is_sf, not is_sf, behind, seize=road_cut)
            if o is not None:
                orders.append(o)
                if not_held and isinstance(o, Move) and (j := gmap.idx(o.to)) in not_held and j not in taken:
                    taken.append(j)
        return orders

    @staticmethod
    def _untaken(open_obj: tuple[int, ...], taken: list[int]) -> tuple[int, ...]:
        """The objective's hexes not held that no unit is ordered into yet this phase and no known enemy holds
        (`taken`), or all of them when there is none: the units make for different empty ones, one each, the rest as
        before (a playtest: every unit in and around an emptied town made for its lowest-numbered hex not held, three
        took it and the rest stood, and the town fell a hex a turn)."""
        if not taken:
            return open_obj
        return tuple(j for j in open_obj if j not in taken) or open_obj

    def _sweep_move(self, view: SideView, u: Unit, left: set[str], claimed: set[int],
                    planned: dict[str, int]) -> Order | None:
        """A move for `u`, out of contact, once its side holds the whole objective (`infiltrate_objective`): the win
        waits on the defenders within the contest radius, often gone to ground next to a town hex no unit stands
        in. A unit in the objective whose hex keeps another own unit (a lone one stays: its hex is not left
        empty) moves next to a known one (into the objective first, the nearest, then the lowest index) to assault
        it, or else into the nearest objective hex no own unit stands in, where it finds and fights them; a unit
        outside the objective moves into such a hex. The watched road stays cut. `left`/`claimed`/`planned`: the
        units ordered out of their hex, the hexes ordered into and where each goes, this phase (updated)."""
        gmap = view.map
        obj = gmap.objective_set
        if u.idx in obj:
            if not self._keeps_company(view, u, left):
                return None  # (it would leave its hex empty)
            to_obj = self._objective_distance(view)
            radius = view.scenario.victory.contest_radius
            contest = [c.idx for c in view.contacts if to_obj[c.idx] <= radius]
            if contest:
                seen = view.contact_hexes
                near = sorted((j not in obj, gmap.distance(u.idx, j), j) for j in gmap.adjacent_to(contest)
                              if j not in seen and j != u.idx and j not in claimed)
                j = self._reachable_keeping_cut(view, u, [j for *_, j in near], planned)
                if j is not None:
                    left.add(u.id)
                    claimed.add(j)
                    return Move(u.id, gmap.hex_of(j))
        occ = view.own_occupancy
        empty = sorted((gmap.distance(u.idx, j), j) for j in obj if occ[j] == 0 and j not in claimed)
        j = self._reachable_keeping_cut(view, u, [j for _, j in empty], planned)
        if j is None:
            return None
        left.add(u.id)
        claimed.add(j)
        return Move(u.id, gmap.hex_of(j))

    @staticmethod
    def _keeps_company(view: SideView, u: Unit, left: set[str]) -> bool:
        """Does another own ground unit stay in `u`'s hex (one not in `left`, ordered out this phase, nor broken: a
        broken one withdraws)? An infiltrating unit leaves one behind to go on fighting the enemy it was in
        contact with."""
        table = view.scenario.unit_table
        return any(v is not u and v.idx == u.idx and v.id not in left and not v.offmap and v.cohesion > 0
                   and table[v.type].domain == "ground" for v in view.own_active)

    def _reachable_keeping_cut(self, view: SideView, u: Unit, hexes: list[int], planned: dict[str, int]) -> int | None:
        """The first of `hexes` (in their order) `u` can reach this phase and where, with a `victory.road_watch`,
        the main body (the detachment left out, as the plan's own cut is) still cuts the road once it is there, the
        units this rule has already ordered this phase counted where they go (`planned`, updated with `u`'s hex);
        None: none."""
        if not hexes:
            return None
        dests = set(view.destination_indices(u.id).tolist())
        table = view.scenario.unit_table
        for j in hexes:
            if j not in dests or j == u.idx:
                continue
            if view.scenario.victory.road_watch is not None:
                held = frozenset(j if v is u else planned.get(v.id, v.idx) for v in view.own_active
                                 if not v.offmap and table[v.type].domain == "ground" and v.id not in self.detachment)
                if not self._cut_by(view, held):
                    continue
            planned[u.id] = j
            return j
        return None

    def _infiltration_move(self, view: SideView, u: Unit, planned: dict[str, int]) -> Order | None:
        """A move for `u`, in contact, into an empty hex of the objective (`infiltrate_objective`): one its side
        does not hold, that it can reach this phase, with no enemy known there, and with the watched road still cut
        once it is there; the nearest, then the lowest index. None: no such hex."""
        seen = view.contact_hexes
        gmap = view.map
        targets = sorted((gmap.distance(u.idx, j), j) for j in self._not_held(view) if j not in seen)
        j = self._reachable_keeping_cut(view, u, [j for _, j in targets], planned)
        return None if j is None else Move(u.id, gmap.hex_of(j))

    def _detachment_goal(self, view: SideView) -> tuple[int, ...]:
        """The `detachment_goal` hexes on the map and outside this side's no-go areas, ascending (per map)."""
        if not self.detachment_goal:
            return ()
        gmap = view.map
        key = ("doctrine.detachment_goal", self.detachment_goal, view.side)
        got = gmap.derived.get(key)
        if got is None:
            forbidden = gmap.no_go_list[view.side]
            got = gmap.derived[key] = tuple(sorted(
                {gmap.idx(h) for h in self.detachment_goal if gmap.on_map(h) and not forbidden[gmap.idx(h)]}))
        return got

    def _cut_by_main_body(self, view: SideView) -> bool:
        """Is the watched road cut by this side's units outside the `detachment`? The main plan is played on
        that: a detachment astride the road far from the objective (the corridor at Lisagor) did not send the
        followers into the ravines, nor stop the leaders making for the road by the town."""
        table = view.scenario.unit_table
        return self._cut_by(view, frozenset(v.idx for v in view.own_active if v.id not in self.detachment
                                            and not v.offmap and table[v.type].domain == "ground"))

    @staticmethod
    def _cut_by(view: SideView, hexes: frozenset[int]) -> bool:
        """Would own units on `hexes` cut the watched road (the engine's test, `supply.road_open_between`)?"""
        rw = view.scenario.victory.road_watch
        if rw is None or not hexes:
            return False
        gmap = view.map
        return not road_open_between(gmap, gmap.idx(rw.start), gmap.idx(rw.end), hexes)[0]

    def _detachment_move(self, view: SideView, u: Unit, is_sf: bool) -> Order | None:
        """A detached unit (`detachment`) out of contact: it holds a goal hex it stands on, rallies when shaken,
        else makes for the nearest goal hex (none left on the map: it stays)."""
        goal = self._detachment_goal(view)
        if not goal or u.idx in goal or u.cohesion <= 1:
            return None
        ut = view.scenario.unit_table[u.type]
        f = distance_field(view.map, ut.mobility, goal, view.side, view.weather.precipitation, view.scenario)
        return self._best_move(view, u, f, is_sf, False)

    @staticmethod
    def scenario_problems(params: dict[str, Any], side: str, unit_sides: dict[str, str],
                          map_size: tuple[int, int] = (0, 0)) -> list[tuple[str, str]]:
        """(where, problem) of the parameters that name the scenario's units or hexes: a `reserve` id that is no
        unit of `side` would silently hold nothing back, a `detachment_goal` hex off the map (`map_size`: cols,
        rows) would silently be dropped (the scenario's check calls this). Also the parameters of one side's play
        set on the other side, which never reads them (`reserve` on the attacker, `release_road_block` on the
        defender): the game would play as if they were not there."""
        out = []
        for key in ("reserve", "detachment"):  # (lists of the side's own unit ids)
            ids = params.get(key, ())
            if not isinstance(ids, (list, tuple)):  # (a string: the constructor's check says so, not letter by letter)
                continue
            for k, uid in enumerate(ids):
                if uid not in unit_sides:
                    out.append((f"{key}[{k}]", f"no unit {uid!r} in the scenario"))
                elif unit_sides[uid] != side:
                    out.append((f"{key}[{k}]",
                                f"{uid!r} belongs to the {unit_sides[uid]}; the {key} is the {side}'s own"))
        for key, owner, default, words in ONE_SIDE_PARAMS:
            if side != owner and _asks_for_play(params.get(key, default), default):
                out.append((key, words))
        cols, rows = map_size
        for k, h in enumerate(params.get("detachment_goal", ())):
            if cols and rows and not (0 <= h[0] < cols and 0 <= h[1] < rows):
                out.append((f"detachment_goal[{k}]", f"[{h[0]}, {h[1]}] is off the {cols}×{rows} map"))
        return out

    def _cut_without(self, view: SideView, u: Unit) -> bool:
        """Does the watched road stay cut without `u`, by this side's units that hold the objective and will stay
        there (in contact with a known enemy and not broken: they fight, they do not move)? The first leader kept
        its road block to the end of the game after a unit in the town hex at the road's end had cut the road for
        good: a third of the lesson's special forces (`scenarios/lessons/supply.json`) sat out the assault on the
        town. (Not any unit on the road: the others move on in the same phase, and the road would reopen. With
        `infiltrate_objective` a unit in contact may move on, but never the last steady one of its hex:
        `_keeps_company`.)"""
        if view.scenario.victory.road_watch is None:
            return False
        obj, zone, table = view.map.objective_set, self._contact_zone(view), view.scenario.unit_table
        return self._cut_by(view, frozenset(v.idx for v in view.own_active
                                            if v is not u and v.idx in obj and v.idx in zone and v.cohesion > 0
                                            and not v.offmap and table[v.type].domain == "ground"))

    def _road_route(self, view: SideView) -> tuple[int, ...]:
        """The watched road's hexes from end to end, outside the objective (empty: no road watched)."""
        gmap = view.map
        got = gmap.derived.get("doctrine.road_route")
        if got is None:
            rw = view.scenario.victory.road_watch
            route = gmap.road_route(gmap.idx(rw.start), gmap.idx(rw.end)) if rw is not None else []
            got = gmap.derived["doctrine.road_route"] = tuple(i for i in route if i not in gmap.objective_set)
        return got

    def _cut_hexes(self, view: SideView) -> frozenset[int]:
        """Where the defender sees the watched road cut: the road's hexes outside the objective with an enemy
        unit it sees now. Empty while the road is open. (Not the hexes it remembers the enemy holding,
        `SideView.control`: that memory is kept only in games that track sightings, and tracking must not
        change the game.)"""
        if not view.road_cut:
            return frozenset()
        seen = view.contact_hexes
        return frozenset(i for i in self._road_route(view) if i in seen)

    def _defender_moves(self, view: SideView) -> list[Order]:
        gmap = view.map
        obj = self._objective(view)
        obj_set = set(obj)
        centre = self._centre(view)
        orders: list[Order] = []
        lost = self._not_held(view)
        road = set(self._road_goal(view))
        from_centre = gmap.distance_list(centre)
        threats = [c for c in view.contacts if c.idx in obj_set or c.idx in road or from_centre[c.idx] <= 3]
        counter_targets = tuple(sorted(gmap.adjacent_to(c.idx for c in threats) | set(lost)))
        # the road is cut: the reserves make for the hexes next to the cut, to assault it and reopen the road
        cut = self._cut_hexes(view) if self.counterattack and self.road_counterattack else frozenset()
        # (from below or beside, not from a cliff top: a counter-attack must be able to take the hex back, and
        # tanks on Jidir Duzu firing down the cliff into the gorge was no attempt to reopen the road)
        cut_targets = tuple(sorted({j for c in cut for d, j in enumerate(gmap.nbr_list[c])
                                    if j >= 0 and not gmap.cliff_up[c, d] and not gmap.cliff_down[c, d]} - cut))
        # when the held-back reserve is committed: the enemy in the objective, or ("road_cut") the road cut too
        committed = bool(lost) if self.commit_reserve == "objective_entered" else view.road_cut or bool(lost)
        obj_sorted = tuple(sorted(obj))
        zone = self._contact_zone(view)
        table = view.scenario.unit_table
        # the attacker holds the whole objective and wins at the end of the turn unless a defender unit stands
        # within the contest radius: one that does stays within it (a player saw two units walk away from the
        # town and hand over the game); it may still move inside it, e.g. back into a hex of the town
        victory = view.scenario.victory
        contest = victory.contest_radius if victory.sudden_death and obj and len(lost) == len(obj) else -1
        to_obj = self._objective_distance(view)
        inside = np.asarray(to_obj) <= contest if contest >= 0 else None
        for u in self._free(view):
            ut = table[u.type]
            if ut.domain != "ground" or u.offmap or u.moved or ut.indirect:
                continue
            hold = to_obj[u.idx] <= contest
            if u.idx in zone:  # next to a known enemy
                if u.cohesion <= 0 and u.idx not in obj_set and not hold:
                    o = self._withdraw(view, u)
                    if o is not None:
                        orders.append(o)
                continue
            if u.idx in obj_set and not lost:
                continue  # the garrison holds
            held_back = u.id in self.reserve
            # the mobile units and the arrivals are the reserve; a unit that cannot assault (an air-defence
            # battery) is no counter-attack force and stays where it covers (it drove into the town and fought
            # there as infantry)
            reserve = ((held_back or ut.mobility in ("tracked", "wheeled") or u.arrives_turn > 1)
                       and (ut.can_assault or not self.road_counterattack))
            if u.hidden and gmap.ambush_list[u.idx] > 0 and not (reserve and cut_targets):
                continue  # ambush parties wait; a reserve gone to ground on its way leaves to counter-attack the cut
            if not reserve or (held_back and not committed and not hold):
                continue
            if cut_targets:
                targets = cut_targets
            elif self.counterattack and (threats or lost):
                targets = counter_targets
            else:
                targets = obj_sorted
            if not targets:
                continue
            f = distance_field(gmap, ut.mobility, targets, view.side, view.weather.precipitation, view.scenario)
            o = self._best_move(view, u, f, False, False, inside if hold else None)
            if o is not None:
                orders.append(o)
        return orders

    def _withdraw(self, view: SideView, u: Unit) -> Order | None:
        """A destination out of contact, as far from known enemies as the move allows."""
        gmap = view.map
        if not view.contact_hexes:
            return None
        near = self._contact_zone(view) | view.contact_hexes
        dests = [i for i in view.destination_indices(u.id).tolist() if i not in near]
        if not dests:
            return None
        # distance to the nearest known enemy, for every destination at once
        nearest = gmap.distance_matrix(np.array(dests), np.array([c.idx for c in view.contacts])).min(axis=1).tolist()
        best = max(zip(nearest, [-i for i in dests], strict=True))  # farthest, ties to the lower hex index
        return Move(u.id, gmap.hex_of(-best[1]))

    # ------------------------------------------------------------------ assault
    def _next_assault(self, view: SideView) -> Order | None:
        if not view.contact_hexes:
            return None  # nothing known to assault
        gmap = view.map
        obj_set = gmap.objective_set
        best, best_score = None, -1e9
        contact_idx = view.contact_hexes
        in_contact = self._contact_zone(view)
        ratio = self.assault_ratio
        if view.side == ATTACKER and self.endgame_turns:
            # as the clock runs out the attacker accepts worse odds for the objective
            turns_left = view.scenario.turns - view.turn
            floor = self.endgame_floor
            ratio *= floor + (1.0 - floor) * min(1.0, turns_left / self.endgame_turns)
        hit = view.hit_this_turn() if view.side == ATTACKER and self.follow_up < 1 else frozenset()
        table = view.scenario.unit_table
        cut = (self._cut_hexes(view) if view.side != ATTACKER and self.counterattack and self.road_counterattack
               else frozenset())
        holds_all: bool | None = None  # (asked only of a lone garrison next to a known enemy outside the objective)
        to_objective = self._objective_distance(view)
        contest_radius = view.scenario.victory.contest_radius
        for u in self._free(view):
            if u.idx not in in_contact or u.fired or u.cohesion <= 0:
                continue  # no known enemy next to it, or it cannot fight now
            ut = table[u.type]
            if ut.domain != "ground" or u.offmap or not ut.can_assault or ut.indirect:
                continue
            # a garrison holds: a unit alone in a hex of the objective does not assault out of it (the win would
            # advance it into the open and leave the hex empty for the enemy to walk into); into another hex of the
            # objective it may: a town hex taken is worth the one it leaves. The attacker's too: a calibration
            # study saw special forces leave Jidir Duzu for the Hunot canyon 47 times in 60 games, the town hex
            # behind them empty. (The defender's held-back reserve is no garrison: it went into the town to
            # counter-attack out of it.)
            lone_garrison = (u.idx in obj_set and view.own_occupancy[u.idx] == 1
                             and (view.side == ATTACKER or u.id not in self.reserve))
            for d, j in enumerate(gmap.nbr_list[u.idx]):
                if j < 0 or j not in contact_idx:
                    continue
                if lone_garrison and j not in obj_set:
                    # holding it all, the attacker's garrison may clear a defender that contests the win
                    if holds_all is None:
                        holds_all = view.side == ATTACKER and all(
                            c == ATTACKER for c in view.controllers(np.array(gmap.objective_hexes, dtype=np.int64)))
                    if not (holds_all and to_objective[j] <= contest_radius):
                        continue
                gain, cost = view.assault_expectation(u.id, j)
                # the counter-attack on the road accepts worse odds, where it could take the hex (not over a cliff)
                counter = j in cut and not gmap.cliff_up[u.idx, d] and not gmap.cliff_down[u.idx, d]
                bonus = 0.5 if j in obj_set else 0.0
                if view.side != ATTACKER and (view.road_cut or j in obj_set):
                    bonus += 0.3
                need = self.counterattack_ratio if counter else ratio * (self.follow_up if j in hit else 1.0)
                if gain + bonus < need * cost:
                    continue
                score = gain - cost + bonus
                if score > best_score:
                    best, best_score = Assault(u.id, gmap.hex_of(j)), score
        return best
