"""Replay viewer: step through a save file (re-running its orders with engine.rules.apply, with cached states
for stepping back) or through a JSON-lines event log (highlighting each event's hexes)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pygame

from engine.errors import IllegalOrder, SaveFormatError, WargameError
from engine.orders import EndPhase, SandboxCloudBase, SandboxWeather, order_from_dict
from engine.rules import apply, new_game
from engine.savegame import game_from_save_dict, looks_like_event_log, read_text
from ui import goto_orders
from ui.app import SCROLL_KEYS, App
from ui.status import order_summary

CACHE_EVERY = 40


def scenario_mismatch(given: Any, recorded_sha: str, recorded_name: str, what: str) -> str | None:
    """The message when the scenario file `given` (a Scenario) is not the one a save or log recorded (by sha256,
    not only by name: a scenario edited under the same name replayed with no complaint), else None."""
    if given.sha256 == recorded_sha:
        return None
    return (f"{what} was played on {recorded_name!r} (sha256 {recorded_sha[:12]}), but the scenario given is "
            f"{given.meta.name!r} (sha256 {given.sha256[:12]})")


def _no_scenario_words(path: Path, text: str) -> str:
    """Why `path` cannot be replayed without --scenario, and what to do: a scenario file is played, or a game on it
    saved (a newcomer was told "not a save file; to replay an event log give --scenario FILE" of a lesson scenario);
    an event log names the scenario its game was played on, as its first event records it."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        doc = None
    if isinstance(doc, dict) and "map" in doc and "units" in doc:
        return (f"{path}: a scenario, not a save: play it with `wargame play {path}`, or record a game on it to "
                f"replay with `wargame run {path} --seed 1 --save game.json`")
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        ev = json.loads(first)
    except (json.JSONDecodeError, RecursionError):
        ev = None
    if isinstance(ev, dict) and ev.get("kind") == "GameStarted" and isinstance(ev.get("scenario"), str):
        sha = str(ev.get("scenario_sha256", ""))[:12]
        return (f"{path}: an event log of a game of {ev['scenario']!r}" + (f" (scenario sha256 {sha})" if sha else "")
                + ": give --scenario FILE, that scenario's file (with the same --set changes, if the game had any)")
    return f"{path}: not a save file; to replay an event log give --scenario FILE (the scenario the log was played on)"


class ReplayModel:
    """Position k = number of orders applied (save) or index of the current event (log)."""

    def __init__(self) -> None:
        self.kind = "save"
        self.orders: list[Any] = []
        self.cache: dict[int, Any] = {}
        self.turn_at: list[int] = []
        self.events: list[Any] = []
        self.base: Any = None
        self.k = 0
        self.state: Any = None
        self.notes: list[str] = []
        """What the viewer must say before anything else: bad go-to orders dropped from a save, a log replayed on
        another scenario (`--force-scenario`)."""
        self.finished = True
        """Whether the game replayed has ended (a save of a game still being played has not)."""

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, scenario: str | Path | None = None,
             force_scenario: bool = False, sets: Sequence[str] = ()) -> ReplayModel:
        """A save (it carries its scenario) or an event log over `scenario` with the `--set` overrides `sets` the
        game was played with (`wargame run --set ... --log`)."""
        p = Path(path)
        text = read_text(p)
        doc = None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            pass
        if isinstance(doc, dict) and "save_format" in doc:
            if sets:
                raise SaveFormatError(f"{p}: --set changes the scenario of an event log; a save carries the "
                                      "scenario it was played on, changes included")
            return cls.from_save_dict(doc, source=str(p))
        return cls.from_log(p, scenario, force_scenario, sets)

    @classmethod
    def from_save_dict(cls, doc: dict[str, Any], source: str = "save") -> ReplayModel:
        m = cls()
        m.kind = "save"
        if not isinstance(doc.get("orders"), list):
            raise SaveFormatError(f"{source}: orders must be a list")
        for n, od in enumerate(doc["orders"]):
            try:
                m.orders.append(order_from_dict(od))
            except SaveFormatError as e:  # (the file and the number, as `wargame play --load` says it)
                raise SaveFormatError(f"{source}: order {n}: {e}") from None
        m.base = game_from_save_dict({**doc, "orders": []}, source=source, track_sightings=True)
        # bad go-to entries are named although the replay draws no plans: the note is about the file (hand-edited
        # or damaged), said as `play --load` says it, for a teacher who will load it to play on
        m.notes = goto_orders.drop_bad(m.base)
        # no plans at all: the save holds the go-to orders and hold marks of its end only, and those shown at
        # every step told of plans not yet made, or long since carried out (before the states are copied)
        goto_orders.drop_plans(m.base)
        m._step_through(source)
        return m

    def _step_through(self, source: str) -> None:
        """The states along `orders` from `base`: every CACHE_EVERY-th kept, and the turn of each position."""
        m = self
        st = m.base.copy()
        m.cache[0] = st.copy()
        m.turn_at = [st.turn]
        for n, o in enumerate(m.orders):
            try:
                apply(st, o)
            except IllegalOrder as e:
                raise SaveFormatError(f"{source}: order {n} does not replay: {e.reason}") from None
            if (n + 1) % CACHE_EVERY == 0:
                m.cache[n + 1] = st.copy()
            m.turn_at.append(st.turn)
        m.finished = st.outcome is not None
        m.state = m.cache[0].copy()

    @classmethod
    def from_log(cls, path: Path, scenario: str | Path | None, force_scenario: bool = False,
                 sets: Sequence[str] = ()) -> ReplayModel:
        """The log's events over the scenario's map. The scenario must be the one the log was played on (its
        sha256, which the log's first event records; a scenario edited under the same name showed a map with no
        counters beside a log about units that were not there), unless `force_scenario` (then a note says so).
        """
        from engine.events import read_jsonl
        from engine.scenario import WEATHER_MODES, load_scenario

        if scenario is None:
            text = read_text(path)
            if text.strip() and not looks_like_event_log(text):  # (a save cut short was told to add --scenario)
                try:
                    json.loads(text)
                except json.JSONDecodeError as e:
                    raise SaveFormatError(f"{path}: a damaged or truncated file, neither a save nor an event log "
                                          f"(invalid JSON at line {e.lineno}, column {e.colno}: {e.msg})") from None
            raise SaveFormatError(_no_scenario_words(path, text))
        try:
            events = read_jsonl(str(path))
        except (ValueError, KeyError, TypeError) as e:
            raise SaveFormatError(f"{path}: not an event log ({e})") from None
        if not events:
            raise SaveFormatError(f"{path}: empty event log")
        scen = load_scenario(scenario)
        if sets:  # (a log of `wargame run --set ...`: its scenario is the file with those changes)
            from engine.batch import with_overrides

            scen = with_overrides(scen, sets, str(scenario))
        started = events[0]
        m = cls()
        if started.kind == "GameStarted":
            wrong = scenario_mismatch(scen, started.scenario_sha256, started.scenario, str(path))
            if wrong is not None and not force_scenario:
                raise SaveFormatError(f"{wrong}; units may be missing or different. Give the scenario the game was "
                                      "played on (with the same --set changes, given to replay too), or add "
                                      "--force-scenario to replay it anyway")
            if wrong is not None:
                said = scenario_mismatch(scen, started.scenario_sha256, started.scenario, "the log")
                m.notes.append(f"{said}: replayed anyway (--force-scenario); units may be missing or different")
        m.kind = "log"
        m.events = events
        seed = getattr(started, "seed", 0) if started.kind == "GameStarted" else 0
        mode = getattr(started, "weather_mode", None) if started.kind == "GameStarted" else None
        if mode is not None and mode not in WEATHER_MODES:  # (a hand-edited log: the scenario's weather)
            m.notes.append(f"weather mode {mode!r} is unknown: the scenario's weather is shown")
            mode = None
        try:
            m.state = new_game(scen, seed, mode, track_sightings=True)
        except ValueError as e:
            raise SaveFormatError(f"{path}: {e}") from None
        if started.kind == "GameStarted" and not m.notes:  # (not on a forced scenario: it would not match)
            replayed = cls._played_again(scen, seed, mode, getattr(started, "agents", {}), events, str(path))
            if replayed is not None:
                return replayed
            m.notes.append("the log is not an AI game this engine plays again from its seed (a player's game, "
                           "another engine version or an agent not installed): its events are shown, not the "
                           "units as they moved; replay a save (wargame run --save, Save in the game) for that")
        m.turn_at = [ev.turn for ev in events]
        return m

    @classmethod
    def _played_again(cls, scen: Any, seed: int, mode: str | None, agents: Any, events: list[Any],
                      source: str) -> ReplayModel | None:
        """An AI game's log stepped through as a save is: the same scenario, seed, weather and agents give the same
        log (the engine's determinism), so the game is played again and, when its log is the file's to the byte,
        its orders are stepped through with every unit on the map. None otherwise, and for a game any of whose
        agents is not one of the engine's own: reading a file must not import and run code it names."""
        from engine.ai import AGENTS
        from engine.events import event_to_json
        from engine.game import play_game

        names = {k: v for k, v in (agents or {}).items() if isinstance(v, str)} if isinstance(agents, dict) else {}
        if set(names) != {"attacker", "defender"} or not all(v in AGENTS for v in names.values()):
            return None
        try:
            st = play_game(scen, seed, agents=names, weather_mode=mode)
        except (WargameError, ValueError):  # (a hand-edited log's weather mode, say: the events only)
            return None
        if len(st.log) != len(events) or any(event_to_json(a) != event_to_json(b) for a, b in zip(st.log, events,
                                                                                                    strict=True)):
            return None
        m = cls()
        m.kind = "save"
        m.orders = list(st.orders)
        m.base = new_game(scen, seed, mode, track_sightings=True)
        m._step_through(source)
        return m

    # ------------------------------------------------------------------ stepping
    @property
    def n(self) -> int:
        return len(self.orders) if self.kind == "save" else len(self.events) - 1

    def goto(self, k: int) -> Any:
        k = max(0, min(self.n, k))
        if self.kind == "log":
            self.k = k
            return self.state
        if k == self.k + 1:
            apply(self.state, self.orders[self.k])
        elif k != self.k:
            base = max(c for c in self.cache if c <= k)
            st = self.cache[base].copy()
            for o in self.orders[base:k]:
                apply(st, o)
            self.state = st
        self.k = k
        return self.state

    def next_turn(self) -> Any:
        t = self.turn_at[self.k]
        k = self.k
        while k < self.n and self.turn_at[k] <= t:
            k += 1
        return self.goto(k)

    def first_of_turn(self, turn: int) -> int | None:
        """The first order (or event) of `turn`, where `wargame replay --turn` starts; None when the game never
        reached it."""
        return next((k for k, t in enumerate(self.turn_at[:self.n + 1]) if t >= turn), None)

    def prev_turn(self) -> Any:
        """Go to the first order (or event) of the previous turn."""
        target = self.turn_at[self.k] - 1
        k = next((i for i, tt in enumerate(self.turn_at) if tt >= target), 0)
        return self.goto(min(k, max(0, self.k - 1)))

    def current_events(self) -> list[Any]:
        if self.kind == "log":
            return [self.events[self.k]]
        if self.k == 0:
            return []
        # the events of the last order: those after the log length of the previous step
        prev = self.cache.get(self.k - 1)
        if prev is None:
            prev_len = self._log_len(self.k - 1)
        else:
            prev_len = len(prev.log)
        return self.state.log[prev_len:]

    def _log_len(self, k: int) -> int:
        base = max(c for c in self.cache if c <= k)
        st = self.cache[base].copy()
        for o in self.orders[base:k]:
            apply(st, o)
        return len(st.log)


def order_side(state: Any, order: Any) -> int | None:
    """The side that gave `order` (None for the sandbox's weather, which is no side's)."""
    from engine.units import SIDES

    if isinstance(order, EndPhase):
        return SIDES.index(order.side)
    uid = getattr(order, "unit", None)
    return state.unit(uid).side if uid is not None and uid in state.unit_index else None


def describe_order(order: Any, names: Any = None) -> str:
    """An order in words for the status line ("az_sf_2: move to (32,26)"), not its Python form; `names` (a
    `ui.names.Namer`): the unit by name ("Special Forces Command, 2nd assault group (az_sf_2): move to ...")."""
    if isinstance(order, EndPhase):
        return f"{order.side} ends the phase"
    if isinstance(order, SandboxWeather):
        return f"sandbox: weather set to {order.preset}"
    if isinstance(order, SandboxCloudBase):
        return f"sandbox: cloud base set to {order.ceiling_m} m"
    verb = {"Move": "move to", "Fire": "fire at", "Strike": "strike", "Recon": "recon over", "Assault": "assault",
            "SandboxPlace": "placed (sandbox) at"}.get(order.kind, order.kind)
    h = getattr(order, "to", None) or getattr(order, "target", None)
    who = order.unit if names is None else names.name(order.unit)
    return f"{who}: {verb} ({h[0]},{h[1]})" if h is not None else f"{who}: {verb}"


REPLAY_HELP = [
    ("Right / Left", "the next / previous order (the buttons Next and Back too)"),
    ("Page Down / Page Up", "the next turn's first order / the turn before's"),
    ("Ctrl+Home / End", "the first order / the last"),
    ("Home", "the whole map in the window, at the same order (as in a game)"),
]
"""The replay's own keys, above the game's in its help (H): a teacher found only the game's there."""


class ReplayApp(App):
    """The game window in read-only mode, showing either everything or one side's knowledge."""

    replay_help = REPLAY_HELP

    def __init__(self, model: ReplayModel, *, palette: str = "default", ui_scale: float = 1.0,
                 size: tuple[int, int] = (1280, 800), side: str | None = None) -> None:
        super().__init__(model.state, set(), palette=palette, ui_scale=ui_scale, size=size, autoskip=False)
        self.model = model
        self.read_only = True
        self.gui.layout()  # (the viewer's own buttons: `Gui.layout` reads `read_only`)
        self.omniscient = side is None
        self.view_side = 0 if side in (None, "attacker") else 1
        self.show_units = model.kind == "save"
        self.show_lesson = False  # (a teacher's review: the lesson window covered every replay screenshot; L opens it)
        self.notes = list(model.notes)
        """Warnings shown first on the status line until the first key (also on the console: `wargame replay`)."""
        self.sync()

    def sync(self) -> None:
        m = self.model
        if m.state is not self.state:
            self.state = m.state
            self.renderer.state = m.state
        evs = m.current_events()
        cur = ""
        if m.kind == "save" and m.k > 0:
            order = m.orders[m.k - 1]
            evs = self.seen_events(evs)  # a side's replay shows what that side saw of the order, nothing more
            mine = self.omniscient or order_side(self.state, order) in (None, self.view_side)
            cur = f" — {describe_order(order, self.names)}" if mine else (" — an enemy order" if evs else
                                                              " — an enemy order you did not observe")
            if m.turn_at[m.k] != m.turn_at[m.k - 1]:  # (`--turn N` opens on the order that ended turn N-1: its
                cur += f"; turn {m.turn_at[m.k]} begins"  # words read as turn N's, an educator)
        self.highlight = []
        for ev in evs:
            self.highlight += [self.state.map.idx(h) for h in ev.hexes()]
        what = "order" if m.kind == "save" else "event"
        # the whole order, most important first (as in the game); a side's view of a save's game says what a
        # recon sortie found (an event log's replay holds no game state to know it from)
        view = self.view if m.kind == "save" and not self.omniscient else None
        last = order_summary(evs, self.state, "", view, names=self.names)
        self.status = (f"REPLAY {what} {m.k}/{m.n}, turn {m.turn_at[m.k]}{cur}  |  {last}  "
                       "[Right/Left step, PageDown/PageUp turn, Ctrl+Home/End first/last, Home whole map]")
        if self.notes:
            self.status = "Warning: " + "; ".join(self.notes) + "  |  " + self.status

    def goto(self, k: int) -> None:
        self.model.goto(k)
        self.sync()

    def open_at(self, k: int) -> None:
        """Start at step `k` (`wargame replay --step/--turn`) with its hexes in the middle of the map, zoomed in
        from the whole map as a clicked log line is (`App.focus_on`): a newcomer opening the class plan's steps at
        1280x800 x1.5 saw the whole map, the fire and the cliff assault a few pixels wide. Step 0 keeps the whole
        map."""
        self.goto(k)
        if k > 0 and self.highlight:
            self.focus_on(self.highlight[0])

    def update(self, budget_s: float = 0.02) -> None:
        return None

    def my_turn(self) -> bool:
        return False

    def sandbox_weather(self, preset: str) -> None:
        """F5-F8 change nothing in a replay, a sandbox game's included (its state is the replay's, not a game's)."""
        self.status = "A replay is read-only: no weather presets"

    def toggle_roster(self) -> None:
        self.status = "No roster in a replay: step through the orders (Right/Left) to see each unit act"

    def visible_events(self) -> list[tuple[int, Any]]:
        if self.model.kind == "log":
            return list(enumerate(self.model.events[: self.model.k + 1]))
        return super().visible_events()  # the whole log, or engine.view.visible_log for the chosen side

    def click_hex(self, idx: int | None, shift: bool = False, ctrl: bool = False) -> None:
        """A click (or Enter on the keyboard cursor) names the hex: nothing to order in a replay. It takes the game's
        arguments: a click on the map passes Ctrl (a replay's map clicked was a TypeError)."""
        if idx is not None:
            self.status = self.state.map.describe(idx)

    def on_key(self, key: int, mod: int, uni: str = "") -> None:
        m = self.model
        if self.briefing_open():  # (it takes the keys, as in the game: the replay does not step under it)
            super().on_key(key, mod, uni)
            return
        if key in SCROLL_KEYS and not mod & (pygame.KMOD_CTRL | pygame.KMOD_META) and (
                self.show_help or self.show_report) and self.gui.scroll_window_text(SCROLL_KEYS[key]):
            return  # (Page Up/Down scroll the help, as it says, rather than step the replay under it)
        self.notes = []  # (read: the status line is the replay's again)
        if key == pygame.K_RIGHT:
            self.goto(m.k + 1)
        elif key == pygame.K_LEFT:
            self.goto(m.k - 1)
        elif key == pygame.K_PAGEDOWN:
            m.next_turn()
            self.sync()
        elif key == pygame.K_PAGEUP:
            m.prev_turn()
            self.sync()
        elif key == pygame.K_HOME and mod & pygame.KMOD_CTRL:
            self.goto(0)
        elif key == pygame.K_HOME:  # (the whole map, as in a game and as the class plan says: Home went back to
            self.fit_map()  # the first order, and a teacher at step 323 lost their place in front of the class)
        elif key == pygame.K_END:
            self.goto(m.n)
        elif key in (pygame.K_SPACE, pygame.K_e) or (mod & pygame.KMOD_CTRL):
            return
        elif key in (pygame.K_k, pygame.K_g, pygame.K_BACKSPACE, pygame.K_DELETE):  # (plans: not in a replay)
            self.status = "A replay is read-only: no go-to orders or hold marks"
        else:
            super().on_key(key, mod, uni)

    def render(self, screen: pygame.Surface) -> None:
        super().render(screen)
