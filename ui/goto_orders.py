"""Standing "go to" orders (multi-turn moves) in the front end: where they are kept, when they run, when they stop.

The order itself is the player's plan, not a rule: it lives in `GameState.extra[GOTO_KEY]` ({unit id: [col,
row]}), which is saved with the game and which no rule reads. Each movement phase of the human side, the step is
chosen by `engine.goto.next_step` from the side's own view and issued as an ordinary `Move` through
`App.issue` (the code a click uses), so the engine log, undo and the event log behave as for a hand-made move.

Stop conditions (the order is cleared and the player told why): the unit arrives; it is blocked (no legal move
brings it nearer; only a way full of its own units makes it wait a phase instead, since those move on); its
move was cut short (ambush, contact, an enemy's zone of control) or revealed a unit that was to stay hidden; the
next step would reveal a unit that is to stay hidden (the player decides whether to accept that); an enemy
becomes known within `ENEMY_NEAR_HEXES` of it;
it is newly cut off from supply (the first turn out of supply: a unit ordered on while already cut off goes on,
that first turn too, or the order would stop every turn, or every time it is given again).

Which orders may reveal their unit (`OPEN_KEY`): one given to a unit in view (it had nothing to hide: going to
ground at a turn's end it stopped every turn, a player's reinforcements never arrived), to a unit that cannot move
unseen anyway (only infiltrators can), or one the player confirmed with a second Shift+click after being told its
first step gives the unit away. Only a hidden infiltrator ordered on keeps to cover and stops rather than show itself.
"""

from __future__ import annotations

from typing import Any

from engine import goto, rules
from engine.orders import Move
from engine.state import PHASES
from engine.units import SIDES

GOTO_KEY = "ui_goto"
"""`GameState.extra` key of the standing orders: {unit id: [col, row] of its goal}."""
OPEN_KEY = "ui_goto_open"
"""`GameState.extra` key of the units whose standing order marches on even if a step reveals them (a sorted list of
unit ids; see the module's docstring). An order not in it stops rather than give its hidden unit away."""
VIA_KEY = "ui_goto_via"
"""`GameState.extra` key of the waypoints of the standing orders: {unit id: [[col, row], ...]}, the hexes each
passes on its way, in order, before its goal (Shift+G adds one: the goal becomes a waypoint and the new hex the
goal). Kept beside `GOTO_KEY`, left out while empty (a game without waypoints saves as before). A waypoint reached
with move points left is passed in the same move, not stopped at (`run`)."""
ENEMY_NEAR_HEXES = 2
"""A known enemy this close (hexes) stops a standing order: the player decides what to do about it."""
KNOWN_KEY = "ui_goto_known"
"""`GameState.extra` key of the enemies each standing order was given knowing of: {unit id: [enemy ids]}, those
known within `ENEMY_NEAR_HEXES` of the unit when the player gave the order. They do not stop it: a player's order
given again next to a known enemy stopped at once, without a step, turn after turn (a playtest: nine groups before
Shusha). Left out while empty (a game without such orders saves as before)."""
STOP_EVENTS = {"AmbushSprung": "ambushed", "AssaultResolved": "in combat", "UnitDestroyed": "destroyed",
               "UnitRetreated": "driven back"}
"""Events of a step that end its unit's standing order, and the words for them."""


def orders(state: Any) -> dict[str, list[int]]:
    """The standing orders of the game (the dict in `state.extra`, created on first use)."""
    got = state.extra.get(GOTO_KEY)
    if not isinstance(got, dict):
        got = state.extra[GOTO_KEY] = {}
    return got


def goal_of(state: Any, uid: str | None) -> int | None:
    """The goal hex of `uid`'s standing order, or None (also for an entry that is no hex on the map: a
    hand-edited save's junk is dropped with a message when the game is loaded, `drop_bad`; never a traceback)."""
    if uid is None:
        return None
    got = state.extra.get(GOTO_KEY)
    if not isinstance(got, dict) or uid not in got:
        return None
    h = _hex(got[uid])
    return state.map.idx(h) if h is not None and state.map.on_map(h) else None


def _hex(v: Any) -> tuple[int, int] | None:
    """`v` as a hex (col, row) if it is a [col, row] pair of integers (as the UI writes it), else None.

    >>> _hex([3, 4]), _hex("north"), _hex([1, 2, 3]), _hex([1, "a"]), _hex([True, 1]), _hex([1.0, 2])
    ((3, 4), None, None, None, None, None)
    """
    if not isinstance(v, (list, tuple)) or len(v) != 2:
        return None
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in v):
        return None
    return int(v[0]), int(v[1])


def bad_entry(state: Any, uid: Any, goal: Any) -> str | None:
    """Why a standing order `uid: goal` cannot be carried out in this game (the save was edited by hand, or
    written for another scenario), or None: an order the UI could have given."""
    if not isinstance(uid, str) or uid not in state.unit_index:
        return "no such unit in this game"
    h = _hex(goal)
    if h is None:
        return "the goal is not a hex [col, row] of two integers"
    if not state.map.on_map(h):
        return f"the goal ({h[0]},{h[1]}) is off the {state.map.cols}×{state.map.rows} map"
    u = state.unit(uid)
    if state.utype(u).domain != "ground" or u.offmap:
        return "the unit does not move on the map"
    return None


def drop_bad(state: Any) -> list[str]:
    """Drop the standing orders of a loaded game (`state.extra[GOTO_KEY]`) that cannot be carried out, each
    named in a message (for the status line and the console). The game itself loads: the orders are the
    player's plans, which no rule reads, so a bad one costs the player only that plan (a hand-edited save
    crashed `play --load` and `replay` with a traceback)."""
    if not isinstance(state.extra, dict) or GOTO_KEY not in state.extra:
        return []
    got = state.extra[GOTO_KEY]
    if not isinstance(got, dict):
        state.extra = {**state.extra, GOTO_KEY: {}}
        return [f"go-to orders dropped: extra.{GOTO_KEY} must map unit ids to [col, row], got "
                f"{type(got).__name__} {_short(got)}"]
    out = []
    kept = dict(got)  # (a copy: `state.extra` may be the loaded document's own dict, or a live game's)
    for uid in sorted(got, key=str):
        why = bad_entry(state, uid, got[uid])
        if why is not None:
            out.append(f"go-to order {uid!r}: {_short(got[uid])} dropped ({why})")
            del kept[uid]
    if out:
        state.extra = {**state.extra, GOTO_KEY: kept}
    return out + _drop_bad_via(state)


def _drop_bad_via(state: Any) -> list[str]:
    """Drop the waypoints of a loaded game that cannot be followed (no go-to order for the unit, a waypoint that
    is no hex on the map), each named in a message; the go-to orders themselves stay."""
    got = state.extra.get(VIA_KEY)
    if got is None:
        return []
    if not isinstance(got, dict):
        state.extra = {k: v for k, v in state.extra.items() if k != VIA_KEY}
        return [f"go-to waypoints dropped: extra.{VIA_KEY} must map unit ids to [[col, row], ...], got "
                f"{type(got).__name__} {_short(got)}"]
    out, kept = [], {}
    for uid in sorted(got, key=str):
        hexes = got[uid]
        if not isinstance(uid, str) or goal_of(state, uid) is None:
            out.append(f"go-to waypoints of {uid!r} dropped (no go-to order of that unit)")
        elif not isinstance(hexes, list) or not hexes or any(
                _hex(h) is None or not state.map.on_map(_hex(h)) for h in hexes):
            out.append(f"go-to waypoints {uid!r}: {_short(hexes)} dropped (each must be a hex [col, row] on the map)")
        else:
            kept[uid] = hexes
    if out:
        state.extra = {k: v for k, v in state.extra.items() if k != VIA_KEY}
        if kept:
            state.extra[VIA_KEY] = kept
    return out


def via_of(state: Any, uid: str | None) -> list[int]:
    """The waypoints (hex indices, in order) of `uid`'s standing order still to pass (empty: none)."""
    got = state.extra.get(VIA_KEY) if isinstance(state.extra, dict) else None
    if uid is None or not isinstance(got, dict) or not isinstance(got.get(uid), list):
        return []
    hexes = [_hex(h) for h in got[uid]]
    return [state.map.idx(h) for h in hexes if h is not None and state.map.on_map(h)]


def set_via(state: Any, uid: str, idxs: list[int]) -> None:
    """Set `uid`'s waypoints (the key left out of the game while no order has any)."""
    _put(state, VIA_KEY, uid, [list(state.map.hex_of(i)) for i in idxs])


def _put(state: Any, key: str, uid: str, value: list[Any]) -> None:
    """`state.extra[key][uid] = value`, or the entry dropped for an empty `value`; the key itself left out of the
    game while it holds none (a game without them saves as before)."""
    if not isinstance(state.extra, dict):
        return
    got = state.extra.get(key)
    got = dict(got) if isinstance(got, dict) else {}
    if value:
        got[uid] = value
    else:
        got.pop(uid, None)
    if got:
        state.extra[key] = got
    else:
        state.extra.pop(key, None)


def route_legs(app: Any, uid: str, goal: int) -> list[list[int]]:
    """The cheapest way of `uid`'s order leg by leg, through its waypoints to `goal` (empty: some leg has no
    way): whether each leg is open. The moves themselves pass a waypoint and go on in the same phase where they
    can (`plan`)."""
    v = app.view
    legs: list[list[int]] = []
    here = None
    for target in [*via_of(app.state, uid), goal]:
        leg = goto.route(v, uid, target, start=here)
        if not leg:
            return []
        legs.append(leg)
        here = target
    return legs


def legs_route(app: Any, uid: str, goal: int) -> list[int]:
    """The planned route of `uid`'s order through its waypoints to `goal` (empty: some leg has no way): the way
    its moves will walk (`plan`), else, when that finds none, its legs joined."""
    path = plan(app, uid, goal)[0]
    if path:
        return path
    for leg in route_legs(app, uid, goal):
        path += leg if not path else leg[1:]
    return path


def plan(app: Any, uid: str, goal: int) -> tuple[list[int], int | None]:
    """(the hexes `uid`'s order will walk, in how many movement phases; None: no pace to give) at this turn's
    going, units ignored. Without waypoints the cheapest way and `goto.turns_along`; with them, phase by phase as
    `run` moves it (`goto.plan_through`: a waypoint reached with move points left is passed, not stopped at),
    so the pace counts the turns the moves will take. Cached per game state, unit, goal and waypoints (the panel
    asks every frame)."""
    st = app.state
    via = via_of(st, uid)
    key = (st.version, len(st.orders), id(st), uid, goal, app.view_side, tuple(via))
    got = getattr(app, "_goto_plan", None)
    if got is not None and got[0] == key:
        return got[1]
    v = app.view
    try:
        if via:
            out = goto.plan_through(v, uid, via, goal)
        else:
            path = goto.route(v, uid, goal)
            out = (path, goto.turns_along(v, uid, path) if path else None)
    except (KeyError, ValueError):
        out = ([], None)
    app._goto_plan = (key, out)
    return out


def _short(v: Any, n: int = 40) -> str:
    """`v` as JSON, cut to `n` characters (a message names the entry, not a whole edited file)."""
    import json

    try:
        s = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= n else s[: n - 1] + "…"


def side_orders(state: Any, side: int) -> list[tuple[str, int]]:
    """(unit id, goal hex) of `side`'s standing orders (in hotseat the dict holds both players')."""
    out = []
    got = state.extra.get(GOTO_KEY)
    for uid in sorted(got if isinstance(got, dict) else {}, key=str):
        if uid in state.unit_index and state.unit(uid).side == side:
            g = goal_of(state, uid)
            if g is not None:
                out.append((uid, g))
    return out


def known_of(state: Any, uid: str) -> set[str]:
    """The enemies `uid`'s standing order was given knowing of (`KNOWN_KEY`; a hand-edited save's junk ignored)."""
    got = state.extra.get(KNOWN_KEY) if isinstance(state.extra, dict) else None
    ids = got.get(uid) if isinstance(got, dict) else None
    return {e for e in ids if isinstance(e, str)} if isinstance(ids, list) else set()


def set_known(state: Any, uid: str, ids: set[str]) -> None:
    """Set the enemies `uid`'s order was given knowing of (the key left out of the game while none has any)."""
    _put(state, KNOWN_KEY, uid, sorted(ids))


def clear(state: Any, uid: str) -> bool:
    """Drop `uid`'s standing order; whether it had one."""
    set_open(state, uid, False)
    set_via(state, uid, [])
    set_known(state, uid, set())
    got = state.extra.get(GOTO_KEY)
    if isinstance(got, dict) and uid in got:
        del got[uid]
        return True
    return False


def marching(state: Any) -> set[str]:
    """The ids of the units whose standing order may reveal them (`OPEN_KEY`; a hand-edited save's junk ignored)."""
    got = state.extra.get(OPEN_KEY) if isinstance(state.extra, dict) else None
    return {u for u in got if isinstance(u, str) and u in state.unit_index} if isinstance(got, list) else set()


def set_open(state: Any, uid: str, on: bool) -> None:
    """Let `uid`'s standing order reveal it (or not); the list is kept sorted (saves compare equal), and the key
    left out while empty (a game without such orders saves as before)."""
    if not isinstance(state.extra, dict):
        return
    ids = marching(state)
    if (uid in ids) == on:
        return
    ids = ids | {uid} if on else ids - {uid}
    if ids:
        state.extra[OPEN_KEY] = sorted(ids)
    else:
        state.extra.pop(OPEN_KEY, None)


def stays_hidden(state: Any, uid: str) -> bool:
    """Whether a go-to order given to `uid` now would keep it hidden (stop rather than reveal it): only a hidden
    unit that can move unseen (an infiltrator) has that to keep."""
    u = state.unit(uid)
    return bool(u.hidden and state.utype(u).infiltrates)


def plan_words(app: Any, uid: str, goal: int) -> str:
    """"Going to Dashalti (21,13): 4 turns at this pace, counting this one" (or why there is no way)."""
    v = app.view
    legs = route_legs(app, uid, goal)
    named = place_first(app.state.map, goal)
    via = via_of(app.state, uid)
    if via:
        named += " via " + ", ".join(place_first(app.state.map, i) for i in via)
    if not legs:
        closed = [(s, t) for s, t in zip([None, *via], [*via, goal], strict=True) if not goto.route(v, uid, t, s)]
        if closed and all(goto.weather_only(v, uid, t, s) for s, t in closed):
            return (f"Going to {named}: this turn's weather ({v.weather.precipitation}) closes the way; it waits "
                    "for better going")
        return f"Going to {named}: no way there"
    n = plan(app, uid, goal)[1]  # (the moves' own count: a waypoint reached with points left is passed)
    pace = "" if n is None else f": {pace_words(app, n, uid)}"
    starts = [None, *via]
    kept = [(s, t) for s, t in zip(starts, [*via, goal], strict=True) if goto.weather_detour(v, uid, t, s)]
    if any(goto.no_way_round(v, uid, t, s) for s, t in kept):
        pace += (f"; this turn's {v.weather.precipitation} closes every way there: it moves up as far as the going "
                 "allows and waits there for better going")
    elif kept:
        pace += (f"; it keeps to the direct way in this {v.weather.precipitation}, moving as far as the going "
                 "allows and waiting where it is closed (the way round would be far longer)")
    return f"Going to {named}{pace}{supply_words(app, [i for leg in legs for i in leg])}"


def supply_words(app: Any, path: list[int]) -> str:
    """"; the way leaves your supply range at (30,14): ..." when the route does (`goto.beyond_supply`), else ""."""
    out = goto.beyond_supply(app.view, path)
    if out is None:
        return ""
    return (f"; the way leaves your supply range at {app.state.map.describe(out)} (no supply reaches it, whatever "
            "the enemy does): the order stops once the unit is cut off")


def pace_words(app: Any, n: int, uid: str) -> str:
    """How long `uid`'s way takes: `n`, the movement phases it needs from where it is at full move points (`plan`,
    `goto.turns_along`), counts this turn's only while its move of this turn is still to come (a player read
    "3 turns at this pace" after the move as 3 turns counting this one); and when the game ends first (a player
    saw "44 turns" in a 26-turn game).

    >>> from types import SimpleNamespace as N
    >>> app = N(state=N(scenario=N(turns=26), turn=25, side=0, phase_i=3, unit=lambda u: N(side=0, moved=True)))
    >>> pace_words(app, 1, "x")
    '1 turn at this pace: arrives next turn'
    >>> pace_words(app, 3, "x")
    '3 turns at this pace, after this one: more than the 1 left in the game after this one'
    """
    st = app.state
    now = this_turn_moves(st, st.unit(uid))
    left = st.scenario.turns - st.turn + (1 if now else 0)
    s = "s" if n != 1 else ""
    if n == 1:
        words = f"1 turn at this pace: arrives {'this' if now else 'next'} turn"
    else:
        words = f"{n} turn{s} at this pace, {'counting this one' if now else 'after this one'}"
    if n <= left:
        return words
    return f"{words}: more than the {left} left in the game" + ("" if now else " after this one")


PHASE_MOVEMENT = PHASES.index("movement")


def this_turn_moves(state: Any, u: Any) -> bool:
    """Whether `u` still has this turn's movement phase ahead: its side's half of the turn is still to come, or
    it is before or in its movement phase and it has not moved."""
    if state.side != u.side:
        return state.side < u.side  # (the attacker's half comes first: the defender's is still to come)
    return state.phase_i < PHASE_MOVEMENT or (state.phase_i == PHASE_MOVEMENT and not u.moved)


def hover_words(app: Any, idx: int) -> str:
    """The panel's line for a hex beyond the selected unit's reach: how to order it there, and how long."""
    sel = app.state.unit(app.selected) if app.selected else None
    if sel is not None and sel.idx == idx:  # (its own hex: G answered "is there already")
        return (f"{app.names.name(sel.id)} is here: click a yellow hex to move it, or Shift+click a hex beyond its "
                "reach to order it there over several turns")
    try:
        path = goto.route(app.view, app.selected, idx)
        n = goto.turns_along(app.view, app.selected, path) if path else None
    except (KeyError, ValueError):
        return ""
    if not path:
        never = goto.never_reaches(app.view, app.selected, idx)
        return f"Beyond reach, and it cannot get there: {never}" if never else "Beyond reach, and no way there for it"
    pace = f" ({pace_words(app, n, app.selected)})" if n else ""
    return f"Beyond reach this turn: Shift+click or G orders it to go here{pace}{supply_words(app, path)}"


def place_first(gmap: Any, idx: int) -> str:
    """"Dashalti (21,13)": the place's name first (`GameMap.describe` puts the hex first)."""
    name = gmap.place_name(idx)
    c, r = gmap.hex_of(idx)
    return f"{name} ({c},{r})" if name else f"({c},{r})"


def give(app: Any, idx: int) -> None:
    """The selected unit is ordered to go to hex `idx` over as many turns as it takes. In one's own movement
    phase it takes its first step at once (if it has not moved)."""
    st = app.state
    uid = app.selected
    if uid is None or st.outcome is not None:
        return
    u = st.unit(uid)
    ut = st.utype(u)
    if u.side != app.view_side or not app.my_turn():
        app.status = "Go-to orders are given to your own units, in your turn"
        return
    if ut.domain != "ground" or u.offmap:
        app.status = f"{app.names.name(uid)} ({ut.label}) does not move on the map: no go-to order"
        return
    if idx == u.idx:
        app.status = f"{app.names.name(uid)} is there already"
        return
    never = goto.never_reaches(app.view, uid, idx)
    if never is not None and goto.weather_only(app.view, uid, idx):
        never = None  # (closed by this turn's weather only: the order waits for better going)
    if never is not None:  # (refused, with the reason: a go-to it could never finish was accepted silently,
        # then "blocked" every turn with enemies blamed that were not there)
        app.status = f"{app.names.name(uid)} cannot reach {st.map.describe(idx)}: {never}"
        return
    hide = stays_hidden(st, uid)
    ask = (uid, idx, st.turn, st.phase_i)
    if hide and getattr(app, "goto_asked", None) == ask:  # (the second Shift+click: the player accepts it)
        hide = False
    elif hide and (why := first_reveal(app, uid, idx)) is not None:
        app.goto_asked = ask  # ask once, at order time (a go-to that stopped at once left the player guessing)
        app.status = (f"{app.names.name(uid)} is hidden and its first step to {st.map.describe(why[0])} would reveal "
                      f"it ({app.names(why[1])}): Shift+click (or G) again to order it there anyway - it then marches "
                      "on in the open")
        return
    app.goto_asked = None
    set_via(st, uid, [])  # (a new order replaces the old one, its waypoints too; Shift+G adds them)
    near = {e for _, e, _ in near_enemies(app, u.idx)}
    set_known(st, uid, near)  # (given knowing of them: they do not stop it, new ones do)
    orders(st)[uid] = list(st.map.hex_of(idx))
    set_open(st, uid, not hide)
    if uid in held(st):  # (going somewhere: no longer holding)
        set_hold(st, uid, False)
    notes = run(app, only=uid, just_given=True) if st.phase == "movement" and not u.moved else []  # (the first leg)
    if goal_of(app.state, uid) is None:  # arrived or stopped on the first leg: that is the news
        app.status = "; ".join(notes)
        return
    # the plan as the panel then shows it: from where the first leg left the unit (said before the leg, the
    # status counted one turn more than the panel beside it)
    keep = "; it keeps to cover and stops rather than show itself" if hide else ""
    now = app.state.unit(uid)  # (why one hidden unit keeps to cover and another does not was unsaid: a playtest)
    if now.hidden and not ut.infiltrates:
        keep = f"; hidden now, its first step gives it away: {rules.move_reveal_reason(app.state, now, [now.idx])}"
    if near:  # (said, as the stop for them was: the player may not mean to march past them)
        keep += (f"; it marches on past {', '.join(sorted(app.names.short(e) for e in near))}, known near it as "
                 "you gave the order (other enemies it meets stop it)")
    app.status = (f"{app.names.name(uid)}: {plan_words(app, uid, idx)}. It moves on at the start of each of your "
                  f"movement phases{keep} (Backspace cancels)") + (" - " + "; ".join(notes) if notes else "")


def add_waypoint(app: Any, idx: int) -> None:
    """Shift+G: hex `idx` becomes the selected unit's new goal, its go-to goal so far a waypoint it passes first
    (the order's legs are followed in turn). Without a go-to order it is an ordinary one (G)."""
    st = app.state
    uid = app.selected
    goal = goal_of(st, uid)
    if uid is None or goal is None or st.unit(uid).side != app.view_side:
        give(app, idx)
        return
    if not app.my_turn() or st.outcome is not None:
        app.status = "Go-to orders are given to your own units, in your turn"
        return
    name = app.names.name(uid)
    if idx == goal:
        app.status = f"{st.map.describe(idx)} is the goal of {name}'s go-to order already"
        return
    if not goto.route(app.view, uid, idx, start=goal) and not goto.weather_only(app.view, uid, idx, start=goal):
        # (a leg closed by this turn's weather only is kept, as `give` keeps such an order: it waits)
        never = goto.never_reaches(app.view, uid, idx)
        app.status = f"{name} cannot go on from {st.map.describe(goal)} to {st.map.describe(idx)}: " + (
            never or "no way there")
        return
    set_via(st, uid, [*via_of(st, uid), goal])
    orders(st)[uid] = list(st.map.hex_of(idx))
    app.status = (f"{name}: waypoint {place_first(st.map, goal)} kept; {plan_words(app, uid, idx)} "
                  "(Shift+G adds another leg, Backspace cancels the order)")


def first_reveal(app: Any, uid: str, goal: int) -> tuple[int, str] | None:
    """(the hex of `uid`'s next go-to step towards `goal`, why that step reveals it) when it does, else None (no
    step this phase, or one that keeps it hidden)."""
    st = app.state
    u = st.unit(uid)
    if st.phase != "movement" or u.moved or not u.hidden or not app.my_turn():
        return None
    step = goto.next_step(app.view, uid, goal)
    why = app.view.move_reveal(uid, step) if step is not None else None
    return None if why is None else (step, why)


def cancel(app: Any, uid: str | None = None) -> None:
    """Cancel the standing order of `uid` (the selected unit if None)."""
    uid = uid or app.selected
    if uid is None:
        app.status = "Select a unit to cancel its go-to order"
        return
    if clear(app.state, uid):
        app.status = f"Go-to order of {app.names.name(uid)} cancelled"
    else:
        app.status = f"{app.names.name(uid)} has no go-to order"


def near_enemies(app: Any, idx: int) -> list[tuple[int, str, Any]]:
    """(distance, id, contact) of each known enemy within `ENEMY_NEAR_HEXES` of hex `idx`."""
    gm = app.state.map
    return [(d, c.id, c) for c in app.view.contacts if (d := gm.distance(c.idx, idx)) <= ENEMY_NEAR_HEXES]


def near_enemy(app: Any, idx: int, known: set[str] | frozenset[str] = frozenset()) -> Any | None:
    """A known enemy within `ENEMY_NEAR_HEXES` of hex `idx` (the nearest), or None; those in `known` (the order
    was given knowing of them: `KNOWN_KEY`) left out."""
    near = [t for t in near_enemies(app, idx) if t[1] not in known]
    return min(near, key=lambda t: t[:2])[2] if near else None


def run(app: Any, only: str | None = None, just_given: bool = False) -> list[str]:
    """Carry out the viewing side's standing orders (or `only` that unit's): one move each, nearest its goal
    first (the leaders clear the hexes those behind them move into), each through `App.issue`; a move whose path
    passes waypoints drops them (`goto.step_through` goes on past one where the rules' cheapest path allows).
    `just_given`: the order was given a moment ago, knowing the unit's supply, so being cut off does not stop it
    (a playtest gave the order again after the stop, and it stopped again at once, every time that turn).
    Returns what happened, a phrase a unit, for the status line (each unit by its short name,
    `ui.names.Namer.short`: the line holds two rows); the stops also go to the turn's notes (report window), the
    unit by its full name. The units that stopped (contact, ambush, blocked) come first, those that waited,
    arrived or simply moved after them (a contact on a far flank was the last of ten)."""
    st = app.state
    side = app.view_side
    names = app.names
    todo = side_orders(st, side)
    if only is not None:
        todo = [(uid, g) for uid, g in todo if uid == only]
    v = app.view
    todo.sort(key=lambda t: (float(goto.remaining_cost(v, t[0], t[1])[st.unit(t[0]).idx]), t[0]))
    said: list[str] = []
    rank: list[int] = []  # (0 stopped or destroyed, 1 waits, 2 arrived, 3 moved on: the order of the status line)
    stopped_at: list[int] = []

    def say(text: str, r: int) -> None:
        said.append(text)
        rank.append(r)

    def stop(uid: str, why: str) -> None:
        clear(st, uid)
        who = names.short(uid)
        if why.startswith("arrived"):
            say(f"{who} {why}", 2)
        else:
            say(f"{who} stopped: {why}", 0)
        app.report_notes.append(f"Go-to order of {names.name(uid)} ended: {why}")
        stopped_at.append(st.unit(uid).idx)
        if not why.startswith("arrived"):
            app.goto_stops.append(st.unit(uid).idx)
            stalled(app)[uid] = phase_key(app.state)  # (the end-of-movement reminder names it, hidden or not)

    open_ids = marching(st)
    for uid, goal in todo:
        if st.outcome is not None or st.side != side or st.phase != "movement":
            break
        st = app.state
        u = st.unit(uid)
        if not u.active or u.strength <= 0:
            clear(st, uid)
            continue
        where = st.map.describe(goal)
        via = via_of(st, uid)
        while via and u.idx == via[0]:  # (a waypoint reached: on to the next leg)
            via = via[1:]
            set_via(st, uid, via)
        if u.idx == goal and not via:
            stop(uid, f"arrived at {where}")
            continue
        if u.moved:
            continue
        target = via[0] if via else goal  # (the step heads for the next waypoint, then the goal)
        v = app.view
        enemy = near_enemy(app, u.idx, known_of(st, uid))
        if enemy is not None:
            far = st.map.distance(enemy.idx, u.idx)
            stop(uid, f"{names.name(enemy.id)} known {far} {'hex' if far == 1 else 'hexes'} away at "
                      f"{st.map.describe(enemy.idx)}")
            continue
        if not u.supplied and u.turns_out_of_supply == 1 and not just_given:
            stop(uid, "cut off from supply this turn (Shift+click its goal again to march on out of supply)")
            continue
        # (a waypoint in reach is passed and the move goes on towards the next one, as far as its points allow)
        step = goto.step_through(v, uid, via, goal) if via else None
        if step is None:
            step = goto.next_step(v, uid, target)
        if step is None:
            why, wait = goto.why_no_step(v, uid, target)
            if wait:
                say(f"{names.short(uid)} waits: {names(why)}", 1)
                stalled(app)[uid] = phase_key(st)
            else:
                stop(uid, f"blocked - {names(why)}")
            continue
        reveal = v.move_reveal(uid, step) if u.hidden else None
        if reveal is not None and uid not in open_ids:
            stop(uid, f"its next step to {st.map.describe(step)} would reveal it ({names(reveal)}); move it by hand, "
                      "or Shift+click its goal twice to let it march on in the open")
            continue
        known0 = {c.id for c in v.contacts}
        strength0 = u.strength
        events = app.issue(Move(uid, st.map.hex_of(step)), undoable=True)
        st = app.state
        if events is None:  # refused (the status says why)
            stop(uid, app.status)
            continue
        u = st.unit(uid)
        moved = next((e for e in events if e.kind == "UnitMoved" and e.unit == uid), None)
        why = next((w for e in events for k, w in STOP_EVENTS.items() if e.kind == k and uid in e.units()), None)
        if u.strength <= 0:
            clear(st, uid)
            say(destroyed_words(st, names.short(uid), uid, events), 0)
            continue
        shown = next((e for e in events if e.kind == "UnitRevealed" and e.unit == uid), None)
        out_of_hiding = ""
        if shown is not None and uid in open_ids:  # (an order that may reveal it marches on, and says so; why is
            out_of_hiding = " (out of hiding)"  # in the notes: the reason, every step of every march, crowded the line)
        elif why is None and shown is not None:
            why = "revealed"
        if why is None and moved is not None and moved.stopped:
            why = f"move cut short ({names(moved.stopped)})"
        new = [c for c in app.view.contacts if c.id not in known0]
        if why is None and new:
            why = "new enemy contact: " + ", ".join(names.name(c.id) for c in new)
        to = st.map.describe(u.idx)
        walked = [st.map.idx(tuple(h)) for h in moved.path] if moved is not None else [u.idx]
        n_passed = goto.passed_along(walked, via)  # (the hexes it walked: a move cut short passed fewer)
        if n_passed:
            via = via[n_passed:]
            set_via(st, uid, via)
        if why is not None:
            stop(uid, f"{why} at {to}{lost_words(st, u, strength0)}{out_of_hiding}")
        elif u.idx == goal and not via:
            stop(uid, f"arrived at {where}{out_of_hiding}")
        else:
            passed = ""
            if n_passed:
                passed = " (waypoint passed)" if n_passed == 1 else f" ({n_passed} waypoints passed)"
            say(f"{names.short(uid)} to {to}{passed}{out_of_hiding}", 3)
            if out_of_hiding:  # (the stops above go to the notes anyway)
                app.report_notes.append(f"Go-to order of {names.name(uid)}: revealed on its way to {where} "
                                        f"({names(shown.reason)}); it marches on")
    app.highlight = app.highlight + stopped_at  # (each order's `issue` set the outlines to its own events)
    order = sorted(range(len(said)), key=lambda k: rank[k])
    return [said[k] for k in order]


def destroyed_words(state: Any, who: str, uid: str, events: list[Any]) -> str:
    """What the status line says of a unit destroyed on a go-to order's step: where and by what, when an ambush did
    it (a player read "destroyed on the way" and had to search the log for the ambush).

    >>> from types import SimpleNamespace as E
    >>> gm = E(describe=lambda i: f"hex{i}", idx=lambda h: h[0] * 10 + h[1])
    >>> st = E(map=gm)
    >>> destroyed_words(st, "SF 1", "az_sf_1", [E(kind="AmbushSprung", target="az_sf_1", target_hex=[2, 3])])
    'SF 1 destroyed on the way: ambushed at hex23'
    >>> destroyed_words(st, "SF 1", "az_sf_1", [E(kind="UnitDestroyed", unit="az_sf_1")])
    'SF 1 destroyed on the way'
    """
    amb = next((e for e in events if e.kind == "AmbushSprung" and e.target == uid), None)
    how = f": ambushed at {state.map.describe(state.map.idx(tuple(amb.target_hex)))}" if amb is not None else ""
    return f"{who} destroyed on the way{how}"


def lost_words(state: Any, u: Any, before: int) -> str:
    """", lost 2 steps (1 of 3 steps left)" when unit `u` came out of its go-to step weaker than `before`, else "": a
    march ambushed on the way said only "stopped: ambushed at (23,14)", its losses in no line the player saw (a
    player's playtest)."""
    lost = before - u.strength
    if lost <= 0:
        return ""
    steps = "step" if lost == 1 else "steps"
    return f", lost {lost} {steps} ({u.strength} of {state.utype(u).max_steps} steps left)"


def phase_key(state: Any) -> tuple[int, int, int]:
    """(turn, side, phase index): which phase a note about the go-to orders belongs to."""
    return state.turn, state.side, state.phase_i


def stalled(app: Any) -> dict[str, tuple[int, int, int]]:
    """{unit id: the phase its go-to order stopped short in} (not arrived): the end-of-movement reminder names
    such a unit in that phase even if it is hidden (`App.need_not_act` leaves hidden units out)."""
    got = getattr(app, "goto_stalled", None)
    if not isinstance(got, dict):
        got = app.goto_stalled = {}
    return got


def stalled_now(app: Any) -> set[str]:
    """The units whose go-to order stopped short in this phase and that have not moved since."""
    st = app.state
    key = phase_key(st)
    return {uid for uid, k in stalled(app).items() if k == key and uid in st.unit_index and not st.unit(uid).moved}


GOTO_NOTE = " | go-to orders: "
"""Where the go-to report begins on a status line that keeps the enemy turn's summary before it
(`ui.panels.split_notes` shows it on lines of its own)."""


NOTHING_SEEN = "Enemy turn: you saw nothing of it"
"""The enemy-turn summary when nothing of the enemy was seen (`ui.app.App.enemy_turn_summary`): left out of the status
line before the go-to orders' news (the report, V, still says it)."""
SKIP_NOTE = " | skipped the "
"""How a skipped phase's note follows the status line (`ui.app.skip_status`)."""


def run_phase_start(app: Any) -> None:
    """At the start of the human side's movement phase: run its standing orders, sum them up on the status
    line (the moves themselves are in the event log). The enemy turn's summary stays in front of them (a unit
    destroyed in the enemy's turn went unnoticed behind the report of the go-to moves), and the map centres on
    the units that stopped (contact, ambush) when they are out of view. A skipped phase's note stays as well."""
    if not side_orders(app.state, app.view_side):
        return
    before = app.status
    app.goto_stops = []
    said = run(app)
    if not said:
        return
    if before.startswith(NOTHING_SEEN):
        # (nothing seen of the enemy: the go-to news leads, a skipped phase's note after it. "Enemy turn: you saw
        # nothing of it" took the first line every turn of a long march, its ambushes behind it: a player's playtest)
        app.status = f"Go-to orders ({SIDES[app.view_side]}): " + "; ".join(said) + before[len(NOTHING_SEEN):]
    elif before.startswith(("Enemy turn:", "Skipped the ")) or SKIP_NOTE in before:
        # (why a phase was skipped stays too: the artillery's reason was lost behind the go-to report)
        app.status = before + GOTO_NOTE + "; ".join(said)
    else:
        app.status = f"Go-to orders ({SIDES[app.view_side]}): " + "; ".join(said)
    if app.goto_stops:
        app.bring_into_view(app.goto_stops)


# ---------------------------------------------------------------------------------------------- drawing
ROUTE = (120, 220, 255)
"""The planned route of a go-to order (dashed) and its goal's ring: apart from this turn's white path, the
yellow reach, the orange target rings and the gold objective."""
DASH_PX = 9
"""Length of a dash (and of the gap after it) of the planned route, in pixels."""


def planned_route(app: Any) -> tuple[list[int], int] | None:
    """(route, goal) of the selected unit's standing order, computed once per game state and selection."""
    st = app.state
    goal = goal_of(st, app.selected)
    if goal is None or st.unit(app.selected).side != app.view_side or app.pass_screen:
        return None
    key = (st.version, len(st.orders), id(st), app.selected, goal, app.view_side, tuple(via_of(st, app.selected)))
    got = getattr(app, "_goto_route", None)
    if got is None or got[0] != key:
        try:
            path = legs_route(app, app.selected, goal)
        except (KeyError, ValueError):
            path = []
        got = app._goto_route = (key, path)
    return got[1], goal


def dashed(screen: Any, colour: tuple[int, int, int], pts: list[tuple[float, float]], width: int) -> None:
    """The route's dashed polyline (gaps as long as the dashes)."""
    from ui.render_map import dashed_line

    dashed_line(screen, colour, pts, width, float(DASH_PX), gap=1.0)


def draw_route(app: Any, screen: Any) -> None:
    """The selected unit's standing order: a dashed line along its planned route to a ringed goal (under the
    counters: the route is a plan, the counters the facts)."""
    import pygame

    got = planned_route(app)
    if got is None:
        return
    path, goal = got
    size = app.geo.size
    pts = [app.hex_to_screen(i) for i in path]
    w = max(2, size // 6)
    if len(pts) >= 2:
        dashed(screen, (0, 0, 0), pts, w + 2)
        dashed(screen, ROUTE, pts, w)
    x, y = app.hex_to_screen(goal)
    r = max(5, int(size * 0.55))
    pygame.draw.circle(screen, (0, 0, 0), (int(x), int(y)), r, w + 2)
    pygame.draw.circle(screen, ROUTE, (int(x), int(y)), r, w)
    for i in via_of(app.state, app.selected):  # (the waypoints: smaller rings on the route)
        x, y = app.hex_to_screen(i)
        pygame.draw.circle(screen, (0, 0, 0), (int(x), int(y)), max(3, r // 2), w + 2)
        pygame.draw.circle(screen, ROUTE, (int(x), int(y)), max(3, r // 2), w)


def flag_image(app: Any, px: int) -> Any:
    """A small pennant on a staff: the mark of a counter with a standing go-to order."""
    import pygame

    img = pygame.Surface((px, px), pygame.SRCALPHA)
    staff = max(1, px // 8)
    pygame.draw.line(img, (0, 0, 0), (staff, 0), (staff, px - 1), staff + 1)
    pts = [(staff + 1, 0), (px - 1, px // 4), (staff + 1, px // 2)]
    pygame.draw.polygon(img, ROUTE, pts)
    pygame.draw.polygon(img, (0, 0, 0), pts, 1)
    return img


def draw_markers(app: Any, screen: Any) -> None:
    """A small pennant at the top-left corner of each own counter with a standing go-to order (over the
    counters; the route itself is drawn for the selected unit only, so the map does not fill with lines)."""
    if app.pass_screen:
        return
    ids = [uid for uid, _ in side_orders(app.state, app.view_side)]
    if not ids:
        return
    px = max(8, min(16, app.geo.size // 2))
    img = flag_image(app, px)
    for uid in ids:
        box = app.unit_boxes.get(uid)
        if box is None:
            continue
        r = box[1]
        screen.blit(img, (r.left - px // 3 - int(app.vx), r.top - px + px // 4 - int(app.vy)))


# ---------------------------------------------------------------------------------------------- hold marks
HOLD_KEY = "ui_hold"
"""`GameState.extra` key of the units the player marked to hold where they are (key K): a list of unit ids, saved
with the game, read by no rule. The end-of-phase warning leaves them out ("N units have not moved")."""
HOLD = (255, 225, 90)
"""The hold mark's colour (a small bar under the counter)."""


def held(state: Any) -> set[str]:
    """The ids of the units marked to hold (a hand-edited save's junk is ignored)."""
    got = state.extra.get(HOLD_KEY) if isinstance(state.extra, dict) else None
    return {u for u in got if isinstance(u, str) and u in state.unit_index} if isinstance(got, list) else set()


def set_hold(state: Any, uid: str, on: bool) -> None:
    """Mark `uid` to hold (or not); the list is kept sorted (saves compare equal)."""
    ids = held(state)
    ids = ids | {uid} if on else ids - {uid}
    state.extra[HOLD_KEY] = sorted(ids)


def toggle_hold(app: Any) -> None:
    """Key K: the selected own ground unit is marked to hold (or the mark is taken off); a hold replaces a go-to
    order, and a move by hand takes the mark off."""
    uid = app.selected
    st = app.state
    if uid is None:
        app.status = "Select one of your units, then press K to mark it to hold (it is not counted as idle)"
        return
    u = st.unit(uid)
    if u.side != app.view_side or st.utype(u).domain != "ground" or u.offmap:
        app.status = f"{app.names.name(uid)} cannot be marked to hold (K marks your own units on the map)"
        return
    on = uid not in held(st)
    set_hold(st, uid, on)
    if on:
        dropped = clear(st, uid)
        app.status = (f"{app.names.name(uid)} holds where it is: not counted among the units that have not moved"
                      f"{'; its go-to order is cancelled' if dropped else ''} (K again lifts the mark)")
    else:
        app.status = f"{app.names.name(uid)} no longer marked to hold"


def draw_hold_marks(app: Any, screen: Any) -> None:
    """A small "HOLD" tag under each own counter marked to hold."""
    if app.pass_screen:
        return
    ids = sorted(held(app.state))
    if not ids:
        return
    px = max(8, min(12, app.geo.size // 2))
    full, short = hold_tag(app, "HOLD", px), hold_tag(app, "H", px)
    drawn: list[Any] = []
    for uid in ids:
        u = app.state.unit(uid)
        box = app.unit_boxes.get(uid)
        if box is None or u.side != app.view_side:
            continue
        r = box[1]
        at = (r.centerx - int(app.vx), r.bottom - 2 - int(app.vy))
        img = full
        spot = img.get_rect(midtop=at)
        if spot.collidelist(drawn) >= 0:  # (two marked neighbours' tags ran together, "HOLDHOLD": a playtest)
            img = short
            spot = img.get_rect(midtop=at)
            if spot.collidelist(drawn) >= 0:  # (zoomed far out: no room even for "H"; the roster says HOLD)
                continue
        screen.blit(img, spot)
        drawn.append(spot)


def hold_tag(app: Any, text: str, px: int) -> Any:
    """A HOLD tag: dark text on a yellow plate with a dark rim, so that tags side by side read as two."""
    import pygame

    txt = app.ui_text.render(text, px, (0, 0, 0), bold=True)
    plate = pygame.Surface((txt.get_width() + 4, txt.get_height()), pygame.SRCALPHA)
    plate.fill((*HOLD, 255))
    pygame.draw.rect(plate, (20, 20, 20), plate.get_rect(), 1)
    plate.blit(txt, (2, 0))
    return plate


def drop_plans(state: Any) -> None:
    """Take the player's plans (go-to orders, hold marks) out of `state`: a save keeps only those standing when it
    was saved, not when each was given or lifted, so a replay that showed them would show the last ones at every
    step (`ui.replay`). `state.extra` is replaced, not changed: it may be the dict of the document the state was
    built from, which `engine.savegame.save_dict` takes from a live game as it is."""
    if isinstance(state.extra, dict):
        state.extra = {k: v for k, v in state.extra.items() if k not in (GOTO_KEY, HOLD_KEY, OPEN_KEY, VIA_KEY)}
