"""The game window: state holder, input handlers (usable without a display, for tests) and the main loop.

Game rules live in the engine only: the UI builds orders, calls `engine.rules.apply`, and shows what
`engine.view.observe` lets the viewing side know."""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from engine import goto
from engine.errors import IllegalOrder, WargameError
from engine.game import agent_step
from engine.movement import cheapest_way_in
from engine.orders import Assault, EndPhase, Fire, Move, Recon, SandboxCloudBase, SandboxWeather, Strike
from engine.rules import SANDBOX_ORDERS, apply, seed_streams
from engine.stats import half_up
from engine.units import SIDES
from engine.view import PUBLIC_EVENTS, observe, visible_log
from engine.weather import cloud_base_steps
from ui import combat_card, goto_orders, lesson_window, panels, sandbox, sky, suspected_fire
from ui import overlays as ov
from ui import palette as pal
from ui.cli import HEADLESS_DRIVERS  # (pygame-free: the CLI checks the driver before it imports this module)
from ui.designations import designations
from ui.names import Namer, namer
from ui.render_map import MAX_MAP_PIXELS, ZOOM_LEVELS, ZOOM_NEAR, MapGeometry, MapRenderer
from ui.render_units import SMALL_CODES, SMALL_COUNTER_H, counter_image, counter_size, last_seen_image
from ui.status import SEP, autoplay_words, event_status, order_summary, recon_in_view, summary_sections, timeline_parts
from ui.text import Text, pct

GUN_RANGE = (80, 230, 255)
"""The selected gun's range ring and off-map firing marker (apart from the gold objective and yellow reach)."""
AD_RANGE = (200, 130, 255)
"""The selected air-defence unit's ring: where it engages enemy drone sorties (apart from the gun's cyan)."""
STAYS_HIDDEN = (60, 230, 110)
"""Inner outline of the reachable hexes a selected hidden unit can move to and stay hidden."""
FIGHT_EVENTS = combat_card.FIGHTS
"""The events watch mode (key W) stops the computer's half-turn at: fire and its dice, not moves or sightings (the
ones the last-fight card, key B, shows)."""
WATCH_KEY = pygame.K_w
RANDOM_EVENTS = {"AmbushSprung", "AssaultResolved", "ArtilleryFired", "AirDefenceEngaged", "DroneStrike",
                 "UnitDestroyed", "UnitRevealed", "UnitRetreated", "ReconFlown"}
MAP_COVERS = ("alert_win", "help_win", "report_win", "over_win")
"""The windows over the map that Enter closes (the topmost first) before it may act on the map again."""
UNDO_EMPTY = {"random": "Nothing to undo (only moves without random draws can be undone)",
              "loaded": "Nothing to undo since the game was loaded",
              "phase": "Nothing to undo this phase"}
"""Ctrl+Z with no move to take back, by why the undo history is empty (`App.undo_empty_why`). (A sandbox placement
or weather change is always taken back: `App.issue`.)"""
CURSOR_KEYS = {pygame.K_LEFT: (-1, 0), pygame.K_RIGHT: (1, 0), pygame.K_UP: (0, -1), pygame.K_DOWN: (0, 1)}
"""Arrow keys: the keyboard cursor's step (columns, rows); with Shift they pan the map instead."""
WAIT_KEYS = frozenset({pygame.K_t, pygame.K_SPACE, pygame.K_e, pygame.K_TAB, pygame.K_g, pygame.K_k,
                       pygame.K_BACKSPACE, pygame.K_DELETE, pygame.K_n})
"""Keys that act on the game under the map (a target, the end of the phase, the next unit, a go-to order, a hold
mark, cancelling one): with a window over the map they wait for it to close (Space under the help ended a phase
unseen)."""
SCROLL_KEYS = {pygame.K_UP: -0.15, pygame.K_DOWN: 0.15, pygame.K_PAGEUP: -0.9, pygame.K_PAGEDOWN: 0.9}
"""Keys that scroll the open help, briefing or report window's text (in pages of its height)."""
NO_GO_LABEL_TOP_PX = 48
"""The strip along the map's top (px) where no no-go area's name is written: the turn's hint and the cloud and
sandbox tags sit there."""
WEATHER_KEYS = {pygame.K_F5: "historical", pygame.K_F6: "clear", pygame.K_F7: "overcast", pygame.K_F8: "fog"}
CLOUD_BASE_KEY = pygame.K_F9
"""F9 raises the sandbox's cloud base a step, Shift+F9 lowers it (`App.sandbox_cloud_base`)."""
HELP = [
    ("Left click", "select own unit (click again: next in stack) / order to the clicked hex"),
    ("Ctrl+click", "move the selected unit onto a hex of your own units (stack with them)"),
    ("Click again / Enter", "confirm an attack, fire mission or sortie after its preview"),
    ("Arrow keys, Enter", "play without the mouse: the arrows move a cursor from hex to hex (starting on the selected "
                          "unit) and Enter acts on its hex as a left click does: select, move, show the odds, Enter "
                          "again confirms; Ctrl+Enter stacks, Shift+Enter gives a go-to order (so does G)"),
    ("T", "the cursor to the next hex the selected unit can attack (the orange rings), for fire, strikes and "
          "assaults without the mouse"),
    ("Esc", "close a window or dialog / cancel the selection / clear highlights"),
    ("Space or E", "end the current phase"),
    ("Tab / Shift+Tab", "select the next / the previous own unit that can act (after the end-of-phase warning: "
                        "the next of the units it names, until Esc)"),
    ("R", "the roster: your units, what each has done this turn, those that can still act first (\">\"); "
          "click a line to select the unit"),
    ("V, or a click on the status bar", "the enemy-turn report: all you saw of the enemy's last turn, losses and "
                                        "contacts first, and the phases of yours skipped since, with why"),
    ("O", "last-seen marks of enemy units: also those older than 3 turns (fainter with age)"),
    ("Right/middle drag, Shift+arrows", "pan the map"),
    ("Wheel, + / -", "zoom the map (the wheel over the event log scrolls it)"),
    ("Home", "the whole map in the window"),
    ("Counters", "zoomed in: NATO symbol, strength pips and, bottom left on your own units, a designation from the "
                 "unit's id (\"3\": ..._3; \"R2\": ..._res_2 among units numbered alike); "
                 "zoomed out: a type code and the strength as a digit "
                 f"({', '.join(f'{c} {name}' for c, name in SMALL_CODES.values())}); darkened: it has already "
                 "moved or fired this phase"),
    ("1 … 9", "overlays: move cost, defence, concealment/ambush, line of sight, drones, supply, control, "
              "height; 9 the terrain key (each ground's colour and what it does)"),
    ("M", "cycle the mobility class of the move-cost overlay (foot, sf, wheeled, tracked)"),
    ("0", "clear all overlays"),
    ("C", "fade the counters, so an overlay shows under them (C again: solid)"),
    ("F", "event log: key events only, without the routine reports, nor a drone grounded or units out of supply "
          "said again as at the last report (F again: everything)"),
    ("B", "the last-fight card: the newest fight your side saw, pinned over the map with every modifier, the "
          "chance and the roll, large enough for a projector (a click on it shows the fight on the map)"),
    ("W", "watch the enemy's fights: the computer's turn stops at each fight you see, the map zoomed and centred on "
          "it, until Space (W again: it plays through)"),
    ("A", "toggle auto-skip of phases where you can only end the phase"),
    ("N", "play on: your phases end by themselves, turn after turn, until an enemy is seen, one of your units is "
          "hit, a go-to order arrives or stops, or 10 turns have passed (go-to orders march as usual; N again stops)"),
    ("Ctrl+Z", "undo the last move (only if it caused no random draw), or a sandbox placement or weather change"),
    ("Ctrl+S / Ctrl+O", "save / load dialog (default file: <scenario>_save.json in the current folder)"),
    ("Event log", "click a line: its hexes are outlined on the map and the map centres on them (zoomed in to the "
                  "play zoom from the whole map)"),
    ("Shift+click or G", "go-to order: the selected unit heads for the hex (clicked, or under the mouse for G) "
                         "over as many turns as it takes, a step at the start of each of your movement phases; it "
                         "stops on arrival, when blocked, ambushed, revealed, newly cut off from supply (given "
                         "again, it marches on) or an enemy is known within 2 hexes (dashed route; a flag marks "
                         "units with one)"),
    ("Shift+G", "add a leg to the selected unit's go-to order: the hex under the mouse becomes its goal, the old "
                "goal a waypoint it passes first (small rings on the dashed route)"),
    ("Backspace / Delete", "cancel the selected unit's go-to order (moving it by hand cancels it too)"),
    ("K", "mark the selected unit to hold where it is (a HOLD tag under its counter): the end-of-phase warning "
          "no longer counts it among the units that have not moved (K again, a go-to order or a move lifts it)"),
    ("P (sandbox)", "place mode, shown by the SANDBOX - PLACE MODE tag and a frame round the map: a click on a hex "
                    "puts the selected unit there (Enter on the keyboard cursor's hex too), a click on a counter "
                    "chooses the unit to place, Ctrl+click places onto a stack; Ctrl+Z takes a placement back; P or "
                    "Esc leaves the mode (Shift+click stays the go-to order)"),
    ("Click an enemy counter (sandbox)", "select it for a placement, the only order it takes (with --see-all any "
                                         "unit, hidden ones too; the roster, R, lists them as well)"),
    ("[ ]  Ctrl+H (sandbox)", "the selected unit (either side's) a step weaker / stronger; hide it (in cover) or "
                              "reveal it (Ctrl+Z takes either back)"),
    ("F5 F6 F7 F8", "sandbox weather: historical, clear, overcast, fog; a setting holds from turn to turn until F5 "
                     "(Ctrl+Z takes it back)"),
    ("F9  Shift+F9 (sandbox)", "the cloud base a step up / down through the heights at which aircraft start to "
                               "fly (over Shusha with no fog, 150 m: only the defender's Orlan flies, as the record "
                               "has it; 800 m: the attacker's Orbiter too; armed drones from 1000 m; F6 first "
                               "clears the fog), the rest "
                               "of the weather kept; it holds as F6-F8 do"),
    ("F12", "save a screenshot PNG"),
    ("Ctrl+Q", "quit (a game with unsaved orders is saved to wargame_autosave_<scenario>_seed<N>.json in the "
               "current folder, numbered _2, _3 rather than replace another game's; the console says where)"),
    ("A / D (briefing)", "a new game's briefing: play the attacker / the defender"),
    ("L", "the lesson of a teaching scenario (scenarios/lessons/): what to try, what to look for; in another "
          "scenario its briefing: the situation and how to win"),
    ("H or ?", "this help (Up / Down / Page Up / Page Down scroll it, as they do the briefing and the report)"),
]
PHASE_ORDERS: dict[str, tuple[type, ...]] = {"air": (Strike, Recon), "artillery": (Fire,), "movement": (Move,),
                                             "assault": (Assault,)}
"""The orders a unit gives in each phase: a unit with a legal one is "able to act" (Tab, roster, idle warning)."""
IDLE_WORDS = {"movement": ("unit", "units", "have not moved", "has not moved"),
              "assault": ("unit", "units", "could still assault", "could still assault"),
              "air": ("aircraft", "aircraft", "could still fly a sortie", "could still fly a sortie"),
              "artillery": ("battery", "batteries", "could still fire", "could still fire")}
"""The phases whose end is asked twice while units could still act in them (`App.idle_warning`): (one, many,
what they could do, the same for one). A double Space press ended the air phase with the drones unflown."""
IDLE_TAB_WORDS = {"movement": "not yet moved", "assault": "could still assault", "air": "could still fly",
                  "artillery": "could still fire"}
"""What the units Tab goes through after the idle warning have in common, for the status line (`next_unit`): it
said "... strength 2 - 6 of the 6 the end-of-phase warning names (Tab: the next, ...)", hard to read (s33
playtest); now "Not yet moved: 6 of 6 (Tab: next, Esc: all units) — Selected ..."."""
FAST_FORWARD_KEY = pygame.K_n
FAST_FORWARD_TURNS = 10
"""How many turns N plays on at most (`App.start_fast_forward`)."""
WELCOME = "Welcome. Press H for help. Select a unit: click it, or press Tab."
"""The status line a new game opens on."""
WELCOME_NOTE = "welcome: press H for help; select a unit: click it, or press Tab"
"""The same hint as a note under the enemy-turn report (`panels.NOTE_HEADS`), for a side whose first view is that
report (the defender, a hotseat player): the report replaced the welcome before the player ever saw it."""
CHOOSE_SIDE = ("Choose a side with the buttons below the briefing, or the keys A (attacker) / D (defender) "
               "(Esc or L: play the defender)")
SIDE_KEYS = {pygame.K_a: 0, pygame.K_d: 1}
"""The briefing's side choice from the keyboard (its buttons say which key is whose)."""
KEY_OF_SIDE = {side: key for key, side in SIDE_KEYS.items()}
SIDE_BUTTON_H = 34
"""Height of the briefing's "play the attacker / the defender" buttons (px)."""
FADED_COUNTER_ALPHA = 70
"""Opacity (of 255) of a counter faded with key C: still there, the overlay under it readable."""
TARGET_RING = (255, 140, 0)
"""Orange ring round each hex the selected unit may attack (outlines of events are magenta, reach yellow)."""
OWN_REPORTS = frozenset({"AirStatus", "SupplyReport", "UnitHidden", "PhaseStarted", "ReinforcementArrived"})
"""A side's own turn-start bookkeeping: not part of the enemy's turn it is shown a summary of."""
BOOKKEEPING = frozenset({"TurnStarted", "WeatherReport", "ObjectiveStatus", "PhaseStarted"})
"""The game's routine turn reports (the new turn, its weather, the objective's count): nobody's action, so not
presented as the enemy's turn (a player read "Enemy turn: Shusha: attacker controls 0/7 hexes · Turn 9 ...")."""
CURTAIN_GRACE_S = 0.8
"""Hotseat: the pass-the-screen curtain cannot be lifted for this long (s) after it falls. The player who just
ended the turn lifted it with a second click on End phase, a key held down or a double Space, and saw the
other side's screen before handing it over."""
CURTAIN_KEYS = frozenset({pygame.K_RETURN, pygame.K_KP_ENTER})
"""The keys that lift the curtain (not Space: it is the end-phase key the player leaving the screen presses)."""
SIDE_OVERLAYS = frozenset({5, 6, 7})
"""Overlays that draw one side's knowledge (its drones' cover, its supply, the ground it knows it holds): not
drawn while a new game waits for the player's side (`App.choosing`)."""
LAST_SEEN_MAX_AGE = 3
"""Last-seen marks older than this many turns are not drawn unless the player asks for them (key O)."""

INPUT_EVENTS = (pygame.QUIT, pygame.WINDOWCLOSE, pygame.KEYDOWN, pygame.KEYUP, pygame.TEXTINPUT, pygame.MOUSEMOTION,
                pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL, pygame.VIDEORESIZE, pygame.USEREVENT)
"""Events a player's input makes (a script posts them beforehand on a headless driver: `no_window_input`)."""


class NoWindowInput(RuntimeError):
    """`App.run` on a headless SDL driver (`HEADLESS_DRIVERS`) with no input queued: no one can see the window or
    send it a key, so the loop would wait forever, unseen (`SDL_VIDEODRIVER=dummy wargame play` did, at ~45% CPU).
    `wargame play` / `replay` say so instead; scripted runs post their events before the loop (tests)."""

    def __init__(self, driver: str) -> None:
        super().__init__(f"SDL's {driver} video driver shows no window and takes no input")
        self.driver = driver


def no_window_input() -> str | None:
    """The headless driver a main loop would wait on forever (nothing queued for it to play), or None."""
    driver = pygame.display.get_driver() if pygame.display.get_init() else None
    if driver not in HEADLESS_DRIVERS or pygame.event.peek(INPUT_EVENTS):
        return None
    return driver


def save_image(surf: pygame.Surface, path: str | Path) -> None:
    """The image whole or not at all (temp file + rename: a full disk never leaves a cut PNG); its type from the
    name's extension (`ui.cli.SCREENSHOT_TYPES`)."""
    from engine.fileio import atomic_write_with

    p = Path(path)
    atomic_write_with(p, lambda fh: pygame.image.save(surf, fh, p.name))

class App:
    def __init__(self, state: Any, human_sides: set[int], *, hotseat: bool = False, palette: str = "default",
                 ui_scale: float = 1.0, size: tuple[int, int] = (1280, 800), autoskip: bool = True,
                 save_path: str | Path = "shusha_save.json", autosave_path: str | Path | None = None,
                 autosave_fallbacks: Sequence[str | Path] = (), omniscient: bool = False) -> None:
        """`omniscient` (`--see-all`): both sides' view from the start, so the report of a loaded game's last
        enemy half-turn (`restore_report`, below) is read for it."""
        state = with_sightings(state)
        self.state = state
        self.human = set(human_sides)
        self.hotseat = hotseat
        self.status_after_curtain: str | None = None
        """Said on the status line when the first curtain is lifted (a hotseat game opened by `play`: the load's
        notes, the autosave note), which replaces the status set behind it."""
        self.palette = pal.get(palette)
        self.text = Text(ui_scale)
        self.ui_text = Text(ui_scale, ui=True)
        self.ui_scale = ui_scale
        self.size = size
        self.autoskip = autoskip
        self._end_warned: Any = None
        """The phase (game, turn, side, phase) whose end was asked for once with units still able to act."""
        self._tab_idle: Any = None
        """The phase (as `_end_warned`) in which Tab goes through the units the idle warning named: from the warning
        until Esc or a unit selected by a click (it stayed so for the rest of the phase: s33 playtest)."""
        self.log_anchor: int | None = None
        """A log index the event log should scroll to once (the enemy's half-turn's first line); the GUI clears
        it."""
        self._targets_key: Any = None
        self._targets: list[int] = []
        self.save_path = Path(save_path)
        self.autosave_path = None if autosave_path is None else Path(autosave_path)
        """Where `run` saves a game left with orders not saved (closed window, Ctrl+Q, a crash); None: never.
        A file there that holds another game is not replaced: `autosave_file` numbers the name instead."""
        self.autosave_fallbacks = [Path(f) for f in autosave_fallbacks]
        """Folders the autosave goes to when `autosave_path`'s cannot be written (read-only, disk full)."""
        self.saved_orders = len(state.orders)  # orders in the game when it was last saved or loaded
        self.autosaved: Path | None = None
        """Where the game was autosaved (the last time), or None."""
        self.autosave_error: str | None = None
        """Why the last autosave failed everywhere it was tried (None: it did not fail); the player is told."""
        self.quit_refused = False
        """A quit was held back because the autosave failed (the player was told): the next quit quits, unless
        the game was saved since (then a failing autosave is told again)."""
        self.load_refused = False
        """A Load… was held back because the game on screen could not be kept (`keep_left_game`): the next one
        loads."""
        self.left_error = ""
        """Why the game left by a Load… could not be kept."""
        self.load_notes = goto_orders.drop_bad(state)
        """What loading the game dropped (a hand-edited save's bad go-to orders), for the status line."""
        self.agents, self.agent_notes = game_agents(state)
        self.rngs = ai_rngs(state)
        self.view_side = min(self.human) if self.human else 1
        if hotseat:
            self.view_side = state.side
        self.renderer = MapRenderer(state, self.palette, self.text)
        self._zoom_levels: tuple[int, ...] | None = None
        self._fit_size: int | None = None
        self.zoom_i = 0
        self.vx = self.vy = 0.0
        """The map-surface pixel at the map area's top-left corner (whole pixels: `clamp_view`)."""
        self.selected: str | None = None
        """The selected unit: the viewing side's own, or in a sandbox any unit the screen shows, for a placement only
        (`ui.sandbox`: orders are given to own units alone)."""
        self.place_mode = False
        """Key P in a sandbox: a click on a hex places the selected unit there (`ui.sandbox.place_click`)."""
        self.hover: int | None = None
        self.kb_cursor = False
        """The hovered hex was put there with the arrow keys (the keyboard cursor, `move_cursor`), not by the mouse:
        Enter then acts on it as a click would. A mouse move hands the hover back to the mouse."""
        self.pending: tuple[Any, list[str]] | None = None
        self.status = WELCOME
        self.overlays: set[int] = set()
        self._whole_shown: int | None = None
        """The finished hotseat game (its state's id) whose whole map `show_whole_game` has shown."""
        self.side_overlays: dict[int, set[int]] = {}
        """Hotseat: each side's overlays while the other has the screen (put back when the curtain lifts for it)."""
        self.side_fight_card: dict[int, bool] = {}
        """Hotseat: each side's fight card (B) while the other has the screen: B is each player's, as overlays are."""
        self.brief_sides: set[int] = set()
        """Hotseat, a new game: the sides whose player has not had the briefing yet (it opens when the curtain
        lifts for each; only the first player had it)."""
        self.side_choice = False
        """The briefing offers "play the attacker / the defender" (a new game with no --side: `wargame play`)."""
        self.side_buttons: dict[Any, int] = {}
        self.read_only = False
        """A replay's viewer (`ReplayApp`): nothing to order, save or load."""
        self.log_key_only = False
        """Key F: the event log leaves out routine reports (`engine.events.routine`)."""
        self.counters_faded = False
        """Key C: counters drawn see-through, so an overlay shows under them (a cliff lesson's hatching lay
        under the very counters fighting there)."""
        self.show_fight_card = False
        """Key B: the last fight the viewing side saw, pinned over the map with every modifier and roll
        (`ui.combat_card`)."""
        self.sandbox_tag_rect: pygame.Rect | None = None
        self.watch_fights = False
        """Key W: the computer's half-turn stops at each fight the viewing side sees, the map on it, until Space
        (a class watched the enemy's turn end in one frame, its ambushes 40 px of a 1000 px map)."""
        self.watching: list[Any] | None = None
        """The fight the computer's half-turn is stopped at (`watch_fights`), as the viewing side saw it."""
        self.mob_i = 0
        self.highlight: list[int] = []
        self._preview_outline: tuple[list[int], list[int]] | None = None
        """(the outline a previewed order drew, the outlines before it): what cancelling the preview takes off."""
        self.show_help = False
        self.show_roster = False
        """The roster window (R): the player's units, what each has done and can still do."""
        self.show_report = False
        """The enemy-turn report window (V, or a click on the status bar): all of what was seen of it."""
        self.status_cut: tuple[str, list[str]] | None = None
        """(the status message the bar last had to cut, its parts cut) (`panels.draw_status`): V shows them whole."""
        self.report: tuple[str, list[tuple[str, list[str]]]] | None = None
        """The last enemy-turn report: (its title, [(heading, parts)]); None before the first."""
        self.report_notes: list[str] = []
        """The phases skipped since the report, with why (shown in it, and below the status line)."""
        self.old_sightings = False
        """Key O: last-seen marks older than `LAST_SEEN_MAX_AGE` turns drawn too."""
        self.show_lesson = bool(state.scenario.meta.lesson)  # a teaching scenario opens with its lesson
        self.lesson_win: Any = None
        self.pass_screen = False
        self.curtain_at: float | None = None
        """When (`clock`) the hotseat curtain last fell; None: lifting it needs no wait (`CURTAIN_GRACE_S`)."""
        self.clock = time.perf_counter
        """The UI's clock (the curtain's grace period); a test gives its own."""
        self.undo_stack: list[tuple[Any, int]] = []
        self.status_after_dialog = ""
        """The status line held back while a file dialog is open (`show_enemy_turn`), shown when it is shut."""
        self.undo_empty_why = "phase"
        """Why `undo_stack` last emptied (`UNDO_EMPTY`): a phase began, the game was loaded, or an order drew."""
        self.running = True
        self._omniscient = omniscient
        self.show_units = True
        self._view: Any = None
        self._view_key: Any = None
        self._dest_key: Any = None
        self._dest: dict[int, tuple[float, int]] = {}
        self._overlay_key: Any = None
        self._overlay_surf: pygame.Surface | None = None
        self._overlay_res: list[ov.OverlayResult] = []
        self._ov_cache: dict[int, list[Any]] = {}
        self._no_go_layer: tuple[Any, pygame.Surface] | None = None
        self._fade_cache: dict[Any, tuple[pygame.Surface, pygame.Surface]] = {}
        self.last_seen_label_rects: list[pygame.Rect] = []
        """Where the last-seen marks' labels stood on the map surface in the last frame (clear of counters)."""
        self._skip_key: Any = None
        self.fast_forward: tuple[int, int, int, frozenset[Any], frozenset[str]] | None = None
        """Playing on (key N, `start_fast_forward`): (the state's id, the turn it began, the own units' strength then,
        the last-seen marks then (`mark_keys`), the units with go-to orders then); None when off."""
        self._ended_by_order: int | None = None
        """The id of the state an order of the player ended (`issue`): `update` then puts the game's end on the
        status line."""
        self._loaded: list[Any] | None = None
        """After a load (`show_loaded`): [path, what follows the line, the phases skipped since, the line shown]."""
        self._goto_key: Any = None
        self._phase_seen: tuple[int, int, int] = (state.turn, state.side, state.phase_i)
        """The player's phase the selection was last checked in (`phase_started`)."""
        """The movement phase (turn, side, phase) whose standing go-to orders have been carried out."""
        self._vis_key: Any = None
        self._ai_key: Any = None
        self._ai_from: int | None = None
        self._skipped_last: list[str] = []  # (the assault phase skipped as the player's half-turn ended: said after)
        """Log index where the AI's current half-turn began (None: no AI is playing)."""
        self._turn_from = len(state.log)
        """Hotseat: log index where the side now playing got the screen (its half-turn is summed up from there)."""
        self._vis_events: list[tuple[int, Any]] = []
        self._reach_key: Any = None
        self._reveal_key: Any = None
        self._near_memo: tuple[Any, list[tuple[str, str]]] | None = None
        """`panels.enemies_near`'s last answer and what it depended on (`panels.near_key`)."""
        self._reveals: dict[int, str | None] = {}
        self._reach: tuple[int, list[tuple[int, int]]] = (0, [])
        self.goto_stops: list[int] = []
        """Hexes of the units whose go-to order stopped short in this movement phase's run (the map shows them)."""
        self.goto_stalled: dict[str, tuple[int, int, int]] = {}
        """Unit id -> the phase its go-to order stopped short or waited in (`goto_orders.stalled`): the
        end-of-movement reminder names it even when hidden."""
        self.autoplayed: tuple[int, str | None] | None = None
        """(turn, who had played it) where `--autoplay` took the game over (`run_ai_until`, `autoplay_status`)."""
        self.ended_in_autoplay = False
        """The AIs played the game to its end in `run_ai_until` (`addressed`: nobody to call "you")."""
        self.goto_asked: Any = None
        """(unit, goal, turn, phase) of a go-to order that was asked about once (its first step reveals a hidden
        infiltrator): the same order again confirms it (`goto_orders.give`)."""
        self.recon_notes: dict[int, str] = {}
        """Log index of an own recon sortie ordered in this window -> the enemies it brought into view, as the
        status line named them (the event lists only the hidden ones it detected): the event log says the same."""
        self.click_regions: list[tuple[pygame.Rect, Any]] = []
        self.legend_folded = False
        """The player folded the overlay legend to its titles (`panels.toggle_legend_fold`)."""
        self.legend_opened = False
        """The player showed the legend whole: it no longer folds by itself over units it tags (`draw_legends`)."""
        self.legend_shown_folded = False
        """The legend as last drawn: folded (by the player, or by itself), or whole."""
        self.counter_boxes: list[pygame.Rect] = []
        self.mark_boxes: list[pygame.Rect] = []
        """Where an overlay's marks on own counters (rings, "NO SUPPLY" tags, ticks) stood in the last frame."""
        self.unit_boxes: dict[str, tuple[int, pygame.Rect]] = {}
        """Where each shown counter stood in the last frame: unit id -> (hex, rectangle on the map surface)."""
        """Where the counters, last-seen marks and stack counts stood on the map surface in the last frame."""
        self.place_labels: list[tuple[str, pygame.Rect]] = []
        """Where the place names stood on the map surface in the last frame (laid out clear of the counters)."""
        self.drag: tuple[int, int] | None = None
        self.gui: Any = None
        self.layout_screen(size)
        from ui.gui import Gui

        self.gui = Gui(self)
        self.fit_map()
        if not hotseat:  # (a saved game's last enemy half-turn for V; hotseat: when the curtain is lifted)
            self.restore_report()

    @property
    def omniscient(self) -> bool:
        """`--see-all` (or a replay of both sides): every unit of both sides and the whole log on screen; and in a
        hotseat game that is over, for both players (`show_whole_game`). Worked out, not stored: a game loaded
        after a finished one (Ctrl+O) had kept the whole-map view (a reviewer)."""
        if self._omniscient:
            return True
        st = getattr(self, "state", None)
        over = st is not None and st.outcome is not None
        return bool(self.hotseat and over and not getattr(self, "read_only", False))

    @omniscient.setter
    def omniscient(self, on: bool) -> None:
        """Switched after the window was made (`wargame play --see-all` sets it on the made App): the enemy-turn
        report `__init__` restored was read for the side's view, so it is read again for the new one."""
        was, self._omniscient = self._omniscient, on
        if on != was and self.gui is not None and not self.hotseat:
            self.restore_report()

    # ------------------------------------------------------------------ geometry / view
    def layout_screen(self, size: tuple[int, int]) -> None:
        self.size = size
        w, h = size
        pw = int(min(w * 0.42, 330 * self.ui_scale))
        self.panel_rect = pygame.Rect(w - pw, 0, pw, h)
        self.map_rect = pygame.Rect(0, 0, w - pw, h)
        if self.gui is not None:
            self.gui.layout()

    @property
    def zoom_levels(self) -> tuple[int, ...]:
        """Hex sizes (px) the zoom steps through: the standard `ZOOM_LEVELS` this map's surface may use
        (`MAX_MAP_PIXELS`) and the size that fits the whole map in the map area (`fit_size`), in order; a standard
        level within `ZOOM_NEAR` of the fitted size is left out, so the steps next to the fitted one may be up to
        ~1.7x apart (1.4 x `ZOOM_NEAR`), the others ~1.4x. When the next standard level would take too much
        memory, the largest size that fits is the last step if it is `ZOOM_NEAR` above the one before (Shusha's
        closest zoom was 46 px with the old steps: it stays about that, not 40)."""
        if self._zoom_levels is None:
            ok = [s for s in ZOOM_LEVELS if _fits_memory(self.renderer.geometry(s))] or [ZOOM_LEVELS[0]]
            fit = self._fit_size = self.fit_size()
            ok = [s for s in ok if max(s, fit) / min(s, fit) >= ZOOM_NEAR]
            levels = sorted(set(ok) | {fit})
            top = self._largest_in_memory()
            if top / levels[-1] >= ZOOM_NEAR:
                levels.append(top)
            self._zoom_levels = tuple(levels)
        return self._zoom_levels

    def _largest_in_memory(self) -> int:
        """The largest hex size up to the last of `ZOOM_LEVELS` whose whole-map surface fits `MAX_MAP_PIXELS` (at
        least the first level): the map's surface grows with the size, so a bisection finds it."""
        gm = self.renderer.gmap
        lo, hi = ZOOM_LEVELS[0], ZOOM_LEVELS[-1]
        if _fits_memory(MapGeometry(gm, hi)):
            return hi
        while hi - lo > 1:  # (lo fits or is the floor; hi does not fit)
            mid = (lo + hi) // 2
            if _fits_memory(MapGeometry(gm, mid)):
                lo = mid
            else:
                hi = mid
        return lo

    @property
    def max_zoom_i(self) -> int:
        """The highest zoom step this map may use; at least the first."""
        return len(self.zoom_levels) - 1

    @property
    def hex_size(self) -> int:
        """The hex radius in pixels at the current zoom."""
        return self.zoom_levels[self.zoom_i]

    def fit_size(self) -> int:
        """The largest hex size (px) at which the whole map fits the map area above the status bar (at least
        the smallest zoom level; at most what `MAX_MAP_PIXELS` allows)."""
        gm = self.renderer.gmap
        mw, mh = self.map_rect.w, self.map_rect.h - self.status_reserve
        probe = MapGeometry(gm, 10)  # (the extent grows linearly with the hex size: estimate, then step down)
        s = int(min(mw * 10 / probe.width, mh * 10 / probe.height)) + 2
        lo = ZOOM_LEVELS[0]
        while s > lo:
            g = MapGeometry(gm, s)
            if g.width <= mw and g.height <= mh and _fits_memory(g):
                break
            s -= 1
        return max(lo, s)

    def fit_map(self) -> None:
        """Zoom so that the whole map fills the map area (one side edge to edge), centred."""
        self._zoom_levels = None
        self.zoom_i = self.zoom_levels.index(self._fit_size)
        self.clamp_view()  # (a map that fits is centred)

    def resize(self, size: tuple[int, int]) -> None:
        """A new window size: the map is fitted again if it was shown whole (at the fitted zoom); a map the
        player zoomed keeps its hex size and the point at the centre of the view."""
        if size == self.size:
            return
        fitted = self._fit_size is None or self.hex_size == self._fit_size
        old, cx, cy = self.hex_size, self.vx + self.map_rect.w / 2, self.vy + self.map_rect.h / 2
        self.layout_screen(size)
        if fitted:
            self.fit_map()
            return
        self._zoom_levels = None
        levels = self.zoom_levels
        self.zoom_i = min(range(len(levels)), key=lambda k: abs(levels[k] - old))
        f = self.hex_size / old
        self.vx = cx * f - self.map_rect.w / 2
        self.vy = cy * f - self.map_rect.h / 2
        self.clamp_view()

    @property
    def geo(self) -> Any:
        return self.renderer.geometry(self.hex_size)

    def zoom(self, step: int, at: tuple[int, int] | None = None) -> None:
        k = max(0, min(self.max_zoom_i, self.zoom_i + step))
        if k == self.zoom_i:
            return
        sx, sy = at if at else self.map_rect.center
        g0 = self.geo
        mx, my = self.vx + sx, self.vy + sy
        self.zoom_i = k
        g1 = self.geo
        f = g1.size / g0.size
        self.vx = (mx - g0.ox) * f + g1.ox - sx
        self.vy = (my - g0.oy) * f + g1.oy - sy
        self.clamp_view()

    def pan(self, dx: float, dy: float) -> None:
        self.vx += dx
        self.vy += dy
        self.clamp_view()

    @property
    def status_reserve(self) -> int:
        """Pixels at the map's foot the status bar covers (two lines): the map fits and scrolls above them."""
        return 2 * self.ui_text.line_height(panels.FS) + 8

    @property
    def status_cover(self) -> int:
        """Pixels at the map's foot the status bar covers now: its two lines (`status_reserve`), or more when the
        last frame drew it taller (3-4 lines: a go-to order's stops, a skipped phase's note). The map scrolls, and
        clicks and the keyboard cursor keep, above it (a player could not reach units on the map's bottom row under
        a 4-line bar: the click opened the report). The zoom's fit keeps to `status_reserve`: a longer message
        must not change the zoom steps."""
        return max(self.status_reserve, int(getattr(self, "status_bar_h", 0) or 0))

    def clamp_view(self) -> None:
        """Keep the map in its area: a map smaller than the area (above the status bar) is centred in it; a
        larger one is never scrolled past its edges (centring on a hex near an edge left an empty band), but may
        scroll its foot above a status bar taller than two lines (`status_cover`)."""
        g = self.geo
        mw, mh = self.map_rect.w, self.map_rect.h - self.status_reserve
        if g.width <= mw:
            self.vx = (g.width - mw) / 2
        else:
            self.vx = max(0.0, min(g.width - mw, self.vx))
        if g.height <= mh:
            self.vy = (g.height - mh) / 2
        else:
            self.vy = max(0.0, min(g.height - (self.map_rect.h - self.status_cover), self.vy))
        # whole pixels: the map surface is drawn at a whole-pixel offset, and the counters, names and outlines
        # drawn over it must land on the same pixels
        self.vx, self.vy = float(round(self.vx)), float(round(self.vy))

    def screen_to_hex(self, x: int, y: int) -> int | None:
        """The hex under a point of the map area; None off it, and over the status bar at its foot (a click on
        the bar's text must not order a move to the hex scrolled under it)."""
        if not self.map_rect.collidepoint(x, y) or y >= self.map_rect.bottom - self.status_cover:
            return None
        return self.geo.hex_at(x + self.vx, y + self.vy)

    def hex_to_screen(self, idx: int) -> tuple[float, float]:
        cx, cy = self.geo.center(idx)
        return cx - self.vx, cy - self.vy

    def open_on_own_forces(self) -> None:
        """Zoom in to the first step at which counters show their NATO symbols and strength pips
        (`SMALL_COUNTER_H`), centred on the viewing side's units on the map (players found the whole-map view's
        counters too small to play on); nothing on a map small enough to show them whole. Home fits the map."""
        if counter_size(self.hex_size)[1] >= SMALL_COUNTER_H and self.hex_size == self._fit_size:
            return  # (a small map, whole at this zoom)
        k = self.play_zoom_i()
        own = self.own_units_at_any()
        if k is None or not own:
            return
        self.zoom_i = max(k, self.zoom_i)  # (zoomed in already: only centred on the units)
        g = self.geo
        xs, ys = zip(*(g.center(u.idx) for u in own), strict=True)
        self.vx = sum(xs) / len(xs) - self.map_rect.w / 2
        self.vy = sum(ys) / len(ys) - self.map_rect.h / 2
        self.clamp_view()

    def center_on(self, idx: int) -> None:
        cx, cy = self.geo.center(idx)
        self.vx = cx - self.map_rect.w / 2
        self.vy = cy - self.map_rect.h / 2
        self.clamp_view()

    def play_zoom_i(self) -> int | None:
        """The zoom step a game is played at (`open_on_own_forces`): the first at which counters show their NATO
        symbols and strength pips (`SMALL_COUNTER_H`); None if no step does."""
        return next((i for i, size in enumerate(self.zoom_levels) if counter_size(size)[1] >= SMALL_COUNTER_H), None)

    def zoom_in_on(self, idx: int) -> bool:
        """From the whole-map zoom (Home) or further out, where a counter is a dot: back to the play zoom
        (`play_zoom_i`), centred on hex `idx` (Tab, Shift+Tab and T chose a unit or target the player could not
        see); whether it zoomed. Nearer zooms are the player's: kept."""
        k = self.play_zoom_i()
        if k is None or self.zoom_i >= k or self._fit_size is None or self.hex_size > self._fit_size:
            return False
        self.zoom_i = k
        self.center_on(idx)
        return True

    def focus_on(self, idx: int) -> None:
        """Hex `idx` brought to the middle of the map: zoomed in from the whole map (`zoom_in_on`), else centred."""
        if not self.zoom_in_on(idx):
            self.center_on(idx)

    # ------------------------------------------------------------------ knowledge
    @property
    def choosing(self) -> bool:
        """A new game's briefing waits for the player's side (`side_choice`): until then the screen shows what both
        sides know - the map, its places, the objective, the weather, the public log - and no side's units, drones,
        guns, supply or reports (a player about to take the attacker was shown the defender's, the default side's).
        A view of both sides (--see-all) shows everything anyway."""
        return self.side_choice and not self.omniscient

    @property
    def names(self) -> Namer:
        """Units named for display as the viewing side knows them (`ui.names`): own units by their scenario
        name, enemy units by type label and id; in a replay of both sides, every unit by name."""
        return namer(self.state, None if self.omniscient else self.view_side)

    @property
    def view(self) -> Any:
        key = (self.state.version, len(self.state.orders), self.view_side, id(self.state))
        if key != self._view_key:
            self._view = observe(self.state, self.view_side)
            if self.omniscient:  # a replay of both sides shows the true control map, not one side's knowledge
                self._view.control = self.state.control.copy()
            self._view_key = key
        return self._view

    def my_turn(self) -> bool:
        return (self.state.outcome is None and self.state.side == self.view_side
                and self.state.side in self.human and not self.pass_screen)

    def destinations(self) -> dict[int, tuple[float, int]]:
        if not self.selected or self.state.phase != "movement" or not self.my_turn() \
                or sandbox.is_other(self, self.selected):  # (an enemy picked for a placement: no reach shown)
            return {}
        key = (self.state.version, self.selected)
        if key != self._dest_key:
            u = self.state.unit(self.selected)
            ut = self.state.utype(u)
            if ut.domain != "ground" or u.offmap or u.strength <= 0 or u.moved:  # (moved: nothing to show)
                self._dest = {}
            else:
                try:
                    self._dest = self.view.destinations(self.selected)
                except (WargameError, KeyError, ValueError):
                    self._dest = {}
            self._dest_key = key
        return self._dest

    def path_to(self, idx: int) -> list[int]:
        dest = self.destinations()
        if idx not in dest:
            return []
        u = self.state.unit(self.selected)
        out = [idx]
        seen = {idx}
        while out[-1] != u.idx:
            prev = dest.get(out[-1], (0, u.idx))[1]
            if prev in seen or prev is None or prev < 0:
                break
            out.append(prev)
            seen.add(prev)
        return out[::-1]

    def own_units_at(self, idx: int) -> list[Any]:
        if self.choosing:
            return []
        return [u for u in self.view.own if u.idx == idx and u.active and not u.offmap
                and self.state.scenario.unit_table[u.type].domain == "ground"]

    def own_units_at_any(self) -> list[Any]:
        """Own active on-map ground units (none before a side is chosen: `choosing`)."""
        if self.choosing:
            return []
        return [u for u in self.view.own if u.active and not u.offmap
                and self.state.scenario.unit_table[u.type].domain == "ground"]

    def contacts_at(self, idx: int) -> list[Any]:
        if self.choosing:
            return []
        return [c for c in self.view.contacts if c.idx == idx]

    def visible_events(self) -> list[tuple[int, Any]]:
        """(log index, event) pairs the viewing side may know about, as the engine decides
        (`engine.view.visible_log`; exact because every UI game tracks sightings)."""
        key = (id(self.state), len(self.state.log), self.view_side, self.omniscient, self.choosing)
        if key != self._vis_key:
            self._vis_key = key
            self._vis_events = self._log_seen()
        return self._vis_events

    def _log_seen(self, start: int = 0) -> list[tuple[int, Any]]:
        """(log index, event) pairs from `start` as the viewing side saw them (`visible_log`), or all of them
        in a view of both sides (--see-all, a replay without --side); before a side is chosen (`choosing`), the
        events every side knows of (`engine.view.PUBLIC_EVENTS`: the clock, the weather, the objective)."""
        if self.choosing:
            log = self.state.log
            return [(k, log[k]) for k in range(start, len(log)) if log[k].kind in PUBLIC_EVENTS]
        if self.omniscient:
            return list(enumerate(self.state.log[start:], start))
        return visible_log(self.state, self.view_side, start=start)

    def visible_event(self, k: int) -> Any | None:
        """Log entry `k` as the viewing side saw it (None if it did not see it)."""
        events = self.visible_events()
        j = bisect.bisect_left(events, k, key=lambda e: e[0])
        return events[j][1] if j < len(events) and events[j][0] == k else None

    # ------------------------------------------------------------------ orders
    def issue(self, order: Any, undoable: bool = False) -> list[Any] | None:
        """Apply an order through the engine; an illegal order only sets the status line. A sandbox edit (placement,
        weather) can always be undone: it draws nothing and the teacher learns nothing by it that undoing would
        hide, and the state copy brings back the random generator and the order list, so a replay stays exact."""
        edit = isinstance(order, SANDBOX_ORDERS)
        before = self.state.copy() if undoable or edit else None
        rng0 = self.state.rng.bit_generator.state["state"]["state"] if undoable else None
        known0 = self.known_enemies() if undoable else None
        ids0 = frozenset(c.id for c in self.view.contacts)  # (a recon sortie's summary: what was known already)
        phase0 = (self.state.turn, self.state.side, self.state.phase_i)
        going = self.state.outcome is None
        try:
            events = apply(self.state, order)
        except IllegalOrder as e:  # (the engine's reasons name units by id: named for display, `ui.names`)
            self.status = f"Not allowed: {self.names(e.reason)}"
            return None
        except (WargameError, ValueError, KeyError) as e:
            self.status = f"Error: {self.names(str(e))}"
            return None
        self.pending = None
        sandbox_redo = False
        if edit and before is not None:
            spotted = []
            self.undo_stack.append((before, self.view_side))
        elif undoable and before is not None:
            drew = self.state.rng.bit_generator.state["state"]["state"] != rng0
            # (a unit of one's own revealed by moving in the open tells the player nothing new: undoable)
            learned = [ev for ev in events if ev.kind in RANDOM_EVENTS
                       and not (ev.kind == "UnitRevealed" and ev.side == SIDES[self.view_side])]
            # coming into view of enemies not known before (or looking at a hex where one was last seen) gives
            # no event, but undoing the move would scout for free: it ends the undo history too
            spotted = self.newly_known(known0) if known0 is not None else []
            # (in a sandbox there is no fairness to keep: a teacher takes back the move that set off an ambush, and
            # the dice come back with it)
            if (drew or learned or spotted) and not sandbox.on(self):
                self.undo_stack.clear()
                self.undo_empty_why = "random"
            else:
                self.undo_stack.append((before, self.view_side))
                sandbox_redo = bool(drew or learned or spotted)
        else:
            spotted = []
            self.undo_stack.clear()
            self.undo_empty_why = "phase" if (self.state.turn, self.state.side, self.state.phase_i) != phase0 \
                else "random"
        seen = self.seen_events(events)  # an order may set off events the viewing side does not see
        first = len(self.state.log) - len(events)
        for k, ev in enumerate(events):  # an own recon sortie: its log line names what the status line names
            if ev.kind == "ReconFlown" and ev.side == SIDES[self.view_side] and not (
                    ev.shot_down or self.read_only):
                words = "; ".join(recon_in_view(ev, self.state, self.view, ids0))
                if words:
                    self.recon_notes[first + k] = words
                # what it found (hidden units detected, others newly in view), brought into view on the map
                area = set(self.state.map.within(self.state.map.idx(ev.center), ev.radius).tolist())
                found = [c.idx for c in self.view.contacts if c.idx in area and c.id not in ids0]
                self.bring_into_view(found)
        # the whole order summed up, most important first (the last event alone hid an ambush's losses)
        self.status = order_summary(seen, self.state,
                                    "Phase ended" if isinstance(order, EndPhase) else f"{order.kind} done",
                                    None if self.omniscient else self.view, ids0, self.names)
        if sandbox_redo:
            self.status += (" (sandbox: Ctrl+Z takes it back, dice and all: made again, the same move rolls the "
                            "same; change a strength with [ ] first)")
        elif spotted:
            self.status += (" - undo no longer possible: you saw new enemy units "
                            f"({', '.join(self.names.name(u) for u in spotted)})")
        self.highlight = []
        for ev in seen:
            for h in ev.hexes():
                self.highlight.append(self.state.map.idx(h))
        if going and self.state.outcome is not None:  # (the status line says so next frame, after what the
            self._ended_by_order = id(self.state)  # caller adds: it read "Phase ended | skipped the assault phase")
        return events

    def known_enemies(self) -> tuple[set[tuple[str, int]], dict[str, int], Any]:
        """What the viewing side knows of enemy positions now: its contacts (id, hex), its last-seen marks
        (id -> hex) and the hexes it sees (`SideView`), to tell whether an order showed it something new."""
        v = self.view
        return {(c.id, c.idx) for c in v.contacts}, {m.id: m.idx for m in v.last_seen}, v.visible.copy()

    def newly_known(self, before: tuple[set[tuple[str, int]], dict[str, int], Any]) -> list[str]:
        """Enemy unit ids the viewing side learned something of since `before` (`known_enemies`): a contact
        not seen there before, or a last-seen mark whose hex it now looks at (finding the unit there or not)."""
        contacts, _, vis = self.known_enemies()
        new = {uid for uid, _ in contacts - before[0]}
        looked = {uid for uid, i in before[1].items() if vis[i] and not before[2][i]}
        return sorted(new | looked)

    def seen_events(self, events: list[Any]) -> list[Any]:
        """`events`, the end of the log, as the viewing side saw them (`engine.view.visible_log`: an enemy move
        seen in part comes back holding the seen hexes only): what the status line and the map's outlines may
        show, never more than the event log. The replay of both sides shows them all."""
        return [ev for _, ev in self._log_seen(len(self.state.log) - len(events))]

    def select(self, uid: str | None) -> None:
        self.selected = uid
        self.drop_preview()
        if uid:
            u = self.state.unit(uid)
            ut = self.state.utype(u)
            g = self.view.grounded.get(uid)
            extra = f" — grounded: {g}" if g else ""
            self.status = f"Selected {self.names.name(uid)}: {ut.label}, strength {u.strength}{extra}"
            if sandbox.on(self) and (u.side != self.view_side or self.place_mode or not u.arrived):
                self.status = sandbox.selected_words(self, uid)  # (what it is, and how to place it)
            if 1 in self.overlays:
                self.follow_mobility()

    def follow_mobility(self) -> bool:
        """The movement-cost overlay (1) shows the selected unit's mobility class (a player read foot costs with
        a tank selected); whether a class was taken from it."""
        from engine.terrain import MOBILITY_CLASSES

        if self.selected is None:
            return False
        mob = self.state.utype(self.state.unit(self.selected)).mobility
        if mob not in MOBILITY_CLASSES:
            return False
        self.mob_i = MOBILITY_CLASSES.index(mob)
        return True

    def mobility_shown(self) -> str:
        """The mobility class the movement-cost overlay shows."""
        from engine.terrain import MOBILITY_CLASSES

        return MOBILITY_CLASSES[self.mob_i % len(MOBILITY_CLASSES)]

    def click_hex(self, idx: int | None, shift: bool = False, ctrl: bool = False) -> None:
        """A left click on hex `idx`: an order for the selected unit there, or else a selection. A click on
        one's own counters selects them; Ctrl+click moves the selected unit onto them (a stack)."""
        if idx is None or self.pass_screen:
            return
        st = self.state
        h = st.map.hex_of(idx)
        over = st.outcome is not None  # (after the end a click still selects and describes, as Tab did: no orders)
        if self.place_mode and sandbox.on(self) and not over:  # (key P: a click places. It was Shift+click, which
            sandbox.place_click(self, idx, ctrl)  # everywhere else gives a go-to order: a teacher's unit jumped)
            return
        if shift and self.selected and not over:
            goto_orders.give(self, idx)
            return
        if self.pending is not None and self.pending[0].target == h and not over:
            self.confirm()
            return
        own_here = self.own_units_at(idx)
        others = sandbox.others_at(self, idx)  # (a sandbox: the enemy counters shown, to pick one for a placement)
        sel = st.unit(self.selected) if self.selected else None
        if sel is not None and self.my_turn() and sel.side == self.view_side:
            ut = st.utype(sel)
            phase = st.phase
            contacts = self.contacts_at(idx)
            if phase == "movement" and ut.domain == "ground" and idx != sel.idx and idx in self.destinations() \
                    and (ctrl or not own_here):
                had = goto_orders.goal_of(st, sel.id)
                moved = self.issue(Move(sel.id, h), undoable=True) is not None
                if moved and sel.id in goto_orders.held(self.state):  # (moved by hand: no longer holding)
                    goto_orders.set_hold(self.state, sel.id, False)
                if moved and had is not None:
                    goto_orders.clear(self.state, sel.id)  # (moved by hand: the player has taken over)
                    self.status += f" - its go-to order to {st.map.describe(had)} is cancelled"
                return
            if (phase == "movement" and ctrl and own_here and ut.domain == "ground" and idx != sel.idx
                    and idx not in self.destinations()):  # (it selected a unit of the stack, without a word: a player)
                why = self.view.check(Move(sel.id, h))
                self.status = (f"Cannot move {self.names.name(sel.id)} onto that stack: "
                               f"{self.names(why) if why else 'out of reach this turn'}")
                return
            if phase == "assault" and contacts and ut.domain == "ground":
                self.preview(Assault(sel.id, h))
                return
            if phase == "artillery" and ut.indirect and contacts:
                self.preview(Fire(sel.id, h))
                return
            if suspected_fire.battery_at_mark(self, idx):  # (a last-seen mark: fire on a suspected position)
                self.preview(Fire(sel.id, h))
                return
            if phase == "air" and ut.domain == "air":
                grounded = self.view.grounded.get(sel.id)
                if grounded:
                    self.status = (f"{self.names.name(sel.id)} is grounded this turn: {grounded} "
                                   "(see Weather & aircraft)")
                    return
                if ut.air_role == "recon":
                    self.preview(Recon(sel.id, h))
                    return
                if contacts:
                    self.preview(Strike(sel.id, h))
                    return
                self.status = (f"No spotted enemy at {st.map.describe(idx)} to strike: an armed drone hits only "
                               "enemies you can see - fly a recon drone first, or end the phase (Space)")
                return
            if phase == "movement" and not own_here and not others and ut.domain == "ground" and idx != sel.idx:
                why = self.view.check(Move(sel.id, h)) if self.my_turn() else None
                self.status = f"Cannot move there: {self.names(why) if why else 'out of reach this turn'}"
                # beyond reach this turn: whether a go-to order gets it there, as the go-to order itself judges it (a
                # player was offered one here, then refused it: a step dearer than a turn's move points on the way)
                if (not sel.moved and not sel.offmap and idx not in self.view.destinations(sel.id) and not contacts
                        and cheapest_way_in(st.map, st.scenario, ut.mobility, idx) <= ut.move_points):
                    never = goto.never_reaches(self.view, sel.id, idx)
                    if never is not None and goto.weather_only(self.view, sel.id, idx):
                        never = None  # (closed by this turn's weather only: a go-to order waits for better going)
                    self.status += (" - Shift+click (or G) orders it to go there over several turns" if never is None
                                    else f" - nor over several turns: {self.names(never)}")
                return
            if not own_here and not others and idx != sel.idx:  # no order here: say why, keep the selection
                self.status = self._no_order_here(sel, ut, phase, idx, contacts)
                return
        if own_here:
            ids = [u.id for u in own_here]
            if self.selected in ids:
                nxt = ids[(ids.index(self.selected) + 1) % len(ids)]
            else:  # (the first of the stack that can act in this phase, else of a type that acts in it: a click
                nxt = min(ids, key=self._stack_rank(ids))  # on a gun under tanks in the artillery phase got the tanks)
            could_stack = (sel is not None and self.my_turn() and st.phase == "movement" and idx != sel.idx
                           and idx in self.destinations())
            self.select(nxt)
            if could_stack:  # (a player clicked to move onto a friendly hex and found the selection changed)
                self.status += (f" - to move {self.names.name(sel.id)} onto this hex instead, select it again and "
                                "Ctrl+click here")
            return
        if others:  # (no own unit's order there: the enemy is picked for a placement, the only order it takes)
            self.select(sandbox.pick_in_stack(self, [u.id for u in others]))
            return
        if self.contacts_at(idx):
            self.status = self.enemy_here(self.contacts_at(idx), idx)
            return
        self.select(None)
        marks = [m for m in self.last_seen_markers() if m.idx == idx]
        if marks:  # a faded counter: what it stands for
            table = st.scenario.unit_table
            self.status = "; ".join(panels.last_seen_words(table, m, with_id=False) for m in marks)
            return
        t = st.map.terrain_at(idx)
        self.status = (f"{st.map.describe(idx)}: {t.name}, {st.map.elevation[idx]:.0f} m - no unit of yours here. "
                       + ("Click one of your counters (or press Tab) to give it an order."
                          if self.my_turn() else ""))

    def _stack_rank(self, ids: list[str]) -> Any:
        """Sort key for which of a stack's units (`ids`, top first) a click selects: one with an order of this
        phase first (`able_units`), then one of a type that acts in it (a gun in the artillery phase, a unit that
        assaults in the assault phase), then the top one."""
        st = self.state
        able = self.able_units() if self.my_turn() else set()
        phase = st.phase

        def fits(uid: str) -> bool:
            ut = st.utype(st.unit(uid))
            if phase == "artillery":
                return ut.indirect
            if phase == "assault":
                return ut.can_assault and not ut.indirect
            return False

        return lambda uid: (uid not in able, not fits(uid), ids.index(uid))

    def enemy_here(self, contacts: list[Any], idx: int) -> str:
        """The known enemy units on hex `idx`, each with its strength (a click on a stack named only its top
        unit: "Enemy Infantry (strength 3)" over a mechanised battalion too)."""
        table = self.state.scenario.unit_table
        where = self.state.map.describe(idx)
        units = "; ".join(f"{table[c.type].label} (strength {c.strength})" for c in contacts)
        return f"Enemy {units} at {where}" if len(contacts) == 1 else f"{len(contacts)} enemy units at {where}: {units}"

    def _no_order_here(self, u: Any, ut: Any, phase: str, idx: int, contacts: list[Any]) -> str:
        """Why clicking hex `idx` with `u` selected gives no order in this phase (the unit by name, `ui.names`)."""
        where = self.state.map.describe(idx)
        who = self.names.name(u.id)
        typed = self.names.name(u.id, typed=True)  # (its type said when its name does not say it)
        enemy = f"{self.enemy_here(contacts, idx)}. " if contacts else ""
        if phase == "artillery":
            if ut.indirect:
                return (f"{enemy}No spotted enemy at {where}: {who} fires only at enemies your units or a recon "
                        "drone can see")
            return f"{enemy}Only artillery fires in the artillery phase ({who} is {ut.label}); Space ends it"
        if phase == "assault":
            if ut.domain != "ground" or ut.indirect or not ut.can_assault:
                return f"{enemy}{typed} does not assault"
            return f"{enemy}No known enemy at {where} to assault: click an enemy counter next to {who}"
        if phase == "air":
            return f"{enemy}Only aircraft act in the air phase; Space ends it"
        if ut.domain != "ground" or u.offmap:
            return f"{enemy}{typed} does not move on the map"
        return f"{enemy}{who} cannot go there this phase"

    def preview(self, order: Any) -> None:
        """Show the odds of an attack/fire/sortie; a second click or Enter confirms."""
        st = self.state
        v = self.view
        idx = st.map.idx(order.target)
        why = v.check(order)
        lines: list[str] = []
        head = ""  # (an assault's odds in a few words, for the status line: `assault_headline`)
        nm = self.names
        who = nm.name(order.unit) if hasattr(order, "unit") else ""
        if isinstance(order, Assault):
            lines.append(f"ASSAULT {st.map.describe(idx)} with {who}")
            try:
                a, ds = v.assault_odds(order.unit, idx)
                shares = assault_share_runs(a, ds, st.unit(order.unit).strength, st.scenario.combat)
                head = assault_headline(shares)
                if head.startswith("CANNOT"):  # (in the panel's red, as a refusal: "NO ..." lines are)
                    lines.append(f"NO CHANCE to take the hex: {head.partition(': ')[2]}")
                lines += assault_outcome_lines(a, ds, st.unit(order.unit).strength, st.scenario.combat,
                                               v.advance_blocked(order.unit, idx), shares)
                lines += _odds_lines("Your fire", a, st.scenario.combat, nm)
                for d in ds:
                    lines += _odds_lines(f"Return fire of {nm.name(d.firer)}", d, st.scenario.combat, nm)
            except (ValueError, KeyError) as e:
                lines.append(str(e))
        elif isinstance(order, Fire):
            sp = v.spotter(idx)
            lines.append(f"FIRE MISSION at {st.map.describe(idx)} by {who}")
            lines.append(f"spotter: {nm(sp)}" if sp else "NO SPOTTER sees the target: fire not possible")
            if sp:
                odds = v.fire_odds(order.unit, idx, "artillery")
                refused = False
                if not odds and v.suspected_marks(idx):  # no enemy seen there: its last-seen mark (suspected_fire)
                    # (refused, e.g. a stale mark: the engine's reason and no odds, not "0.00 expected steps")
                    refused = bool(why)
                    odds = [] if refused else v.suspected_fire_odds(order.unit, idx)
                    lines += suspected_fire.preview_lines(v, idx, nm, nm(why) if why else None)
                    if not refused and sp == "recon drone":  # (a player read the +1 after a sortie that found no
                        lines.append(suspected_fire.DRONE_ADJUSTS)  # one there as a contradiction)
                if not refused:
                    lines.append(f"expected steps destroyed: {sum(o.expected_losses for o in odds):.2f}")
                    if reveal := v.fire_reveal(order.unit):  # (as the move preview warns of a move that reveals)
                        lines.append(f"REVEALS the battery: {reveal}")
                for o in odds:
                    lines += _odds_lines("Fire", o, st.scenario.combat, nm)
        elif isinstance(order, Strike):
            lines.append(f"DRONE STRIKE at {st.map.describe(idx)} by {who}")
            g = v.grounded.get(order.unit)
            if g:
                lines.append(f"grounded: {g}")
            else:
                # the strike hits one target (heavy weapons first), and not at all if the drone is shot down
                hit = v.strike_target(idx)
                odds = [o for o in v.fire_odds(order.unit, idx, "strike") if o.target == hit]
                risk = v.air_defence_risk(idx)[0]
                lines.append(f"target: {nm.name(hit) if hit else '-'}; expected steps destroyed: "
                             f"{(1 - risk) * sum(o.expected_losses for o in odds):.2f}"
                             + (f" (counting the {pct(risk)} chance of being shot down first)" if risk else ""))
                spend = munition_line(st.unit(order.unit), st.utype(st.unit(order.unit)))
                if spend:
                    lines.append(spend)
                lines.append(nm(air_defence_line(v, idx)))
                for o in odds:
                    lines += _odds_lines("Strike", o, st.scenario.combat, nm)
        elif isinstance(order, Recon):
            g = v.grounded.get(order.unit)
            lines.append(f"RECON SORTIE over {st.map.describe(idx)} by {who}")
            radius = st.utype(st.unit(order.unit)).recon_radius_hexes
            # (--see-all: an observer of both sides has no "your" turn; the cover lasts until its side's starts)
            whose, other = ((f"the {SIDES[st.unit(order.unit).side]}'s", "the other side's") if self.omniscient
                            else ("your", "the enemy's"))
            lines.append(f"grounded: {g}" if g else f"searches the {len(st.map.within(idx, radius))} hexes within "
                         f"{radius} of it (outlined) for hidden enemies, spots them for {whose} artillery and keeps "
                         f"watch on them until {whose} next turn starts (through {other} turn)")
            if not g:
                cover = panels.recon_cover_words(st.scenario, st.utype(st.unit(order.unit)).detect,
                                                 SIDES[1 - st.unit(order.unit).side])
                if cover:  # (what it can find, from the rule tables: whether the sortie is worth it)
                    lines.append(cover)
                lines.append(nm(air_defence_line(v, idx)))
        if isinstance(order, (Assault, Fire, Strike)) and any("per shot" in s for s in lines):
            lines.append(hit_chance_rule(st.scenario.combat))
        if why:  # (first, under the order's name: a player read a long preview's odds before it)
            why = nm(why)  # (the engine's reason names units by id)
            lines.insert(1, f"NOT ALLOWED: {why}")
            self.status = f"Not allowed: {why}"
        else:
            lines.append("Click the target again or press Enter to confirm; Esc cancels.")
            self.status = lines[0] + (f": {head}" if head else "") + " — confirm with Enter / click"
        showing = self._preview_outline is not None and self.pending is not None  # (a preview replaced by another)
        before = self._preview_outline[1] if showing else self.highlight
        self.pending = (order, lines)
        self.highlight = [idx]
        if isinstance(order, Recon):  # the area the sortie will search and watch, not only its centre
            self.highlight = st.map.within(idx, st.utype(st.unit(order.unit)).recon_radius_hexes).tolist()
        self._preview_outline = (list(self.highlight), list(before))

    def drop_preview(self) -> None:
        """Cancel the previewed order and take its outline off the map (the outlines shown before it come back):
        one Esc left a recon sortie's outlined area on the map until a second Esc."""
        got, self._preview_outline = self._preview_outline, None
        if got is not None and self.pending is not None and self.highlight == got[0]:
            self.highlight = got[1]
        self.pending = None

    def confirm(self) -> None:
        if self.pending is None:
            return
        order = self.pending[0]
        self.pending = None
        self.issue(order)

    def end_phase(self) -> None:
        if self.pass_screen:
            self.lift_curtain()
            return
        if self.state.outcome is not None:  # (it said "Wait: it is not your turn" after the game had ended)
            self.status = game_over_words(self.state.outcome, self.addressed(), self.hotseat)
            return
        if not self.my_turn():
            self.status = "Wait: it is not your turn"
            return
        st = self.state
        key = (id(st), st.turn, st.side, st.phase_i)
        if self._end_warned != key and (idle := self.idle_warning()):
            self._end_warned = key  # a second press ends the phase
            self._tab_idle = key
            self.status = idle
            return
        self.pending = None
        self.issue(EndPhase(SIDES[self.state.side]))

    def idle_warning(self) -> str:
        """Before the movement or assault phase ends, the units that could still act in it and are expected to
        ("" if none): one press of Space must not throw away a turn's moves, but units that need not move are not
        counted (`need_not_act`): a defender's whole line, the guns, asked about twice every turn."""
        ph = self.state.phase
        ids = self.idle_units()
        if not ids:
            return ""
        nm = self.names  # (two units named: the warning fits the status bar's two lines)
        stopped = goto_orders.stalled_now(self) if ph == "movement" else set()
        stuck = " - its go-to order did not move it"
        shown = ", ".join(nm.name(u) + (stuck if u in stopped else "") for u in ids[:2]) + (
            f" and {len(ids) - 2} more" if len(ids) > 2 else "")
        one, many, doing, doing1 = IDLE_WORDS[ph]
        n = f"{len(ids)} {one if len(ids) == 1 else many}"
        hold = "; K marks one to hold" if ph == "movement" else ""
        return (f"{n} {doing1 if len(ids) == 1 else doing} ({shown}): press Space again to end the {ph} phase, "
                f"or Tab to go to them{hold}")

    def idle_units(self) -> list[str]:
        """The units the end-of-phase warning names, in its order: able to act in the movement or assault phase
        and expected to (not in `need_not_act`); Tab goes through these once the warning was given."""
        if self.state.phase not in IDLE_WORDS:
            return []
        skip = self.need_not_act()
        first = goto_orders.stalled_now(self) if self.state.phase == "movement" else set()
        return sorted((u for u in self.able_units() if u not in skip), key=lambda u: (u not in first, u))

    def tab_all_again(self) -> str:
        """Esc: Tab goes through all units again, no longer only those the idle warning named; the words to add
        to the status line if it did go through those ("" if not)."""
        was = self._tab_idle is not None and self._tab_idle == self._end_warned and self.idle_warned()
        self._tab_idle = None
        return " (Tab: all your units again)" if was else ""

    def idle_warned(self) -> bool:
        """Whether this phase's end was asked for and met by the idle-units warning (`end_phase`)."""
        st = self.state
        return self._end_warned == (id(st), st.turn, st.side, st.phase_i)

    def need_not_act(self) -> set[str]:
        """Own units the end-of-phase warning leaves out: those marked to hold (key K); in the movement phase also
        artillery and air defence (they do their work from where they stand: "4 units have not moved (Air-defence
        battery ...)" every turn in a playtest), off-map units, units next to a known enemy or on an objective
        hex (holding what they are there for), and hidden units that no move leaves hidden (`SideView.move_reveal`:
        an ambush party in its ravine; the defender was told "13 units have not moved" every turn)."""
        st = self.state
        out = set(goto_orders.held(st))
        if st.phase != "movement":
            return out
        zone = self.view.contact_zone
        objective = set(self.renderer.objective)
        going = {uid for uid, _ in goto_orders.side_orders(st, self.view_side)} | goto_orders.stalled_now(self)
        for u in self.view.own:
            ut = st.scenario.unit_table[u.type]
            if u.id in going and not u.moved and not ut.indirect:  # (a go-to that did not move it is news, even
                continue  # for a hidden unit: a player's reinforcements stalled every turn, never mentioned)
            static = ut.indirect or ut.ad_range_hexes > 0  # (they fire or cover from where they stand)
            if static or u.offmap or u.idx in zone or u.idx in objective or self.in_hiding(u):
                out.add(u.id)
        return out

    def in_hiding(self, u: Any) -> bool:
        """Whether own unit `u` is hidden and every move it can make now would give it away."""
        if not u.hidden or not u.active:
            return False
        v = self.view
        try:
            return all(v.move_reveal(u.id, i) is not None for i in v.destinations(u.id) if i != u.idx)
        except (KeyError, ValueError, WargameError):
            return False

    def bring_into_view(self, idxs: list[int]) -> bool:
        """Centre the map on hexes `idxs` (what a recon sortie found, go-to units stopped by a contact) when one
        of them is out of the map area or under the status bar; whether the view moved."""
        if not idxs:
            return False
        mr = self.map_rect
        margin = self.hex_size
        room = pygame.Rect(margin, margin, mr.w - 2 * margin,  # (in the map area: `hex_to_screen`)
                           mr.h - self.status_cover - 3 * self.ui_text.line_height(panels.FS) - 2 * margin)
        if all(room.collidepoint(self.hex_to_screen(i)) for i in idxs):
            return False
        g = self.geo
        xs, ys = zip(*(g.center(i) for i in idxs), strict=True)
        self.vx = (min(xs) + max(xs)) / 2 - mr.w / 2
        self.vy = (min(ys) + max(ys)) / 2 - (mr.h - self.status_cover) / 2
        self.clamp_view()
        return True

    def undo(self) -> None:
        if not self.undo_stack:  # (after a load it blamed the random draws: s33 playtest)
            self.status = UNDO_EMPTY.get(self.undo_empty_why, UNDO_EMPTY["random"])
            return
        before, side = self.undo_stack.pop()
        edit = sandbox.undone_words(self, before, self.state.orders[len(before.orders):])
        # the plans (go-to orders, hold marks) are the player's, not the move's: other units' plans made since
        # stay; only the undone unit's go back to what they were (a reviewer lost a K mark to an undo)
        undone = {o.unit for o in self.state.orders[len(before.orders):] if hasattr(o, "unit")}
        plans = goto_orders.orders(self.state)
        kept = {u: g for u, g in plans.items() if u not in undone}
        old = goto_orders.orders(before)
        before.extra[goto_orders.GOTO_KEY] = {**kept, **{u: g for u, g in old.items() if u in undone}}
        vias = {u: goto_orders.via_of(self.state if u not in undone else before, u)
                for u in set(before.extra[goto_orders.GOTO_KEY])}  # (the waypoints go with their orders)
        before.extra.pop(goto_orders.VIA_KEY, None)
        for u in sorted(vias):
            goto_orders.set_via(before, u, vias[u])
        holds = (goto_orders.held(self.state) - undone) | (goto_orders.held(before) & undone)
        for u in goto_orders.held(before) | holds:
            goto_orders.set_hold(before, u, u in holds)
        opened = (goto_orders.marching(self.state) - undone) | (goto_orders.marching(before) & undone)
        for u in goto_orders.marching(before) | opened:
            goto_orders.set_open(before, u, u in opened)
        self.state = before
        self.renderer.state = before
        self.view_side = side
        self.pending = None
        self.highlight = []
        self.status = edit or "Move undone"

    def sandbox_weather(self, preset: str) -> None:
        if not self.state.sandbox:
            self.status = "Weather presets need --sandbox"
            return
        if self.issue(SandboxWeather(preset)) is None:
            return
        self._say_who_flies(f"Sandbox weather {preset}")

    def sandbox_cloud_base(self, up: bool) -> None:
        """F9 / Shift+F9: the cloud base a step up or down through the heights at which the scenario's aircraft
        change between flying and grounded (`engine.weather.cloud_base_steps`), the rest of the weather kept. No
        preset shows the record's low cloud that grounds the armed drones while the recon drone flies."""
        if not self.state.sandbox:
            self.status = "Cloud base steps need --sandbox"
            return
        steps = cloud_base_steps(self.state.scenario)
        now = self.state.weather.ceiling_m
        nxt = [c for c in steps if c > now] if up else [c for c in steps if c < now][::-1]
        if not nxt:
            self.status = (f"Cloud base {now:g} m: already at or {'above the highest' if up else 'below the lowest'}"
                           f" step ({', '.join(f'{c:g}' for c in steps)} m; {'Shift+F9 lowers' if up else 'F9 raises'}"
                           " it)")
            return
        if self.issue(SandboxCloudBase(nxt[0])) is None:
            return
        # (who flies first, short: at a projector's size the line is cut after some 120 characters)
        self._say_who_flies(f"Sandbox cloud base {nxt[0]} m")

    def _say_who_flies(self, lead: str) -> None:
        own = self.own_aircraft()
        if own:  # (what the player pressed it for first: the engine's weather line is long and cut off)
            g = self.view.grounded
            fly = [self.names.short(u.id) for u in own if not g.get(u.id)]
            ground = [self.names.short(u.id) for u in own if g.get(u.id)]
            said = "; ".join(p for p in (f"{', '.join(fly)} can fly" if fly else "",
                                         f"{', '.join(ground)} grounded" if ground else "") if p)
            self.status = f"{lead}: {said} | {self.status}"

    def save(self, path: str | Path | None = None) -> None:
        p = Path(path or self.save_path)
        self.finish_ai_phase()
        try:
            self.write_save(p)
            self.status = f"Saved to {p}"
        except OSError as e:
            self.status = f"Cannot save to {p}: {e}"

    def finish_ai_phase(self) -> None:
        """An AI mid-phase holds that phase's plan in memory (not in the save): let it finish the phase first."""
        st = self.state
        while st.outcome is None and self._ai_key == (st.turn, st.side, st.phase_i):
            self.ai_step()

    def write_save(self, p: Path) -> None:
        """Write the game to `p` (atomically: `engine.savegame.save_game`); OSError if it cannot be."""
        from engine.savegame import save_game

        # the AI players' random streams go into the save, so a loaded game continues exactly as this one would
        self.state.extra[AI_RNG_KEY] = {SIDES[s]: self.rngs[s].bit_generator.state for s in (0, 1)}
        # and who plays which side, so that `wargame play --load` gives the player back their own side
        self.state.extra[PLAYERS_KEY] = {"human": [SIDES[s] for s in sorted(self.human)], "hotseat": self.hotseat,
                                         **({"see_all": True} if self._omniscient else {})}  # (the option)
        self.state.extra[VIEW_KEY] = self.view_record()  # (and what the screen showed: `restore_view`)
        save_game(self.state, p)
        self.saved_orders = len(self.state.orders)
        self.autosave_error = None  # (nothing is left to lose)
        self.quit_refused = False

    def unsaved(self) -> bool:
        """Whether the game has orders not saved yet (that an autosave would keep)."""
        return self.autosave_path is not None and not self.read_only and len(self.state.orders) != self.saved_orders

    def autosave(self) -> Path | None:
        """Save the game if it has orders not saved yet: to `autosave_path` (or a numbered name beside it, never
        over another game's autosave: `autosave_file`), else into the first `autosave_fallbacks` folder that
        takes it. The path if it did (also in `autosaved`); if every place failed, why is in `autosave_error`."""
        p = self.autosave_path
        if p is None or not self.unsaved():
            return None
        target, self.autosave_error = self.save_somewhere(lambda folder: autosave_file(folder / p.name, self.state))
        if target is not None:
            self.autosaved = target
        return target

    def save_somewhere(self, name_in: Callable[[Path], Path]) -> tuple[Path | None, str | None]:
        """The game, its AI's phase finished, written to `name_in(folder)` of the autosave's folder, else of the
        first `autosave_fallbacks` folder that takes it: (the path, None), or (None, why every place failed)."""
        assert self.autosave_path is not None
        try:
            self.finish_ai_phase()
        except Exception:  # (the AI finishing its phase failed: the orders so far are still worth keeping)
            pass
        errors = []
        for folder in (self.autosave_path.parent, *self.autosave_fallbacks):
            target = name_in(folder)
            try:
                self.write_save(target)
            except OSError as e:
                errors.append(f"{target}: {e.strerror or e}")
                continue
            return target, None
        return None, "; ".join(errors)

    def autosave_note(self) -> str | None:
        """At the start of a game: why a game left unsaved could not be autosaved where the player expects it
        (a read-only folder), and where it would go instead, or None. Checked by a real try
        (`engine.fileio.unwritable`), so the player learns it before playing, not when quitting."""
        from engine.fileio import unwritable

        p = self.autosave_path
        if p is None or self.read_only:
            return None
        why = unwritable(p)
        if why is None:
            return None
        for folder in self.autosave_fallbacks:
            if unwritable(folder / p.name) is None:
                return (f"Autosave: cannot write {p} ({why}); a game left unsaved goes to {folder} instead. "
                        "Save… (Ctrl+S) saves it where you choose")
        return (f"Autosave is off: cannot write {p} ({why}). Save the game with Save… (Ctrl+S) in a folder you "
                "can write")

    def not_saved_words(self) -> str:
        """The status line after an autosave failed: why, and where the game can still be saved."""
        return (f"NOT SAVED: {self.autosave_error}. Save with Save… (Ctrl+S) in a folder you can write, or close "
                "again to quit and lose the game")

    def request_quit(self) -> None:
        """The window closed or Ctrl+Q. A game with orders not saved is autosaved first, while the window is
        still open: if that fails everywhere, the game stays open and says so (a window and the status line:
        where it can still be saved, the Save… dialog); a second request quits without it (the console then
        says the game is lost, and `wargame play` exits 1). Before, a quit that could not save lost the game
        without a word."""
        if not self.unsaved() or self.quit_refused:
            self.running = False
            return
        if self.autosave() is not None:
            self.running = False
            return
        self.quit_refused = True
        self.status = self.not_saved_words()
        if self.gui is not None:
            self.gui.alert("The game could not be saved", [
                f"Leaving the game saves it, but it could not be written: {self.autosave_error}.",
                "Save it with Save… (Ctrl+S) in a folder you can write (your home folder, a USB stick).",
                "Close the window again (or Ctrl+Q) to quit without saving: the game is then lost."])

    def load(self, path: str | Path | None = None) -> None:
        from engine.savegame import load_game

        p = Path(path or self.save_path)
        try:
            st = load_game(p, track_sightings=True)
        except WargameError as e:
            self.status = f"Cannot load: {e}"
            return
        left = self.keep_left_game()
        if left is None:  # (as a quit that cannot save: held back once, with why; a second Load… goes ahead)
            if not self.load_refused:
                self.load_refused = True
                self.status = (f"Not loaded: the game on screen has orders not saved, and it could not be kept "
                               f"({self.left_error}). Save it with Save… first, or Load… again to leave it unsaved.")
                return
            left = " | the game you left was NOT saved"
        saved = saved_players(st)  # the sides the game was saved with, as `wargame play --load` restores them
        if saved is not None and saved[0]:
            self.human, self.hotseat = saved
            self.view_side = min(self.human)
        self.set_state(st)
        self.show_loaded(p, left)

    def keep_left_game(self) -> str | None:
        """Before another game is loaded: the one on screen, if it has orders not saved, is written beside the
        autosave as `<autosave>_left.json` (Load… threw a turn's moves away without a word); one such file, the
        last game left, so that reloading a save again and again leaves no trail of files. What the status line
        adds about it ("" if nothing); None if it could not be written anywhere (`left_error` says why)."""
        p = self.autosave_path
        if p is None or not self.unsaved():
            return ""
        target, why = self.save_somewhere(lambda folder: folder / f"{p.stem}_left{p.suffix}")
        if target is None:
            self.left_error = why or ""
            return None
        return f" | the game you left (orders not saved) is kept in {target}"

    def loaded_status(self, path: Path) -> str:
        """The status line after a game is loaded: where it stands and which side the player has."""
        st = self.state
        you = "hotseat" if self.hotseat else f"you play the {SIDES[min(self.human)]}" if self.human else "AI vs AI"
        loaded = f"Loaded {path} (turn {st.turn}, {st.side_name} {st.phase} phase; {you})"
        notes = ([] if self.hotseat else self.agent_notes) + self.load_notes + self.see_all_notes()
        said = "; ".join(notes)
        return f"{said[:1].upper()}{said[1:]} | {loaded}" if notes else loaded  # (first: a long line is cut)

    def view_record(self) -> dict[str, Any]:
        """What the screen shows, for a save (`VIEW_KEY`): whose view, the overlays, the zoom (hex size in px) and
        the hex at the map's centre, the selected unit, faded counters, the key-events filter, the last-fight card
        and watch mode. A teacher's prepared
        sandbox reopened on the whole map with no overlay and nothing selected, and the class watched the set-up
        again."""
        g = self.geo
        mid = g.hex_at(self.vx + self.map_rect.w / 2, self.vy + (self.map_rect.h - self.status_reserve) / 2)
        return {"side": SIDES[self.view_side], "overlays": sorted(self.overlays), "hex_px": self.hex_size,
                "centre": None if mid is None else list(self.state.map.hex_refs[mid]), "selected": self.selected,
                "counters_faded": self.counters_faded, "log_key_only": self.log_key_only,
                "show_fight_card": self.show_fight_card, "watch_fights": self.watch_fights}

    def restore_view(self) -> bool:
        """The view a save was made with (`view_record`), on a loaded game played from the same side's screen (a
        hotseat game opens behind its curtain on each player's forces, as ever). A save without one (older, or
        from `wargame run`), or with values that do not fit this game, opens as a new game does; parts that do not
        fit are left out one by one (an overlay this version does not have, a unit no longer the player's to
        select). Whether anything was restored."""
        got = self.state.extra.get(VIEW_KEY) if isinstance(self.state.extra, dict) else None
        if not isinstance(got, dict) or self.hotseat or got.get("side") != SIDES[self.view_side]:
            return False
        done = False
        overlays = got.get("overlays")
        if isinstance(overlays, list):
            ok = sorted({n for n in overlays if type(n) is int and n in ov.OVERLAYS})
            if ok:
                self.overlays.update(ok)
                done = True
        px, centre = got.get("hex_px"), got.get("centre")
        if type(px) is int and px > 0:
            levels = self.zoom_levels
            self.zoom_i = min(range(len(levels)), key=lambda k: abs(levels[k] - px))
            self.clamp_view()
            done = True
        if (isinstance(centre, list) and len(centre) == 2 and all(type(x) is int for x in centre)
                and self.state.map.on_map((centre[0], centre[1]))):
            self.center_on(self.state.map.idx((centre[0], centre[1])))
            done = True
        for flag in ("counters_faded", "log_key_only", "show_fight_card", "watch_fights"):
            if type(got.get(flag)) is bool and got[flag] != getattr(self, flag):
                setattr(self, flag, got[flag])
                done = True
        if self.gui is not None:
            self.gui.set_log_title(self.log_key_only)
        uid = got.get("selected")
        if isinstance(uid, str) and uid in self.state.unit_index:
            u = self.state.unit(uid)
            if u.side == self.view_side and u.strength > 0 and u.arrived and not u.offmap:
                status = self.status
                self.select(uid)
                self.status = status  # (the load's own line says what was loaded)
                done = True
        return done

    def see_all_notes(self) -> list[str]:
        """A game saved with --see-all and loaded without it: say how to show both sides again (a teacher's prepared
        sandbox reloaded with the hidden ambush party, the point of the lesson, out of sight). The option is not
        restored by itself: a save may pass to a player who should see only their side."""
        got = self.state.extra.get(PLAYERS_KEY) if isinstance(self.state.extra, dict) else None
        if self._omniscient or not isinstance(got, dict) or got.get("see_all") is not True:
            return []
        return ["saved with --see-all: add --see-all to `wargame play --load` to show both sides' units again"]

    def show_loaded(self, path: Path, after: str = "") -> None:
        """The status line after a load; autoskip then names the phases it skips there and the phase the player
        is in (the line said "defender air phase" over a panel showing MOVEMENT)."""
        self.undo_empty_why = "loaded"
        self.status = self.loaded_status(path) + after
        self._loaded = [path, after, [], self.status]

    def set_state(self, st: Any) -> None:
        self.agents, self.agent_notes = game_agents(st)  # (the loaded game's own AI players; first:
        # nothing is changed if it fails)
        self.load_notes = goto_orders.drop_bad(st)
        self.state = st
        self.fast_forward = None  # (playing on, and the end said, were of the last game)
        self._ended_by_order = None
        self.ended_in_autoplay = False  # (another game: its ending was not autoplayed here)
        self.recon_notes = {}  # (about another game's log)
        self.quit_refused = False  # (a quit held back in the last game: this one's unsaved orders are autosaved)
        self.load_refused = False
        if self.gui is not None:  # (the next frame shows the loaded game's log, not the last game's rows)
            self.gui._log_ident = None
        self.saved_orders = len(st.orders)
        self.renderer = MapRenderer(st, self.palette, self.text)
        old = self.hex_size
        self._zoom_levels = None  # (another scenario may be loaded)
        levels = self.zoom_levels
        self.zoom_i = min(range(len(levels)), key=lambda k: abs(levels[k] - old))
        self.clamp_view()
        self.selected = None
        self.place_mode = False  # (the loaded game may be no sandbox)
        self.pending = None
        self.highlight = []
        self.undo_stack.clear()
        self.undo_empty_why = "phase"
        self.rngs = ai_rngs(st)
        self.report, self.report_notes, self.show_report = None, [], False
        self._ai_key = None
        self._ai_from = None
        self._goto_key = None  # (a game loaded at its movement phase's start carries out its standing orders)
        self._turn_from = len(st.log)
        if self.hotseat:  # the loaded game's side to move gets the screen only after the curtain
            self.raise_curtain()
        else:  # the loaded game's units in view, as a new game opens (the view stayed on the last game's spot),
            self.open_on_own_forces()  # or the view it was saved with
            self.restore_view()
            self.restore_report()

    def toggle_help(self) -> None:
        self.show_help = not self.show_help

    def toggle_roster(self) -> None:
        self.show_roster = not self.show_roster

    def roster_rows(self) -> list[tuple[str, str]]:
        """(line, unit id) for each of the viewing side's units, those that can act in this phase first (a
        ">" before them, as Tab finds them). The flags a long row must not lose come first (OUT OF SUPPLY,
        grounded, hidden, what it has done this turn), then strength, the unit's name and id, its type and
        cohesion. Units still to arrive come last. The side's own units only."""
        st = self.state
        v = self.view
        table = st.scenario.unit_table
        able = self.able_units() if self.my_turn() else set()
        nm = self.names
        holding = goto_orders.held(st)
        going = {uid for uid, _ in goto_orders.side_orders(st, v.side)}
        rows: list[tuple[int, str, str]] = []
        for u in v.own:
            ut = table[u.type]
            if u.strength <= 0:
                continue
            kind = ut.label.split(" (")[0]
            if not u.arrived:
                rows.append((2, f"   arrives on turn {u.arrives_turn}: {nm.name(u.id)}, {kind}", u.id))
                continue
            flags = []
            if ut.domain == "ground" and not u.supplied:
                why = panels.supply_reason(self, u.id)  # (the rule's reason: "too far ..." said nowhere but the log)
                # (its head: the whole reason, first in the row, cut the unit's name off; the panel has it all)
                why = why.split(" (")[0].split(":")[0] if why else why
                flags.append(f"OUT OF SUPPLY: {why}" if why else "OUT OF SUPPLY")
            if v.grounded.get(u.id):
                flags.append("GROUNDED")
            if u.hidden:
                flags.append("hidden")
            if u.moved:
                flags.append("moved")
            if u.fired:
                flags.append("fired" if ut.domain == "air" or ut.indirect else "fought")
            if u.id in holding:  # (marked with K: the idle reminder leaves it out)
                flags.append("HOLD")
            elif u.id in going:
                flags.append("go-to")
            tail = f", cohesion {u.cohesion}" if ut.domain == "ground" else ""
            mark = ">" if u.id in able else " "
            head = f"{' '.join(f'[{f}]' for f in flags)} " if flags else ""
            # where it stands, before its name: a long row is cut at the right (a player's playtest: no column said
            # where each unit was)
            c, r = st.map.hex_refs[u.idx]
            at = f"({c},{r}) " if ut.domain == "ground" and not u.offmap else ""
            rows.append((0 if u.id in able else 1,
                         f"{mark}  {head}{u.strength}/{ut.max_steps} {at}{nm.name(u.id)} - {kind}{tail}", u.id))
        return [(text, uid) for _, text, uid in sorted(rows, key=lambda r: r[0])] + sandbox.roster_rows(self)

    def select_from_roster(self, uid: str) -> None:
        """A roster line clicked: select that unit and bring its counter into view. In a sandbox a unit still to
        arrive is selected too: a placement brings it in."""
        if not uid:  # (the heading of the other side's units in a sandbox: `ui.sandbox.roster_rows`)
            self.status = "Click a unit's line to select it"
            return
        u = self.state.unit(uid)
        if not u.arrived and u.strength > 0 and sandbox.on(self):
            self.select(uid)
            self.show_roster = False
            return
        if not u.arrived or u.strength <= 0:
            who = self.names.name(uid)
            self.status = f"{who} is not on the map yet" if not u.arrived else f"{who} is destroyed"
            return
        self.select(uid)
        self.show_roster = False  # (its window stood over the unit it had just centred the map on)
        if self.state.utype(u).domain == "ground" or u.offmap:
            self.center_on(u.idx)

    def toggle_lesson(self) -> None:
        """Key L: the lesson of a teaching scenario, else the scenario's briefing, with how to win."""
        self.show_lesson = not self.show_lesson

    def _sync_lesson(self) -> None:
        """Open / close the lesson window (pygame_gui, like the help) to match `show_lesson`."""
        import pygame_gui

        win = self.lesson_win
        if win is not None and not win.alive():  # closed with its own close button
            self.lesson_win = win = None
            self.show_lesson = False
            self.side_choice = False
            self.side_buttons = {}
        if self.show_lesson and win is None and not self.pass_screen:
            self.brief_sides.discard(self.view_side)
            W, H = self.size  # wide enough to read on a projector without scrolling much; larger text (the UI
            # scale), a larger window: at the default 1.25 of a 1600x1000 window a lesson's text scrolled
            s = max(1.0, self.ui_scale)
            r = self.gui._centred(max(720, min(round(1000 * s), round(W * min(0.8, 0.62 * s)))),
                                  max(560, min(round(820 * s), round(H * min(0.92, 0.8 * s)))))
            title = f"{panels.lesson_window_name(self.state.scenario).capitalize()} (L)"
            self.lesson_win = win = pygame_gui.elements.UIWindow(r, self.gui.manager, resizable=True,
                                                                 window_display_title=title)
            win.set_blocking(True)  # (the panel's buttons and log neither light up nor show tips under it)
            self.hover = None
            html = panels.lesson_html(self.state.scenario, self.ui_scale)
            bh = max(SIDE_BUTTON_H, round(SIDE_BUTTON_H * self.ui_scale))  # (its bold text grows with the scale)
            bar = bh + 12 if self.side_choice else 0  # (room for "play the attacker / defender")
            # the whole text without scrolling: wider, up to the screen, if it must; a short lesson gets a window
            # its size, not one half empty (ui/lesson_window.py); else a title that says the text scrolls
            lesson_window.fit(self, win, html, bar)
            cw, ch = win.get_container().get_size()
            pygame_gui.elements.UITextBox(
                html_text=html, relative_rect=pygame.Rect(0, 0, cw, ch - bar),
                manager=self.gui.manager, container=win,
                anchors={"left": "left", "right": "right", "top": "top", "bottom": "bottom"})
            self.side_buttons = {}
            if self.side_choice:  # a new game: the player picks a side here (the AI waits for the window)
                names = self.state.scenario.sides
                bw = (cw - 30) // 2
                for k, side in enumerate(SIDES):
                    b = pygame_gui.elements.UIButton(
                        pygame.Rect(10 + k * (bw + 10), -bh - 6, bw, bh),  # (from the bottom)
                        f"{pygame.key.name(KEY_OF_SIDE[k]).upper()}: play the {side} ({names[side].name})"
                        + (" - default" if SIDES.index(side) in self.human else ""),
                        self.gui.manager, container=win, anchors={"left": "left", "bottom": "bottom"})
                    self.side_buttons[b] = SIDES.index(side)
        elif not self.show_lesson and win is not None:
            win.kill()
            self.lesson_win = None
            self.side_choice = False  # (closed without a choice: the side given stays)
            self.side_buttons = {}

    def close_briefing(self) -> None:
        """Close the briefing or lesson window now (an alert must not open under it: its input is blocked there)."""
        if self.show_lesson or self.briefing_open():
            self.show_lesson = False
            self._sync_lesson()

    def windows_over_briefing(self) -> list[Any]:
        """The pygame_gui windows stacked above the open briefing (the game-over window of a finished game loaded
        with the briefing open): they take their own clicks, and Esc closes them before the briefing."""
        if not self.briefing_open():
            return []
        stack = self.gui.manager.get_window_stack().get_full_stack()
        if self.lesson_win not in stack:
            return []
        return [w for w in stack[stack.index(self.lesson_win) + 1:] if w.alive() and w.visible]

    def choose_side(self, side: int) -> None:
        """The side picked in a new game's briefing: the player takes it, the AI the other."""
        self.human = {side}
        self.view_side = side
        self.side_choice = False
        self.show_lesson = False
        self.selected = None
        self.pending = None
        self.open_on_own_forces()
        self.status = f"You play the {SIDES[side]} ({self.state.scenario.sides[SIDES[side]].name})"
        if self.watch_fights:  # (W pressed in the briefing)
            self.status += "; the computer's turn stops at each fight you see (W: off)"
        if self.my_turn() and self.state.outcome is None:  # what to do first, on the line the player reads
            self.status += ". " + panels.phase_hint(self)

    def show_event(self, k: int) -> None:
        """A log entry was clicked: highlight its hexes, explain it on the status line, centre the map on it.
        The entry as the log shows it (`visible_events`): an enemy move seen in part outlines the seen hexes."""
        ev = self.visible_event(k)
        if ev is None:
            return
        self.highlight = [self.state.map.idx(h) for h in ev.hexes() if self.state.map.on_map(h)]
        self.status = event_status(ev, self.names)  # (the fire modifiers first: a teacher reads them aloud)
        # from the whole-map zoom, in to the play zoom (an educator: on the whole Shusha map an ambush was 40 px of
        # a 1000 px map, unseen from the back of the class); nearer zooms are kept, the map only centred
        if self.highlight:
            self.focus_on(self.highlight[0])

    def raise_curtain(self) -> None:
        """Hotseat: the pass-the-screen curtain falls over the side that has the screen. The windows it had open
        (roster, report, help) close: the next player starts on a clean screen, not on the last one's."""
        self.pass_screen = True
        self.curtain_at = self.clock()
        self.selected = None
        self.place_mode = False  # (the next player's clicks give orders, as they expect)
        self.pending = None
        self.show_roster = self.show_report = self.show_help = False
        self.drag = None
        self.highlight = []  # the other player's outlines and overlays are not the next one's to see
        self.side_overlays[self.view_side] = set(self.overlays)  # (given back when this side has the screen again:
        self.overlays.clear()  # a player's line-of-sight overlay was gone at every hand-over)
        self.side_fight_card[self.view_side] = self.show_fight_card  # (the card one player pinned with B showed
        self.show_fight_card = False  # for the other when the curtain lifted: a class rehearsal)

    def show_whole_game(self) -> None:
        """Hotseat, the game over: both players read the whole map and log (no curtain; every unit, hidden ones
        too: `omniscient`). The game-over window and the map stayed in the view of the side that moved last, and a
        finished game loaded opened behind a curtain that did not say the game was over (a playtest)."""
        self.pass_screen = False
        self.curtain_at = None
        self._view_key = None  # (the view is rebuilt with the true control map)
        said = "the game is over: both sides' units, hidden ones too, and the whole log are shown"
        self.status = f"{self.status} - {said}" if self.status else said[:1].upper() + said[1:]

    def curtain_ready(self) -> bool:
        """The curtain may be lifted by a click or a key (`CURTAIN_GRACE_S` after it fell): a double click or a
        key held by the player leaving the screen does not lift it."""
        return self.curtain_at is None or self.clock() - self.curtain_at >= CURTAIN_GRACE_S

    def lift_curtain(self) -> None:
        """A click or a key on the curtain: lifted once it has been up `CURTAIN_GRACE_S`, else nothing."""
        if self.curtain_ready():
            self.dismiss_pass()

    def dismiss_pass(self) -> None:
        """The curtain is lifted for the side to move: nothing of the other player's view stays (where it looked,
        the hex under its mouse or keyboard cursor; its overlays went when the curtain fell); the status sums up
        what this side saw of the other's half-turn."""
        self.pass_screen = False
        self.curtain_at = None
        self.view_side = self.state.side
        self.selected = None
        self.pending = None
        self.highlight = []  # (outlines of anything done behind the curtain are not this player's either)
        self.hover = None
        self.kb_cursor = False
        self.drag = None
        self.fit_map()  # (the other player's zoom and place gone; then the play zoom on this side's units, as a
        self.open_on_own_forces()  # game opens: at the whole-map zoom of Shusha a counter is a dot)
        self.overlays |= self.side_overlays.pop(self.view_side, set())  # (this player's own, as they left them)
        self.show_fight_card = self.side_fight_card.pop(self.view_side, False)
        if self.view_side in self.brief_sides:  # (each player reads the briefing before their first move)
            self.show_lesson = True
        start, self._turn_from = self._turn_from, len(self.state.log)
        self.status = f"{SIDES[self.view_side]} to play"
        if start < len(self.state.log):
            self.status = self.enemy_turn_summary(start)
        elif (said := self.restore_report()) is not None:  # (a loaded game: its last half-turn, from the log)
            self.status = said
        self.status = self.welcome_note(self.status)
        if self.status_after_curtain:  # (what `play` had to say at the start: the load's notes, the autosave's)
            self.status = f"{self.status_after_curtain} | {self.status}"
            self.status_after_curtain = None

    def enemy_turn_seen(self, start: int, end: int | None = None) -> list[Any]:
        """What the viewing side saw of the enemy's half-turn: log entries from `start` (to `end`, else the log's
        end) (`visible_log`), less this side's own turn-start reports and the game's routine turn reports
        (`BOOKKEEPING`: the new turn, its weather, the objective's count), which are nobody's action."""
        own = SIDES[self.view_side]
        return [ev for k, ev in self._log_seen(start) if (end is None or k < end)
                and not (getattr(ev, "side", None) == own and ev.kind in OWN_REPORTS) and ev.kind not in BOOKKEEPING]

    def last_enemy_half_turn(self) -> tuple[int, int] | None:
        """Log indices [start, end) of the other side's last half-turn before the viewing side's current one, read
        from the phase markers (None: it has had none yet)."""
        log = self.state.log
        enemy = SIDES[1 - self.view_side]
        end = len(log)
        k = len(log) - 1
        while k >= 0 and not (log[k].kind == "PhaseStarted" and log[k].side == enemy):  # (back past our phases)
            if log[k].kind == "PhaseStarted":
                end = k
            k -= 1
        if k < 0:
            return None
        start = k
        while k >= 0 and not (log[k].kind == "PhaseStarted" and log[k].side != enemy):
            if log[k].kind == "PhaseStarted":
                start = k
            k -= 1
        return start, end

    def restore_report(self) -> str | None:
        """A game opened from a save (`--load`, Ctrl+O, a hotseat curtain over a loaded game): the enemy-turn
        report (V) of its last enemy half-turn, read from the log (V said "No enemy turn yet" at turn 18). The
        status line's summary of it, or None if there is none (or the enemy is still playing)."""
        self.report, self.report_notes = None, []
        if self.state.side != self.view_side or self.choosing:
            return None
        span = self.last_enemy_half_turn()
        if span is None:
            return None
        return self.enemy_turn_summary(span[0], self.enemy_turn_seen(*span))

    def enemy_turn_summary(self, start: int, seen: list[Any] | None = None) -> str:
        """The status line when the enemy's half-turn is over: what the viewing side saw of it (`seen`, else
        `enemy_turn_seen(start)`), in the order it happened (`timeline_parts`), units by name (`names`).
        Also keeps the whole of it, under headings, for the report window (`report`, key V)."""
        seen = self.enemy_turn_seen(start) if seen is None else seen
        # the status bar's two lines: what fits chosen most important first, all said in the order it happened
        # (an assault read before the move that led to it); the rest after, where the bar's cut drops it
        width = self.map_rect.w - 20  # (the status bar's, `panels.draw_status`)

        def fits(parts: list[str]) -> bool:
            line = f"Enemy turn: {SEP.join(parts)} {panels.REPORT_HINT}"
            return len(self.ui_text.wrap(line, panels.FS, width)) <= 2

        parts = timeline_parts(seen, self.state, self.view, names=self.names, fits=fits)
        sections = summary_sections(seen, self.state, self.view, self.names)
        self.report = (f"What you saw of the enemy's turn (before your turn {self.state.turn})", sections)
        self.report_notes = []
        return "Enemy turn: " + (SEP.join(parts) if parts else "you saw nothing of it")

    def report_lines(self) -> list[tuple[str, bool]]:
        """The enemy-turn report as (line, is a heading): losses and contacts first, the phases of the player's
        own turn skipped since, with why; "you saw nothing of it" when nothing of the enemy was seen."""
        full = self.status_in_full()
        if self.report is None:
            return [*full, ("No enemy turn yet", True)]
        title, sections = self.report
        out: list[tuple[str, bool]] = [*full, (title, True)]
        for head, parts in sections:
            out.append((head, True))
            out += [(p, False) for p in parts]
        if not sections:
            out.append(("You saw nothing of it: none of its moves, fire or losses came into your view", False))
        if self.report_notes:
            out.append(("Your turn so far", True))
            out += [(n, False) for n in self.report_notes]
        return out

    def status_in_full(self) -> list[tuple[str, bool]]:
        """The status line's message whole, as report rows, when the bar had to cut it (its "… V: the whole
        message"); else nothing. An enemy turn's summary is not repeated: the report below is its whole."""
        if self.status_cut is None or self.status_cut[0] != self.status:
            return []
        return [("The status line in full", True), *((part, False) for part in self.status_cut[1])]

    def toggle_report(self) -> None:
        self.show_report = not self.show_report

    def stop_at_fight(self, start: int) -> bool:
        """Watch mode (W): whether the computer's last order, the log from `start`, gave a fight the viewing side
        saw; if so the half-turn stops there (`watching`), the map on it, zoomed in from the whole map, its hexes
        outlined, the status saying what happened, until Space goes on. Only what the side saw: a fight out of its
        sight does not stop the turn, nor move the map to where it was."""
        if self.state.outcome is not None:  # (the game's end has its own window; the turn's summary follows)
            return False
        seen = self.seen_events(self.state.log[start:])
        fights = [ev for ev in seen if ev.kind in FIGHT_EVENTS]
        if not fights:
            return False
        gm = self.state.map
        hexes = [gm.idx(h) for ev in seen for h in ev.hexes() if gm.on_map(h)]
        if not hexes:
            return False
        self.watching = fights
        self.highlight = hexes
        self.focus_on(hexes[0])
        # the fight to the right of the middle and up a little: the card it shows (a corner of the map, up to half
        # its width) went over a fight in the middle, and hid it at 1280x800, --ui-scale 1.5 (a teacher)
        self.vx -= self.map_rect.w / 4
        self.vy += self.map_rect.h / 6
        self.clamp_view()
        said = order_summary(seen, self.state, fights[0].text(), None if self.omniscient else self.view,
                             None, self.names)
        self.status = f"Enemy fight (Space: go on; W: stop watching): {said}"  # (first: a long line is cut)
        self.log_anchor = start
        return True

    def go_on_watching(self) -> None:
        """Space in watch mode's stop: the computer's half-turn goes on (to the next fight, or its end)."""
        self.watching = None
        self.status = "The enemy's turn goes on (W: stop watching)"

    def toggle_watch(self) -> None:
        self.watch_fights = not self.watch_fights
        if not self.watch_fights and self.watching is not None:
            self.watching = None
        self.status = ("Watching the enemy's fights: the computer's turn stops at each fight you see, the map on "
                       "it (Space goes on; W again: off)" if self.watch_fights
                       else "Watching off: the computer's turn plays through")

    def show_enemy_turn(self, start: int) -> None:
        """Back to the player after the enemy's half-turn: the status sums it up, the map outlines the hexes of
        what was seen of it (moves, fire, assaults), and the log scrolls to its first line."""
        seen = self.enemy_turn_seen(start)
        arrivals = self.arrivals_words(start)
        skipped = getattr(self, "_skipped_last", [])
        self._skipped_last = []
        before = f" | before it, your turn's last phase: {skipped[-1][0].lower()}{skipped[-1][1:]}" if skipped else ""
        summary = self.welcome_note(self.enemy_turn_summary(start, seen) + (f" | {arrivals}" if arrivals else "")
                                    + before)
        dialog = getattr(getattr(self, "gui", None), "dialog", None)
        if dialog is not None and dialog.alive():  # (the save dialog's hint stays while it is open: Ctrl+S in the
            self.status_after_dialog = summary  # enemy's half-turn had it overwritten, s33 playtest)
        else:
            self.status = summary
        gm = self.state.map
        self.highlight = [gm.idx(h) for ev in seen for h in ev.hexes() if gm.on_map(h)]
        self.log_anchor = start
        if arrivals:
            self.report_notes.append(arrivals[0].upper() + arrivals[1:])
        self.report_notes += [f"Before the enemy's turn: {n[0].lower()}{n[1:]}" for n in skipped]
        self.report_notes += self.drone_spotting_notes(seen)
        self.report_notes += self.arrived_out_of_supply(start)

    def drone_spotting_notes(self, seen: list[Any]) -> list[str]:
        """A note for the report (V) when the enemy's artillery fired on the player's units with its recon drone
        as the spotter: why a battery nobody saw could hit them, and what helps. A player lost a step a turn to
        "an unseen battery (spotter: recon drone)" with no word of either (a player's playtest)."""
        own = SIDES[self.view_side]
        st = self.state
        hit = sorted({tuple(ev.target_hex) for ev in seen if ev.kind == "ArtilleryFired" and ev.side != own
                      and ev.spotter == "recon drone"
                      and any(f.target in st.unit_index and st.unit(f.target).side == self.view_side
                              for f in ev.fire)})
        if not hit:
            return []
        where = ", ".join(st.map.describe(st.map.idx(h)) for h in hit[:3]) + (" ..." if len(hit) > 3 else "")
        ad = [u for u in self.view.own if u.active and st.utype(u).ad_range_hexes > 0]
        shoot = ("your air defence can shoot it down within its range" if ad
                 else "you have no air defence to shoot it down")
        return [f"The enemy's recon drone spotted for its artillery at {where}: while a drone watches them your "
                f"units can be shelled by batteries you cannot see. Leave its view or go to ground in cover (forest, "
                f"ravines) where it cannot find you; {shoot}; the weather may ground it (Weather & aircraft)."]

    def own_arrivals(self, start: int) -> list[Any]:
        """The viewing side's `ReinforcementArrived` events since log index `start`."""
        side = SIDES[self.view_side]
        return [ev for k, ev in self.visible_events() if k >= start and ev.kind == "ReinforcementArrived"
                and ev.side == side]

    def arrivals_words(self, start: int) -> str:
        """"your reinforcements: A and B at (10,44)": the player's units that arrived since log index `start`, by
        hex, for the status line and the report (V). They were only an event-log line each, 30 hexes from the
        fighting, and a player found them on the map's edge turns later (a player's playtest)."""
        by_hex: dict[tuple[int, int], list[str]] = {}
        for ev in self.own_arrivals(start):
            by_hex.setdefault(tuple(ev.hex), []).append(self.names.short(ev.unit))
        if not by_hex:
            return ""
        places = [f"{', '.join(names[:-1]) + ' and ' if len(names) > 1 else ''}{names[-1]} at "
                  f"{self.state.map.describe(self.state.map.idx(h))}" for h, names in by_hex.items()]
        return "your reinforcements: " + "; ".join(places)

    def file_dialog_shut(self, picked: bool) -> None:
        """The file dialog closed: the status line held back while it was open (`status_after_dialog`) is shown,
        unless a file was picked (what the save or load did says more; the enemy's turn is in the event log)."""
        held, self.status_after_dialog = self.status_after_dialog, ""
        if held and not picked:
            self.status = held

    def welcome_note(self, status: str) -> str:
        """`status` with the welcome's hint as a note below it (`WELCOME_NOTE`) while the viewing side has not yet
        played a phase of its own (no `EndPhase` of its in the game's orders): a defender's first view was the
        enemy-turn report, and the hint was never seen. A game played on (`--autoplay`, a save) gets none."""
        own = SIDES[self.view_side]
        if self.state.outcome is not None or self.read_only or any(
                isinstance(o, EndPhase) and o.side == own for o in self.state.orders):
            return status
        return f"{status} | {WELCOME_NOTE}"

    def arrived_out_of_supply(self, start: int) -> list[str]:
        """Notes for the report (V) on the player's units that arrived since log index `start` and are out of
        supply, with the rule's reason: the western group was "out of supply" from its arrival on, and only the
        event log said why ("too far from its supply sources")."""
        come = [ev.unit for ev in self.own_arrivals(start)]
        out = []
        for uid in come:
            why = panels.supply_reason(self, uid) if uid in self.state.unit_index else None
            if why and not self.state.unit(uid).supplied:
                out.append(f"{self.names.name(uid)} arrived out of supply: {why}")
        return out

    def phase_started(self) -> None:
        """A new phase of the player's: a selection that cannot act in it is dropped, with its preview, hints and
        rings (a Harop stayed selected into the artillery phase, "has already acted"; a gun that had fired stayed
        selected into movement with its range ring drawn). One that can act stays: the unit just moved next to an
        enemy is the one to assault with, and Tab goes on from it. The hover panel starts afresh too."""
        self.drop_preview()
        if self.selected is not None and self.selected not in self.able_units():
            self.select(None)
        if not self.kb_cursor:  # (the keyboard's cursor is where it is; the mouse's next move fills it again)
            self.hover = None  # (the hex panel's words were of the last phase)

    def able_units(self) -> set[str]:
        """The own units with an order of this phase's kind they may give now (the legal orders, as the target
        rings read them): a drone with no enemy in its radius, a broken unit, is not "able to act"."""
        kinds = PHASE_ORDERS.get(self.state.phase, ())
        return {o.unit for o in self.view.legal_orders() if isinstance(o, kinds)}

    def next_unit(self, back: bool = False) -> None:
        """Tab: the next own unit that can act; once the end-of-phase warning was given in this phase, only the
        units it named that are still idle ("Tab to go to them": not the guns, units in contact or on the
        objective, held with K, that it leaves out), and all of them again when none is left. `back` (Shift+Tab):
        the one before, in the same list (a player who tabbed one too far had to go round them all)."""
        idle = self.idle_units() if self.idle_warned() and self._tab_idle == self._end_warned else []
        able: set[str] = set()
        if idle:
            ids = idle
        else:
            units = [u for u in self.view.own if u.active and (not u.offmap or self.state.phase == "artillery")]
            able = self.able_units()
            cand = [u for u in units if u.id in able] or [u for u in units if not u.offmap]
            if not cand:
                return
            ids = [u.id for u in cand]
        step = -1 if back else 1
        k = (ids.index(self.selected) + step) % len(ids) if self.selected in ids else (len(ids) - 1 if back else 0)
        self.select(ids[k])
        if idle:  # (the status says which of the warning's units this is)
            what = IDLE_TAB_WORDS.get(self.state.phase, "named by the warning").capitalize()  # (first: a long
            # unit name left it cut off the status bar's two lines at --ui-scale 1.5)
            self.status = f"{what}: {k + 1} of {len(ids)} (Tab: next, Esc: all units) — {self.status}"
        elif not able and self.my_turn():  # (Tab went on through guns and tanks with nothing to do, unsaid)
            self.status += f" - no unit of yours can act in this {self.state.phase} phase: Space ends it"
        u = self.state.unit(ids[k])
        if self.state.utype(u).domain == "ground":  # (an off-map battery: the map-edge hex it fires from)
            self.focus_on(u.idx)

    # ------------------------------------------------------------------ per-frame logic
    def update(self, budget_s: float = 0.02) -> None:
        st = self.state
        if st.outcome is not None and self._ended_by_order == id(st):  # (the player's own order ended the game)
            self._ended_by_order = None
            self.status = game_over_words(st.outcome, self.addressed(), self.hotseat)
        if st.outcome is not None and self.hotseat and not self.read_only and self._whole_shown != id(st):
            self._whole_shown = id(st)
            self.show_whole_game()
        if st.outcome is not None or self.show_lesson or (self.lesson_win is not None and self.lesson_win.alive()):
            return  # the game waits while the lesson is open (or about to open: the window is made in `render`)
        if st.side not in self.human:
            if self.watching is not None:
                return  # (stopped at a fight: Space goes on)
            if self._ai_from is None:  # the enemy's half-turn begins: the outlines of the player's last order go
                self._ai_from = len(st.log)
                self.highlight = []
                # (an assault phase skipped as the player's half-turn ended: the enemy's summary replaced its words,
                # and a newcomer did not know one Space had also passed it)
                self._skipped_last = [n for n in self.report_notes if n.startswith("Skipped the assault phase")]
            t0 = time.perf_counter()
            n = 0
            while st.outcome is None and st.side not in self.human and (n == 0 or time.perf_counter() - t0 < budget_s):
                was = len(st.log)
                self.ai_step()
                n += 1
                if self.watch_fights and self.human and self.stop_at_fight(was):
                    return
            if (st.outcome is not None or st.side in self.human) and self.human:  # back to the player
                self.show_enemy_turn(self._ai_from)
                self._ai_from = None
            return
        if self.hotseat and st.side != self.view_side and not self.pass_screen:
            self.raise_curtain()
            return
        if self.my_turn() and (st.turn, st.side, st.phase_i) != self._phase_seen:
            self._phase_seen = (st.turn, st.side, st.phase_i)
            self.phase_started()
        if self.my_turn() and st.phase == "movement" and not self.read_only:
            key = (st.turn, st.side, st.phase_i)  # (not the state's id: an undone step must not be redone)
            if key != self._goto_key:
                self._goto_key = key
                goto_orders.run_phase_start(self)
                st = self.state
        skipped_now = False
        if self.autoskip and self.my_turn():
            key = (id(st), st.turn, st.side, st.phase_i)
            if key != self._skip_key:
                self._skip_key = key
                legal = self.view.legal_orders()
                if all(isinstance(o, EndPhase) for o in legal) and self.weather_keys_may_fly():
                    self.status = skip_status(self.status, self.grounded_wait_words())
                elif all(isinstance(o, EndPhase) for o in legal):
                    grounded = [f"{self.names.name(k)} grounded: {r}" for k, r in self.view.grounded.items() if r]
                    ph = st.phase
                    why = (self.artillery_skip_reason() if ph == "artillery" else "you have no aircraft"
                           if ph == "air" and not self.own_aircraft() else "")
                    last_status, last_outlines = self.status, self.highlight
                    kept = last_status
                    for hint in (panels.phase_hint(self), panels.phase_hint(self, short=True)):  # (what to do in
                        # the phase now skipped: "Your AIR phase: ... Space ends the phase." stayed into movement)
                        kept = kept.replace(f". {hint}", "").replace(hint, "").rstrip()
                    self.issue(EndPhase(SIDES[st.side]))
                    skipped_now = True
                    skipped = f"skipped the {ph} phase ({why or 'nothing to order'})" + (
                        "; " + "; ".join(grounded) if grounded and ph == "air" else "")
                    self.report_notes.append(skipped[0].upper() + skipped[1:])
                    down = self.grounded_own()
                    if ph == "air" and down and len(down) == len(self.own_aircraft()):  # (each one's reasons, on
                        # low-cloud turns, crowded the status line out: they are on the panel and in the report)
                        tags = ", ".join(dict.fromkeys(panels.type_tag(st.utype(u)) for u in down))
                        skipped = f"skipped the air phase: {tags} grounded by the weather (the panel says why)"
                    # the result of the player's last order stays in view (a recon's finds, an ambush)
                    self.highlight = last_outlines + self.highlight
                    if self._loaded is not None and last_status == self._loaded[3]:  # (just loaded: where now)
                        path, after, skips, _ = self._loaded
                        skips.append(skipped)
                        self.status = f"{self.loaded_status(path)} | {'; '.join(skips)}{after}"
                        self._loaded[3] = self.status
                    else:
                        self.status = skip_status(kept, skipped)
                    if self.hotseat and self.state.side != self.view_side and self.state.outcome is None:
                        self.raise_curtain()  # (the skip ended the half-turn: down at once, not a frame later)
        # (not in the frame a skip ended a phase: the next phase starts next frame, a movement phase with its go-to
        # orders, which N skipped over in the reviewer's test)
        if self.fast_forward is not None and self.my_turn() and not skipped_now and not self.window_over_map():
            self.fast_forward_step()

    def start_fast_forward(self) -> None:
        """N: end the player's phases, turn after turn, until something happens (`fast_forward_step`). A new player
        as the defender pressed Space through nine turns with no enemy in sight."""
        if self.fast_forward is not None:
            self.fast_forward = None
            self.status = "Playing on stopped (N)"
            return
        if not self.my_turn() or self.read_only or self.hotseat:
            self.status = "N plays on in your own turn, against the computer"
            return
        if self.view.contacts:
            self.status = "An enemy unit is in sight: play on by hand (N works while none is)"
            return
        st = self.state
        self.fast_forward = (id(st), st.turn, sum(u.strength for u in self.view.own), self.mark_keys(),
                             frozenset(goto_orders.orders(st)))
        self.status = (f"Playing on until an enemy is seen or one of your units is hit (at most {FAST_FORWARD_TURNS} "
                       "turns; N stops)")

    def mark_keys(self) -> frozenset[tuple[str, int, int]]:
        """The viewing side's last-seen marks as (unit, hex, turn): a mark seen anew changes its key (N compared their
        number, and missed an enemy seen again where a mark of it stood)."""
        return frozenset((m.id, m.idx, m.turn) for m in self.view.last_seen)

    def fast_forward_step(self) -> None:
        """One step of playing on (`start_fast_forward`): the phase ended as Space would end it, unless an enemy is in
        sight or last seen anew, one of the player's units lost strength, or `FAST_FORWARD_TURNS` turns went by; then
        it stops and says why. Go-to orders march as in any movement phase (they run when it starts)."""
        st = self.state
        game, turn0, strength0, marks0, orders0 = self.fast_forward  # type: ignore[misc]
        if game != id(st):  # (another game loaded, a move undone: not what N was pressed in)
            self.fast_forward = None
            return
        v = self.view
        why = ("an enemy unit is in sight" if v.contacts else
               "an enemy was seen and went out of sight" if not self.mark_keys() <= marks0 else
               "one of your units was hit" if sum(u.strength for u in v.own) < strength0 else
               "a go-to order arrived or stopped" if not orders0 <= frozenset(goto_orders.orders(st))
               or goto_orders.stalled_now(self) else
               f"{FAST_FORWARD_TURNS} turns played on" if st.turn >= turn0 + FAST_FORWARD_TURNS else None)
        if why is not None:
            self.fast_forward = None
            self.status = f"Stopped playing on, turn {st.turn} {st.phase} phase: {why} | {self.status}"
            return
        self.pending = None
        self.issue(EndPhase(SIDES[st.side]))

    SETTLE_FRAMES = 20000
    """`settle`'s bound on frames (each advances the game or ends it): a scripted screenshot never hangs."""

    def _settle_key(self) -> tuple[Any, ...]:
        st = self.state
        return (id(st), st.turn, st.side, st.phase_i, len(st.log), len(st.orders), st.outcome is not None,
                self.show_lesson, self.pass_screen, self.status)

    def settle(self, screen: pygame.Surface) -> None:
        """Frames of the interactive loop (without input) until one changes nothing, then the screen drawn: a
        scripted screenshot (`--screenshot`) shows what a player would see, not a phase that autoskip ends a
        frame later (an AIR phase prompt beside "No aircraft in this scenario"). It stops before an AI's move
        (`ai_to_move`): `--autoplay N` shows the game after its N turns, not the AI's next half-turn played too."""
        for _ in range(self.SETTLE_FRAMES):
            if self.ai_to_move():
                break
            before = self._settle_key()
            self.update()
            if self._settle_key() != before:
                continue
            self.render(screen)  # (drawing may open a window, which the next frame waits on)
            self.update()
            if self._settle_key() == before:
                break
        self.render(screen)

    def ai_to_move(self) -> bool:
        """An AI plays the side to move (the game not over): the next frame's `update` would play its move."""
        return self.state.outcome is None and self.state.side not in self.human

    def own_aircraft(self) -> list[Any]:
        """The viewing side's aircraft in the game (flying or grounded): none, and its air phase is skipped for
        that reason, not "nothing to order"."""
        table = self.state.scenario.unit_table
        return [u for u in self.view.own if u.active and u.strength > 0 and table[u.type].domain == "air"]

    def grounded_own(self) -> list[Any]:
        """The viewing side's aircraft the weather grounds this turn (`SideView.grounded`, with its reasons)."""
        g = self.view.grounded
        return [u for u in self.own_aircraft() if g.get(u.id)]

    def weather_keys_may_fly(self) -> bool:
        """A sandbox air phase of the player's with aircraft grounded by the weather: F5-F8 (`sandbox_weather`) may
        clear the sky and let them fly, so autoskip leaves the phase to the player (the drones lesson says "press
        one in red's air phase, before the drones fly"; skipped, that phase was gone the moment the lesson
        closed)."""
        return bool(self.state.sandbox and self.state.phase == "air" and self.my_turn() and self.grounded_own())

    def grounded_wait_words(self) -> str:
        """The status line's words for a sandbox air phase left to the player though nothing can fly."""
        names = ", ".join(self.names.short(u.id) for u in self.grounded_own())
        return (f"your air phase waits (sandbox): {names} grounded by the weather. F5-F8 set the weather "
                f"(F6 clear sky), then fly them; Space ends the phase")

    def own_guns(self) -> list[Any]:
        """The viewing side's artillery in the game (indirect fire, on or off the map): none, and its artillery
        phase is skipped for that reason (`artillery_skip_reason`, `ui.panels.phase_hint`)."""
        table = self.state.scenario.unit_table
        return [u for u in self.view.own if u.active and u.strength > 0 and table[u.type].indirect]

    def artillery_skip_reason(self) -> str:
        """Why the viewing side's artillery has no fire mission this phase though it has spotted enemies ("" if
        it has none in view; "you have no artillery" if it has no guns): its guns' ranges (`SideView.fire_range`)
        against the contacts a spotter sees (`SideView.spotter`), and the nearest gun and how far it falls
        short."""
        v = self.view
        st = self.state
        spotted = [c for c in v.contacts if v.spotter(c.idx)]
        table = st.scenario.unit_table
        guns = self.own_guns()
        if not guns:  # (not "for the enemies you spotted": that read as if guns stood elsewhere)
            return "you have no artillery"
        if not spotted:  # (a fresh last-seen mark no gun may fire on: why, as the player expects to; else it
            # said "nothing to order", which a new player read as "no guns")
            return suspected_fire.skip_words(self) or "no enemy in sight of your units or a recon drone"
        ready = [u for u in guns if not u.fired]
        if not ready:
            return "every gun has fired this turn"
        gm = st.map
        best = min(((gm.distance(u.idx, c.idx), u.id, c.id) for u in ready for c in spotted
                    if not v.fire_range(u.id)[c.idx]), default=None)
        if best is None:
            return f"{len(spotted)} spotted enem{'y' if len(spotted) == 1 else 'ies'} in range, no fire mission legal"
        d, uid, cid = best
        rng = table[st.unit(uid).type].range_hexes
        return (f"no gun in range of a spotted enemy: nearest {self.names.name(uid)} is {d} hexes from "
                f"{self.names.name(cid)}, range {rng}")

    def ai_step(self) -> None:
        st = self.state
        side = st.side
        self._ai_key = (st.turn, st.side, st.phase_i)  # this AI now has a plan for this phase
        agent_step(st, self.agents[side], self.rngs[side])
        self.undo_stack.clear()
        self.undo_empty_why = "phase"

    def run_ai_until(self, turn: int) -> None:
        """Scripted: let the agents play both sides until `turn` (uses engine.game.run_agents)."""
        from engine.game import run_agents

        played = ("hotseat" if self.hotseat else f"the {SIDES[min(self.human)]}" if self.human else None) \
            if self.state.orders else None  # (a loaded game a player had played part of)
        self.autoplayed = (self.state.turn, played)
        run_agents(self.state, self.agents, self.rngs, until_turn=turn)
        self.ended_in_autoplay = self.state.outcome is not None
        self.show_lesson = False  # scripted play (--autoplay): nobody is reading the lesson; L still opens it
        self._ai_key = None  # stopped at the start of a turn (or the end): no AI is mid-phase
        self._turn_from = len(self.state.log)  # (the first hotseat hand-over after it summed up every turn the
        # AIs played, the player's own side's included, as "the enemy's turn")
        self.restore_report()  # (V after --autoplay said "No enemy turn yet")

    def addressed(self) -> set[int]:
        """The human sides the game-over words speak to ("you (attacker) won"): none when `--autoplay` played the
        game to its end, as the status line's "(AI vs AI)" says (the window said "you" of a game the AIs played)."""
        return set() if self.ended_in_autoplay else self.human

    def autoplay_status(self) -> str:
        """The status line after `--autoplay` (`run_ai_until`): what the AIs played, and from which turn when a
        player had played the game before (it said "(AI vs AI)" over a game the player had played to turn 13)."""
        first, played = self.autoplayed or (self.state.turn, None)
        return autoplay_words(self.state, first, played)

    # ------------------------------------------------------------------ drawing
    def render(self, screen: pygame.Surface) -> None:
        if screen.get_size() != self.size:
            self.resize(screen.get_size())
        if self.selected and self.state.unit(self.selected).strength <= 0:  # destroyed since it was selected
            self.selected = None
            self.pending = None
        screen.fill((48, 52, 58))
        if self.pass_screen:
            panels.draw_pass_screen(self, screen)
            return
        mr = self.map_rect
        screen.set_clip(mr)
        ms = self.renderer.surface(self.hex_size)
        screen.blit(ms, (0, 0), pygame.Rect(int(self.vx), int(self.vy), mr.w, mr.h))
        self._overlay_res = self._compute_overlays()
        sprites = self.counter_sprites()
        # an overlay's marks on own counters (the supply overlay's facts) go above them, and above the cliffs
        marks = [(img, r, False) for res in self._overlay_res
                 for img, r in ov.unit_mark_sprites(res, self.unit_boxes, self.text)]
        self.counter_boxes = [r for _, r, _ in sprites + marks]
        self.mark_boxes = [r for _, r, _ in marks]  # (a tag wider than its counter: `legend_place.own_boxes`)
        tags = self._reach_tag_rects()
        keep_clear = self.counter_boxes + [r for _, r in tags]  # place names make way for the move costs too
        self.place_labels = self.renderer.label_rects(self.hex_size, keep_clear)
        self._draw_no_go(screen)
        if self.overlays:
            self._draw_overlays(screen)
        self._draw_orders_layer(screen, tags)
        # cliffs back on top of the washes (overlays, no-go shading), under the counters
        self.renderer.draw_annotations(screen, self.geo, self.vx, self.vy)
        self.renderer.draw_leaders(screen, self.geo, self.vx, self.vy, keep_clear)  # (under the counters)
        self._draw_units(screen, sprites)
        # the cliff's line once more, over the counters' edges: a counter on a cliff hex must not hide it
        self.renderer.draw_cliff_lines(screen, self.geo, self.vx, self.vy)
        self._draw_units(screen, marks, fade=False)
        goto_orders.draw_markers(self, screen)
        goto_orders.draw_hold_marks(self, screen)
        # the place names above the counters, each laid out clear of them: both stay readable
        names = self.renderer.draw_labels(screen, self.geo, self.vx, self.vy, keep_clear)
        self._draw_tags_over_names(screen, tags, names)
        self._draw_path_tag(screen)
        self.sky_tag_rect = sky.draw(self, screen)  # (low cloud: a bank along the top, what it grounds)
        screen.set_clip(None)
        self.click_regions = []
        panels.draw_panel(self, screen, self.panel_rect)
        panels.draw_status(self, screen)
        legends = self._overlay_res + self.no_go_legend()  # (the full replay: whose hatched areas they are)
        if legends:
            panels.draw_legends(self, screen, legends)
        tag = sandbox.draw_tag(self, screen)  # (over a legend: what a click does must never be hidden)
        self.sandbox_tag_rect = tag
        combat_card.draw(self, screen)  # (clear of both; a click on it shows its fight on the map)
        if tag is not None:
            self.click_regions.insert(0, (tag, lambda: sandbox.toggle_place_mode(self)))
        self._sync_lesson()
        self.gui.draw(screen)  # buttons, event log, help / game-over windows, file dialogs (pygame_gui)

    def _visible_indices(self) -> list[int]:
        g = self.geo
        s = g.size * 1.2
        x0, y0 = self.vx - s, self.vy - s
        x1, y1 = self.vx + self.map_rect.w + s, self.vy + self.map_rect.h + s
        m = (g.cx >= x0) & (g.cx <= x1) & (g.cy >= y0) & (g.cy <= y1)
        return np.flatnonzero(m).tolist()

    def shown_overlays(self) -> list[int]:
        """The overlays switched on and drawn: not one side's knowledge (`SIDE_OVERLAYS`) before a side is chosen."""
        return sorted(n for n in self.overlays if not (self.choosing and n in SIDE_OVERLAYS))

    def _compute_overlays(self) -> list[ov.OverlayResult]:
        """The overlays switched on, each computed once and cached on exactly what it depends on."""
        results = []
        for n in self.shown_overlays():
            dep: Any = None
            if n == 1:  # (and the turn's ground: `weather_movement` factors by precipitation)
                dep = (self.mob_i, self.state.weather.precipitation, id(self.state.scenario))
            elif n == 4:  # (and the turn's light: the weather, the sandbox's override, night)
                dep = (self.hover, self.state.turn, id(self.state), self.state.weather_override)
            elif n in (5, 6, 7):
                dep = (self.state.version, len(self.state.orders), id(self.state), self.view_side)
            elif n == 8:
                dep = id(self.state.map)
            elif n == 9:  # (the scenario's terrain table and the map's lines)
                dep = (id(self.state.map), id(self.state.scenario))
            key = (n, dep, self.palette.name)
            cached = self._ov_cache.get(n)
            if cached is None or cached[0] != key:
                res = ov.compute(n, self.state, self.view, self.view_side, self.palette, self.hover, self.mob_i,
                                 omniscient=self.omniscient)
                cached = self._ov_cache[n] = [key, res, None, None]
            results.append(cached[1])
        return results

    def _draw_overlays(self, screen: pygame.Surface) -> None:
        """Each overlay drawn to its own layer (`_compute_overlays` first), cached until the view moves."""
        view_key = (self.hex_size, int(self.vx), int(self.vy), self.map_rect.size)
        for n in self.shown_overlays():
            cached = self._ov_cache[n]
            if cached[2] != view_key:
                cached[2] = view_key
                cached[3] = self._overlay_layer(cached[1])
            screen.blit(cached[3], (0, 0))

    def no_go_sides(self) -> list[int]:
        """The sides whose no-go areas the map hatches. A no-go area is a side's order constraint (its units may
        not enter; the ground is held outside the scenario), not terrain: a side's own view shows its own; the
        full replay (both sides, read-only) shows every side's, each in its side's colour, named in the labels
        where there is room and in a legend (`no_go_legend`), so that the shading does not read as ground; no
        side before a side is chosen."""
        gm = self.state.map
        if self.choosing:
            return []
        if self.omniscient and self.read_only:
            return [s for s in range(len(SIDES)) if gm.no_go[s].any()]
        return [self.view_side] if gm.no_go[self.view_side].any() else []

    def both_sides_no_go(self) -> bool:
        """The no-go areas are drawn as the full replay's, by side (`no_go_sides`)."""
        return self.omniscient and self.read_only

    def no_go_legend(self) -> list[ov.OverlayResult]:
        """The full replay's legend of the hatched no-go areas, one row a side (empty in a side's own view: its
        labels say "closed to the attacker" and the side knows its orders)."""
        sides = self.no_go_sides()
        if not sides or not self.both_sides_no_go():
            return []
        res = ov.OverlayResult("Hatched with \\ strokes: no-go areas (an order constraint, not terrain)")
        for s in sides:
            res.legend.append(((*self.palette.side[s], 255), f"closed to the {SIDES[s]}: its units may not enter "
                               "(held outside this scenario)"))
        return [res]

    def _draw_no_go(self, screen: pygame.Surface) -> None:
        """Sectors a side may not enter (scenario no-go areas, `no_go_sides`), hatched and named: cached."""
        sides = self.no_go_sides()
        if not sides:
            return
        by_side = self.both_sides_no_go()
        names = self.place_labels
        counters = self.counter_boxes  # (this frame's: `render` lays them out first)
        key = (self.hex_size, int(self.vx), int(self.vy), self.map_rect.size, tuple(sides), by_side,
               self.palette.name, tuple(tuple(r) for _, r in names), tuple(tuple(r) for r in counters))
        if self._no_go_layer is None or self._no_go_layer[0] != key:
            g = self.geo
            layer = pygame.Surface(self.map_rect.size, pygame.SRCALPHA)
            shown = self._visible_indices()
            for side in sides:
                mask = self.state.map.no_go[side]
                col = self.palette.side[side]
                fill, hatch = ((*col, 45), (*col, 210)) if by_side else ((25, 25, 30, 105), (15, 15, 20, 170))
                for i in shown:
                    if not mask[i]:
                        continue
                    pts = [(x - self.vx, y - self.vy) for x, y in g.corners(i)]
                    pygame.draw.polygon(layer, fill, pts)
                    x, y = g.center(i)
                    x, y = x - self.vx, y - self.vy
                    d = g.size * 0.6  # ("\\": the overlays hatch "/", and the drones' grounded radius, red too,
                    pygame.draw.line(layer, hatch, (x - d, y - d), (x + d, y + d), 2)  # read as a no-go area)
            # each sector's label on one of its own hexes, nearest its middle first, clear of the place names,
            # of the counters (a label drawn across an enemy's counter in the sector) and of the other sectors'
            # labels; a sector with no free spot on screen goes without (hovering one of its hexes names it in
            # the panel)
            taken = [r.move(-int(self.vx), -int(self.vy)) for r in [*(r for _, r in names), *counters]]
            # (below the strip along the map's top where the turn's hint and the cloud and sandbox tags go: an
            # opaque tag cut a label in half, a reviewer)
            w, h = self.map_rect.size
            screen_r = pygame.Rect(0, NO_GO_LABEL_TOP_PX, w, max(0, h - NO_GO_LABEL_TOP_PX))
            self.no_go_label_rects: list[pygame.Rect] = []
            for side in sides:
                who = SIDES[side]
                for area in self.state.scenario.sides[who].no_go:
                    hexes = [self.state.map.idx(h) for h in area.hexes()]
                    mx = sum(g.center(i)[0] for i in hexes) / len(hexes)
                    my = sum(g.center(i)[1] for i in hexes) / len(hexes)
                    spots = sorted(hexes, key=lambda i: (math.hypot(g.center(i)[0] - mx, g.center(i)[1] - my), i))
                    name = area.name.split(" ")
                    half = (len(name) + 1) // 2  # (the name on two rows: a narrow sector, "Lachin and the Hakari
                    # valley")
                    if by_side:  # (both sides' areas on one map: every label names whose it is)
                        narrow = (f"closed to the {who}:", " ".join(name[:half]), " ".join(name[half:])) \
                            if len(name) > 1 else ()
                        options = ((f"closed to the {who}", area.name), narrow, (f"closed to the {who}",),
                                   (f"{who}: closed",), ("closed",))  # (last: the hatching's colour says whose)
                    else:
                        narrow = ("closed:", " ".join(name[:half]), " ".join(name[half:])) if len(name) > 1 else ()
                        options = ((f"closed to the {who}", area.name), ("closed:", area.name), narrow, ("closed",))
                    for words in options:  # the full label, else shorter ones
                        if not words:
                            continue
                        rows = [self.text.halo(t, 12, (255, 255, 255), (20, 20, 25), bold=True) for t in words]
                        box = self._no_go_label_spot(rows, spots[:60], set(hexes), taken, screen_r)
                        if box is not None:
                            y = box.y
                            for r in rows:
                                layer.blit(r, (box.centerx - r.get_width() // 2, y))
                                y += r.get_height()
                            taken.append(box)
                            self.no_go_label_rects.append(box.copy())
                            break
            self._no_go_layer = (key, layer)
        screen.blit(self._no_go_layer[1], (0, 0))

    def _no_go_label_spot(self, rows: list[pygame.Surface], spots: list[int], inside: set[int],
                          taken: list[pygame.Rect], screen_r: pygame.Rect) -> pygame.Rect | None:
        """Where a sector's label of `rows` goes (screen rectangle): centred on the first of `spots` where it is
        on screen, clear of `taken`, and within the sector's own hexes `inside` (a player read "closed to the
        attacker" written across Shusha, next to a small sector, as "Shusha is closed to me"); None if nowhere."""
        g = self.geo
        box = pygame.Rect(0, 0, max(r.get_width() for r in rows), sum(r.get_height() for r in rows))
        for i in spots:
            box.center = (int(g.center(i)[0] - self.vx), int(g.center(i)[1] - self.vy))
            if not screen_r.contains(box) or box.collidelist(taken) >= 0:
                continue
            probes = [(box.left + fx * box.w, box.top + fy * box.h) for fx in (0, 0.5, 1) for fy in (0, 1)]
            if all(g.hex_at(x + self.vx, y + self.vy) in inside for x, y in probes):
                return box
        return None

    def _overlay_layer(self, res: ov.OverlayResult) -> pygame.Surface:
        return ov.draw_layer(res, self.geo, self.map_rect.size, self.vx, self.vy, self._visible_indices(), self.text)

    def _hex_poly(self, idx: int, shrink: float = 1.0) -> list[tuple[float, float]]:
        return [(x - self.vx, y - self.vy) for x, y in self.geo.corners(idx, shrink)]

    def _draw_orders_layer(self, screen: pygame.Surface, tags: list[tuple[int, pygame.Rect]]) -> None:
        """Reach, path, gun range, target rings, outlines; `tags`: the reach's cost tags (`_reach_tag_rects`,
        laid out once a frame: the place names make way for them too)."""
        p = self.palette
        g = self.geo
        dest = self.destinations()
        if dest:
            if not self.overlays:  # (over an overlay a wash would change its colours: outlines only)
                layer = pygame.Surface(self.map_rect.size, pygame.SRCALPHA)
                for i in dest:
                    pygame.draw.polygon(layer, (255, 255, 140, 70), self._hex_poly(i))
                screen.blit(layer, (0, 0))
            for i in dest:
                if self.overlays:
                    pygame.draw.polygon(screen, (10, 10, 10), self._hex_poly(i, 0.92), 3)
                pygame.draw.polygon(screen, p.reach, self._hex_poly(i, 0.92), 2 if self.overlays else 1)
            reveals = self.move_reveals()
            for i, why in reveals.items():  # a hidden unit: where it can go and stay hidden
                if why is None:
                    pygame.draw.polygon(screen, (10, 10, 10), self._hex_poly(i, 0.78), 4)
                    pygame.draw.polygon(screen, STAYS_HIDDEN, self._hex_poly(i, 0.78), 2)
            for i, r in tags:
                screen.blit(self.reach_tag(dest[i][0], g.size), r.move(-int(self.vx), -int(self.vy)))
        if self.hover is not None and self.hover in dest:
            path = self.path_to(self.hover)
            pts = [self.hex_to_screen(i) for i in path]
            if len(pts) >= 2:
                pygame.draw.lines(screen, (0, 0, 0), False, pts, max(3, g.size // 4) + 2)
                pygame.draw.lines(screen, p.path, False, pts, max(3, g.size // 4))
        goto_orders.draw_route(self, screen)
        self._draw_gun_reach(screen)
        for i in self.targets():  # what the selected unit can strike, fire on or assault: no hunting by click
            pygame.draw.polygon(screen, (10, 10, 10), self._hex_poly(i, 1.0), max(3, g.size // 5) + 2)
            pygame.draw.polygon(screen, TARGET_RING, self._hex_poly(i, 1.0), max(3, g.size // 5))
        reach = self._air_reach()
        if reach is not None:  # a selected drone: where its sorties may go
            ov.draw_air_reach(screen, g, self.vx, self.vy, reach[1], self._visible_indices())
        far = (reach is not None and self.pending is not None and isinstance(self.pending[0], Recon)
               and not reach[0][self.state.map.idx(self.pending[0].target)])
        ov.draw_footprint(screen, g, self.vx, self.vy, self.highlight, not far, p.highlight, self.text)
        if self.pending is not None:
            i = self.state.map.idx(self.pending[0].target)
            pygame.draw.polygon(screen, (255, 40, 40), self._hex_poly(i, 0.95), max(3, g.size // 5))
        if self.hover is not None and self.kb_cursor:  # (the keyboard's cursor: as plain as the mouse's pointer)
            w = max(3, g.size // 8)
            pygame.draw.polygon(screen, (0, 0, 0), self._hex_poly(self.hover), w + 4)
            pygame.draw.polygon(screen, (255, 255, 255), self._hex_poly(self.hover), w)
        elif self.hover is not None:
            pygame.draw.polygon(screen, (255, 255, 255), self._hex_poly(self.hover), 2)

    def _air_reach(self) -> tuple[Any, list[tuple[int, int]]] | None:
        """The selected own drone's reach (`ov.air_reach`), in its side's air phase; else None."""
        if not self.selected or self.omniscient or self.choosing or self.state.phase != "air":
            return None
        if self.state.unit(self.selected).side != self.view_side:
            return None
        return ov.air_reach(self.state, self.selected)

    def targets(self) -> list[int]:
        """The hexes the selected unit may attack now: the targets of its legal Assault, Fire and Strike orders
        (a recon sortie may go anywhere in range: not marked)."""
        if not self.selected or not self.my_turn() or self.state.phase not in ("air", "artillery", "assault"):
            return []
        v = self.view
        key = (self._view_key, self.selected)
        if self._targets_key != key:
            gm = self.state.map
            self._targets_key = key
            self._targets = sorted({gm.idx(o.target) for o in v.legal_orders()
                                    if isinstance(o, (Assault, Fire, Strike)) and o.unit == self.selected})
        return self._targets

    def _reach_tag_rects(self) -> list[tuple[int, pygame.Rect]]:
        """(hex, rectangle on the map surface) of each reachable hex's cost tag that is drawn: none meet, the
        hovered destination's and the cheapest first (`ov.reach_tag_layout`; none on small hexes)."""
        dest = self.destinations()
        if not dest:
            return []
        first = [self.hover] if self.hover in dest else []
        return ov.reach_tag_layout({i: c for i, (c, _) in dest.items()}, self.geo, self.text, self.palette.reach,
                                   first)

    def _draw_tags_over_names(self, screen: pygame.Surface, tags: list[tuple[int, pygame.Rect]],
                              names: list[tuple[str, pygame.Rect]]) -> None:
        """The move-cost tags a place name was laid over, drawn again above it (a town's or an objective's name
        keeps its least-bad spot even over them): the cost is what the player reads to move now, the name the
        hover panel gives too. `names`: the names drawn, with their screen rectangles. A tag that meets a counter
        (`counter_boxes`, map-surface rectangles like `tags`) stays under it: the counters are drawn over the tags."""
        if not tags or not names:
            return
        dest = self.destinations()
        size = self.geo.size
        drawn = [nr for _, nr in names]
        for i, r in tags:
            spot = r.move(-int(self.vx), -int(self.vy))
            if i in dest and spot.collidelist(drawn) >= 0 and r.collidelist(self.counter_boxes) < 0:
                screen.blit(self.reach_tag(dest[i][0], size), spot)

    def reach_tag(self, cost: float, hex_size: float) -> pygame.Surface:
        """A reachable hex's move cost as drawn on it (`ov.reach_tag_plate`: sized to fit its hex at any
        --ui-scale)."""
        return ov.reach_tag_plate(self.text, cost, hex_size, self.palette.reach)

    def path_tag(self) -> list[str]:
        """The words at the end of the hovered move's path: its cost and, for a hidden unit, whether the move
        gives it away and on what condition it stays hidden (`panels.move_tag`); empty when no move is hovered."""
        dest = self.destinations()
        if self.hover is None or self.hover not in dest or len(self.path_to(self.hover)) < 2:
            return []
        rows = panels.move_tag(dest[self.hover][0], self.move_reveals().get(self.hover, ""),
                               panels.near_tag(self, self.hover))
        held = self.held_hex_words(self.hover)
        return [held, f"Ctrl+click moves here: {rows[0]}", *rows[1:]] if held else rows

    def held_hex_words(self, idx: int) -> str:
        """What a click on hex `idx` does when own units hold it and the selected unit could move there: it selects
        them (Ctrl+click moves), "" otherwise. The hover said "Move here: 2.5 MP" and the click selected the
        garrison."""
        sel = self.selected
        here = [u for u in self.own_units_at(idx) if u.id != sel]
        if not here or sel is None or idx not in self.destinations():
            return ""
        ids = [u.id for u in here]
        who = self.names.short(min(ids, key=self._stack_rank(ids)))
        return f"Click selects {who} here{f' (+{len(ids) - 1})' if len(ids) > 1 else ''}"

    def _draw_path_tag(self, screen: pygame.Surface) -> None:
        """The hovered move's tag, above counters and names (it is what the player is reading now)."""
        rows = self.path_tag()
        if not rows:
            return
        wide = max(200, min(420, self.map_rect.w // 3))  # (an engine reason may be long: wrapped, not cut)
        img = panels.path_tag_plate(self.ui_text, rows, wide, self.palette)  # (opaque: readable over counters)
        screen.blit(img, self.path_tag_rect([img]))

    def path_tag_rect(self, imgs: list[pygame.Surface]) -> pygame.Rect:
        """Where the hovered move's tag goes (screen): beside the hovered hex, up and to the right, else up-left,
        down-right or down-left - the first that is on the map and clear of the place names (a tag "4 MP" was
        printed over "Mets Shen"); else the first on the map."""
        x, y = self.hex_to_screen(self.hover)  # type: ignore[arg-type]
        s = self.geo.size
        w, h = max(i.get_width() for i in imgs), sum(i.get_height() for i in imgs)
        area = pygame.Rect(0, 0, *self.map_rect.size)
        names = [r.move(-int(self.vx), -int(self.vy)) for _, r in self.place_labels]
        counters = [r.move(-int(self.vx), -int(self.vy)) for r in self.counter_boxes]
        spots = [pygame.Rect(int(x + s * 0.6), int(y - s), w, h), pygame.Rect(int(x - s * 0.6) - w, int(y - s), w, h),
                 pygame.Rect(int(x + s * 0.6), int(y + s * 0.3), w, h),
                 pygame.Rect(int(x - s * 0.6) - w, int(y + s * 0.3), w, h),
                 pygame.Rect(int(x + s * 0.6), int(y - s * 2) - h // 2, w, h),
                 pygame.Rect(int(x - s * 0.6) - w, int(y - s * 2) - h // 2, w, h),
                 pygame.Rect(int(x + s * 0.6), int(y + s * 1.5), w, h),
                 pygame.Rect(int(x - s * 0.6) - w, int(y + s * 1.5), w, h)]
        return panels.clear_spot(spots, area, counters + names)  # (clear of counters: it sat on an enemy's)

    def gun_reach(self) -> tuple[int, list[tuple[int, int]]] | None:
        """The selected own artillery's firing hex and the edges (hex, direction) of its range: its range is
        counted from that hex, an off-map battery's included (it fires from a hex on the map edge). For an own
        air-defence unit, the edges of the hexes where it engages enemy drone sorties (`engine.rules`: within its
        type's `ad_range_hexes`; a player lost two howitzers to drones just outside a cover he could not see)."""
        if not self.selected:
            return None
        u = self.state.unit(self.selected)
        ut = self.state.utype(u)
        ad = ut.ad_range_hexes > 0 and not ut.indirect
        if not (ut.indirect or ad) or u.side != self.view_side or not u.active or u.strength <= 0 or (u.offmap and ad):
            return None
        key = (u.id, u.idx, ut.range_hexes, ut.ad_range_hexes, id(self.state.map))
        if self._reach_key != key:
            gm = self.state.map
            nbr = gm.nbr
            if ad:
                inside = np.zeros(gm.n, dtype=bool)
                inside[gm.within(u.idx, ut.ad_range_hexes)] = True
            else:
                inside = self.view.fire_range(u.id)  # (the engine's range rule)
            out = inside[:, None] & (nbr >= 0) & ~inside[np.maximum(nbr, 0)]  # edges from inside to outside
            edges = [(int(i), int(d)) for i, d in zip(*np.nonzero(out), strict=True)]
            self._reach_key, self._reach = key, (u.idx, edges)
        return self._reach

    def _draw_gun_reach(self, screen: pygame.Surface) -> None:
        """The selected gun's range (a ring) and, for an off-map battery, the map-edge hex it fires from; an
        air-defence unit's cover (a violet ring)."""
        got = self.gun_reach()
        if got is None:
            return
        idx, edges = got
        g = self.geo
        lw = max(2, round(g.size / 9))
        u = self.state.unit(self.selected)
        colour = GUN_RANGE if self.state.utype(u).indirect else AD_RANGE
        for i, d in edges:  # the middle of each edge only: a dashed ring, unlike a river's or a road's line
            a, b = g.edge(i, d)
            pts = [(a[0] + (b[0] - a[0]) * t - self.vx, a[1] + (b[1] - a[1]) * t - self.vy) for t in (0.2, 0.8)]
            pygame.draw.line(screen, (10, 10, 10), *pts, lw + 3)
            pygame.draw.line(screen, colour, *pts, lw)
        if not u.offmap:
            return
        x, y = self.hex_to_screen(idx)
        r = max(6, round(g.size * 0.7))
        pygame.draw.circle(screen, (10, 10, 10), (x, y), r + 2, max(3, lw + 2))
        pygame.draw.circle(screen, GUN_RANGE, (x, y), r, max(2, lw))
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):  # a gun sight's cross hairs
            pygame.draw.line(screen, (10, 10, 10), (x + dx * r * 0.4, y + dy * r * 0.4),
                             (x + dx * r * 1.35, y + dy * r * 1.35), lw + 2)
            pygame.draw.line(screen, GUN_RANGE, (x + dx * r * 0.4, y + dy * r * 0.4),
                             (x + dx * r * 1.35, y + dy * r * 1.35), lw)
        img = self.text.halo(f"{self.names.short(u.id)} fires from here", 12, (0, 0, 0), (255, 255, 255), bold=True)
        box = img.get_rect(midleft=(int(x + r * 1.5), int(y)))
        box.clamp_ip(pygame.Rect(0, 0, *self.map_rect.size))
        screen.blit(img, box)

    def last_seen_markers(self) -> list[Any]:
        """Enemy units the viewing side saw before and does not see now, where it last saw them
        (`SideView.last_seen`): none in the replay of both sides, which shows every unit itself, nor before a side
        is chosen (`choosing`)."""
        if self.omniscient or self.choosing:
            return []
        # (a hex the side's own unit stands on holds no enemy, and the unit sees so: a mark there is stale)
        own = {u.idx for u in self.own_units_at_any()}
        return [m for m in self.view.last_seen if m.idx not in own]

    def shown_last_seen(self) -> list[Any]:
        """The last-seen marks drawn on the map: ground units, seen within the last `LAST_SEEN_MAX_AGE` turns
        unless key O asks for all (marks from T6 stayed on the map for the rest of a game); the hover panel and
        a click still tell of the older ones."""
        table = self.state.scenario.unit_table
        turn = self.state.turn
        return [m for m in self.last_seen_markers() if table[m.type].domain == "ground"
                and (self.old_sightings or turn - m.turn <= LAST_SEEN_MAX_AGE)]

    def _faded(self, img: pygame.Surface, age: int) -> pygame.Surface:
        """A last-seen mark `age` turns old, fainter the older it is (`last_seen_alpha`)."""
        a = last_seen_alpha(age)
        if a >= 255:
            return img
        key = (id(img), a)
        got = self._fade_cache.get(key)
        if got is None or got[0] is not img:
            if len(self._fade_cache) > 500:
                self._fade_cache.clear()
            faded = img.copy()
            faded.set_alpha(a)
            got = self._fade_cache[key] = (img, faded)
        return got[1]

    def _last_seen_sprites(self, w: int, h: int, off: int, avoid: list[pygame.Rect] | None = None
                           ) -> list[tuple[pygame.Surface, pygame.Rect, bool]]:
        """The last-seen marks and then their labels (`_last_seen_layout`), in drawing order."""
        marks, labels = self._last_seen_layout(w, h, off, avoid or [])
        return marks + labels

    def _last_seen_layout(self, w: int, h: int, off: int, avoid: list[pygame.Rect]
                          ) -> tuple[list[tuple[pygame.Surface, pygame.Rect, bool]],
                                     list[tuple[pygame.Surface, pygame.Rect, bool]]]:
        """The last-seen marks (`shown_last_seen`) as (image, rectangle on the map surface, False), and their
        labels: one per hex, laid out clear of `avoid` (the live counters) and of each other - below the marks,
        else above, right or left, else in a shorter form, else left out (hovering the hex still tells)."""
        table = self.state.scenario.unit_table
        at: dict[int, list[Any]] = {}
        for m in self.shown_last_seen():
            at.setdefault(m.idx, []).append(m)
        enemy = 1 - self.view_side
        g = self.geo
        turn = self.state.turn
        out: list[tuple[pygame.Surface, pygame.Rect, bool]] = []
        groups: list[tuple[int, list[Any], pygame.Rect]] = []
        for idx in sorted(at, key=lambda i: (g.center(i)[1], g.center(i)[0])):
            marks = at[idx]
            x, y = g.center(idx)
            shown = sorted(marks, key=lambda m: (m.turn, m.id))[-LAST_SEEN_SHOWN:]  # the latest sightings
            n = len(shown)
            rects = []
            for k, m in enumerate(shown):
                d = (k - (n - 1) / 2) * off
                img = last_seen_image(table[m.type].symbol, enemy, m.turn, w, h, self.palette, self.text, label="")
                r = img.get_rect(topleft=(int(x + d - img.get_width() / 2), int(y + d - h / 2)))
                out.append((self._faded(img, turn - m.turn), r, False))
                rects.append(r)
            groups.append((idx, marks, rects[-1], rects[0].unionall(rects[1:])))
        taken = list(avoid) + [grp for _, _, _, grp in groups]
        labels: list[tuple[pygame.Surface, pygame.Rect, bool]] = []
        px = max(9, int(h * 0.62))

        def place(marks: list[Any], texts: tuple[str, ...], own: list[pygame.Rect], under: pygame.Rect) -> None:
            """The first of `texts` that fits below `under` (the last mark), else around the marks `own`."""
            grp = own[0].unionall(own[1:])
            age = turn - max(m.turn for m in marks)
            others = [r for r in taken if r not in own]  # (its own marks may be touched: they are what it labels)
            for words in dict.fromkeys(texts):
                tag = self._faded(self.text.halo(words, px, (0, 0, 0), (255, 255, 255), bold=True), age)
                tw, th = tag.get_size()
                spots = [pygame.Rect(under.centerx - tw // 2, under.bottom - 3, tw, th),
                         pygame.Rect(grp.centerx - tw // 2, grp.top - th + 3, tw, th),
                         pygame.Rect(grp.right - 1, grp.centery - th // 2, tw, th),
                         pygame.Rect(grp.left - tw + 1, grp.centery - th // 2, tw, th)]
                spot = next((r for r in spots if r.collidelist(others) < 0), None)
                if spot is not None:
                    labels.append((tag, spot, False))
                    taken.append(spot)
                    others.append(spot)
                    return

        for cluster in last_seen_clusters(self.state.map, [idx for idx, _, _, _ in groups]):
            members = [groups[k] for k in cluster]
            newest = f"T{max(m.turn for _, marks, _, _ in members for m in marks)}"
            if not merge_last_seen([marks for _, marks, _, _ in members]):
                for _idx, marks, last, grp in members:
                    place(marks, (last_seen_label(marks), f"T{max(m.turn for m in marks)}"), [grp], last)
                continue
            # several marks close together (a village's approaches): one label for them all, under the lowest
            # (three or more labels around a village could not be told apart; `merge_last_seen`)
            every = [m for _, marks, _, _ in members for m in marks]
            drawn = sum(min(len(marks), LAST_SEEN_SHOWN) for _, marks, _, _ in members)
            own = [grp for _, _, _, grp in members]
            low = max(own, key=lambda r: (r.bottom, r.centerx))
            place(every, (cluster_label(every, drawn), newest), own, low)
        return out, labels

    def move_reveals(self) -> dict[int, str | None]:
        """For the selected own unit while it is hidden, in the movement phase: per reachable hex, why moving
        there would reveal it (`SideView.move_reveal`; None: it stays hidden). Worked out once per selection and
        game state, not per frame; empty when the unit is not hidden."""
        dest = self.destinations()
        if not dest:
            return {}
        u = self.state.unit(self.selected)
        if not u.hidden:
            return {}
        key = (self.state.version, len(self.state.orders), id(self.state), self.selected, self.view_side)
        if key != self._reveal_key:
            v = self.view
            out: dict[int, str | None] = {}
            for i in dest:
                if i == u.idx:
                    continue
                try:
                    out[i] = v.move_reveal(u.id, i)
                except (KeyError, ValueError, WargameError):
                    continue
            self._reveals, self._reveal_key = out, key
        return self._reveals

    def acted_this_phase(self) -> Any:
        """Which own units have done what this phase is for (moved in the movement phase, fired or fought in a
        fire phase): their counters are darkened, so the ones still to act stand out. Only in the player's
        own phases."""
        ph = self.state.phase
        if not self.my_turn() or ph == "air":
            return lambda u: False
        if ph == "movement":
            return lambda u: u.moved
        return lambda u: u.fired

    def counter_sprites(self) -> list[tuple[pygame.Surface, pygame.Rect, bool]]:
        """Every counter, last-seen mark and stack count to draw, in drawing order (last-seen marks below the
        real counters): (image, rectangle on the map surface, whether it is the selected unit). All of them,
        on screen or not: the place names are laid out clear of them wherever the view is. Also sets
        `unit_boxes`: unit id -> (hex, its counter's rectangle on the map surface)."""
        self.unit_boxes = {}
        if not self.show_units or self.choosing:  # (no side's counters before the player has chosen a side)
            return []
        st = self.state
        v = self.view
        p = self.palette
        g = self.geo
        table = st.scenario.unit_table
        w, h = counter_size(g.size)
        stacks: dict[int, list[tuple[str, int, int, int, bool, str, bool, str]]] = {}
        own = st.units if self.omniscient else v.own
        acted = self.acted_this_phase()
        # designations only on own counters (all with --see-all): a contact is a sighting, not an identification
        des = getattr(self, "_designations", None)
        if des is None or des[0] is not st.scenario or any(u.id not in des[1] for u in own):
            des = self._designations = (st.scenario, designations(
                (u.id, u.side, table[u.type].symbol) for u in st.units))
        for u in own:
            ut = table[u.type]
            if not u.active or u.offmap or ut.domain != "ground":
                continue
            stacks.setdefault(u.idx, []).append((ut.symbol, u.side, u.strength, ut.max_steps, u.hidden, u.id,
                                                 acted(u), des[1].get(u.id, "")))
        for c in ([] if self.omniscient else v.contacts):
            ut = table[c.type]
            if ut.domain != "ground":
                continue
            stacks.setdefault(c.idx, []).append((ut.symbol, c.side, c.strength, ut.max_steps, False, c.id, False,
                                                 ""))
        off = max(3, w // 6)
        out: list[tuple[pygame.Surface, pygame.Rect, bool]] = []
        counts: list[tuple[pygame.Surface, pygame.Rect, bool]] = []
        boxes: dict[str, tuple[int, pygame.Rect]] = {}
        for idx, items in stacks.items():
            x, y = g.center(idx)
            n = len(items)
            # a stack fans out beyond its hex: on the map's edge hexes it is drawn inside the map, whole (an
            # author's stack in the last column was cut off by the panel)
            spread = off * (n - 1) / 2
            label = 14 if n > 1 and g.size >= 11 else 0  # (the stack's count, above its top right corner)
            x = min(max(x, w / 2 + spread), g.width - w / 2 - spread - label)
            y = min(max(y, h / 2 + spread + label), g.height - h / 2 - spread)
            for k, (sym, side, stren, mxs, hidden, uid, done, tag) in enumerate(items):
                d = (k - (n - 1) / 2) * off
                img = counter_image(sym, side, stren, mxs, w, h, p, self.text, hidden=hidden, done=done, label=tag)
                out.append((img, img.get_rect(center=(int(x + d), int(y + d))), uid == self.selected))
                boxes[uid] = (idx, pygame.Rect(0, 0, w, h).move(int(x + d) - w // 2, int(y + d) - h // 2))
            if n > 1 and g.size >= 11:
                img = self.text.halo(str(n), 11, (0, 0, 0), (255, 255, 255), bold=True)
                counts.append((img, img.get_rect(topleft=(int(x + w / 2 + off * (n - 1) / 2 - 2),
                                                          int(y - h / 2 - 12))), False))
        out += counts  # (over every counter: a neighbouring stack drawn later hid the count, a player's playtest)
        self.unit_boxes = boxes
        # the remembered enemies under the live counters, their labels clear of them (and of each other)
        marks, labels = self._last_seen_layout(w, h, off, [r for _, r, _ in out])
        self.last_seen_label_rects = [r for _, r, _ in labels]
        return marks + out + labels

    def _draw_units(self, screen: pygame.Surface, sprites: list[tuple[pygame.Surface, pygame.Rect, bool]],
                    fade: bool = True) -> None:
        """`fade`: see-through with key C (counters, not the overlay's own marks on them, which are its facts)."""
        view = pygame.Rect(int(self.vx), int(self.vy), *self.map_rect.size)
        for img, r, selected in sprites:
            if not view.colliderect(r):
                continue
            r = r.move(-view.x, -view.y)
            if self.counters_faded and fade:
                img = img.copy()
                img.set_alpha(FADED_COUNTER_ALPHA)
            screen.blit(img, r)
            if selected:
                pygame.draw.rect(screen, self.palette.select, r.inflate(4, 4), 2)

    # ------------------------------------------------------------------ input
    def window_over_map(self) -> bool:
        """Help, the enemy-turn report, an alert or the game-over window is open over the map: Enter closes it
        and the keyboard cursor's keys wait (`on_key`), rather than act on the map unseen under it."""
        g = self.gui
        return bool(self.show_help or self.show_report or (g is not None and any(
            getattr(g, name) is not None and getattr(g, name).alive() for name in MAP_COVERS)))

    def briefing_open(self) -> bool:
        """Whether the briefing or lesson window is on screen: it takes the mouse and keys (`handle_event`)."""
        return self.lesson_win is not None and self.lesson_win.alive()

    def handle_event(self, ev: Any) -> None:
        if ev.type == pygame.MOUSEBUTTONUP and ev.button in (2, 3):
            self.drag = None
        if self.briefing_open() and self._briefing_takes(ev):
            return
        if self.pass_screen and ev.type in (pygame.MOUSEMOTION, pygame.MOUSEWHEEL):
            self.hover = None  # (nothing behind the curtain follows the mouse: no hover, zoom, pan or list scroll)
            return
        if ev.type not in (pygame.QUIT, pygame.VIDEORESIZE) and self.gui.process_event(ev):
            return
        if ev.type == pygame.QUIT:
            self.request_quit()
        elif ev.type == pygame.VIDEORESIZE:
            self.resize((ev.w, ev.h))
        elif ev.type == pygame.MOUSEMOTION:
            if self.drag is not None:
                self.pan(-ev.rel[0], -ev.rel[1])
            self.hover = self.screen_to_hex(*ev.pos)
            self.kb_cursor = False
        elif ev.type == pygame.MOUSEBUTTONDOWN:
            if ev.button in (2, 3):
                self.drag = ev.pos
            elif ev.button == 1:
                self.on_left_click(ev.pos)
        elif ev.type == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos()
            if self.map_rect.collidepoint(pos):
                self.zoom(1 if ev.y > 0 else -1, pos)
        elif ev.type == pygame.KEYDOWN:
            self.on_key(ev.key, ev.mod, getattr(ev, "unicode", ""))

    def _briefing_takes(self, ev: Any) -> bool:
        """While the briefing is open the mouse is its alone (the window is blocking: `_sync_lesson`): the map and
        the panel under it neither hover nor scroll (a player saw the panel's hex and button tips change under
        the briefing), a click outside it is the briefing's (`on_left_click`), the wheel scrolls its text and never
        zooms the map. A window stacked over it (`windows_over_briefing`: the game-over window) takes its own
        clicks. True if `ev` is used up here."""
        if ev.type == pygame.MOUSEMOTION:
            self.hover = None
            self.drag = None
            self.gui.process_event(ev)  # (the briefing's own widgets: its buttons, its scroll bar)
            return True
        pos = getattr(ev, "pos", None) or pygame.mouse.get_pos()
        if ev.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL) and any(
                w.rect.collidepoint(pos) for w in self.windows_over_briefing()):
            return False  # (a window over the briefing: its button is pressed, the briefing stays)
        inside = self.lesson_win.rect.collidepoint(pos)
        if ev.type == pygame.MOUSEBUTTONDOWN and not inside:
            if ev.button == 1:
                self.on_left_click(ev.pos)
            return True
        if ev.type == pygame.MOUSEWHEEL:  # the briefing's text scrolls; the map under it never zooms
            if inside:
                self.gui.manager.process_events(ev)
            return True
        return False

    def on_left_click(self, pos: tuple[int, int]) -> None:
        if self.pass_screen:
            self.lift_curtain()
            return
        if self.show_help:  # a click outside the help window closes it
            self.show_help = False
            return
        if self.lesson_win is not None and self.lesson_win.alive():
            if self.side_choice:  # (a stray click must not choose the side: the buttons, Esc or L do)
                self.status = CHOOSE_SIDE
            elif not self.lesson_win.rect.collidepoint(pos):  # a click outside the lesson window closes it
                self.show_lesson = False
            return
        for rect, action in self.click_regions:
            if rect.collidepoint(pos):
                action()
                return
        if self.map_rect.collidepoint(pos):
            mods = pygame.key.get_mods()
            self.kb_cursor = False  # (the mouse has the map back: the next Enter confirms its preview, not a click
            self.hover = self.screen_to_hex(*pos)  # on the keyboard cursor's hex)
            was = self.selected
            self.click_hex(self.screen_to_hex(*pos), shift=bool(mods & pygame.KMOD_SHIFT),
                           ctrl=bool(mods & pygame.KMOD_CTRL))
            if self.selected is not None and self.selected != was:  # (a unit chosen by hand: Tab is for all)
                self._tab_idle = None

    def on_key(self, key: int, mod: int, uni: str = "") -> None:
        ctrl = mod & (pygame.KMOD_CTRL | pygame.KMOD_META)
        if self.briefing_open() and self.side_choice and key in SIDE_KEYS and not ctrl:
            self.choose_side(SIDE_KEYS[key])  # (a keyboard-only player could take only the default side)
            return
        if self.pass_screen:  # (only its own keys: the arrows, Tab and T moved the cursor behind the curtain)
            if key in CURTAIN_KEYS:
                self.lift_curtain()
            elif ctrl and key == pygame.K_q:
                self.request_quit()
            elif key == pygame.K_F12:
                self.screenshot()
            return
        if key in SCROLL_KEYS and not ctrl and (self.briefing_open() or self.window_over_map()) \
                and self.gui.scroll_window_text(SCROLL_KEYS[key]):
            return  # (the open window's text scrolls: the map's cursor under it stays)
        if self.briefing_open() and key in WEATHER_KEYS and self.state.sandbox and not self.side_choice:
            self.sandbox_weather(WEATHER_KEYS[key])  # (the drones lesson's F5-F8, pressed as its window says them)
            return
        if self.briefing_open() and key == CLOUD_BASE_KEY and self.state.sandbox and not self.side_choice:
            self.sandbox_cloud_base(up=not mod & pygame.KMOD_SHIFT)
            return
        if self.briefing_open() and key == WATCH_KEY and not ctrl and self.state.outcome is None:
            self.toggle_watch()  # (before a side is chosen too: a lesson's column fought its first ambush before
            return  # the defender's first turn, and W in the briefing did nothing)
        if self.briefing_open() and key not in (pygame.K_ESCAPE, pygame.K_l, pygame.K_F12) and not (
                ctrl and key == pygame.K_q):  # (the keys go to the briefing too: Esc or L closes it)
            what = panels.lesson_window_name(self.state.scenario).capitalize()
            self.status = CHOOSE_SIDE if self.side_choice else f"{what} open: Esc or L closes it"
            return
        if self.window_over_map() and not ctrl and (key in (pygame.K_RETURN, pygame.K_KP_ENTER) or key in WAIT_KEYS
                                                    or (key in CURSOR_KEYS and not mod & pygame.KMOD_SHIFT)):
            # (Enter moved a unit under the help: as a click outside the help closes it, Enter closes the window
            # on top; the cursor's keys wait for it to close)
            if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                if not self.gui.close_top_window(MAP_COVERS):
                    self.show_help = self.show_report = False  # (asked for, not drawn yet)
                self.status = "Closed"
            else:
                self.status = "A window is open over the map: Enter or Esc closes it"
            return
        if ctrl and key == pygame.K_z:
            self.undo()
        elif ctrl and key == pygame.K_s:
            self.gui.open_file_dialog("save")
        elif ctrl and key == pygame.K_o:
            self.gui.open_file_dialog("load")
        elif ctrl and key == pygame.K_q:
            self.request_quit()
        elif key in (pygame.K_SPACE, pygame.K_e, pygame.K_RETURN, pygame.K_KP_ENTER) and self.watching is not None:
            self.go_on_watching()
        elif key == WATCH_KEY:
            self.toggle_watch()
        elif key == combat_card.KEY:
            self.show_fight_card = not self.show_fight_card
            self.status = ("Last-fight card on: the newest fight you saw, every modifier and roll (a click on it: "
                           "the fight on the map; B again: off)" if self.show_fight_card else "Last-fight card off")
            if self.show_fight_card and combat_card.last_fight(self) is None:
                self.status += " - no fight seen yet: it shows with the first"
        elif key in (pygame.K_SPACE, pygame.K_e):
            self.end_phase()
        elif key == FAST_FORWARD_KEY and not ctrl:
            self.start_fast_forward()
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.kb_cursor and self.hover is not None:  # (the keyboard's click: on the cursor's hex)
                self.click_hex(self.hover, shift=bool(mod & pygame.KMOD_SHIFT), ctrl=bool(ctrl))
            elif self.pending is not None:
                self.confirm()
            else:  # (Enter with nothing previewed did nothing at all)
                self.status = ("Nothing to confirm: click a target first to see the odds (or move the keyboard "
                               "cursor with the arrows, T to a target, then Enter)")
        elif key == pygame.K_ESCAPE:
            if self.show_lesson and self.windows_over_briefing() and self.gui.close_top_window():
                self.status = "Closed"  # (the window over the briefing first, as it is on top)
            elif self.show_lesson:
                self.show_lesson = False
                what = panels.lesson_window_name(self.state.scenario).capitalize()
                you = f"; you play the {SIDES[self.view_side]}" if self.side_choice else ""
                self.status = f"{what} closed (L opens it again){you}"
            elif self.gui.close_top_window():
                self.status = "Closed"
                if self.gui.dialog is None:
                    self.file_dialog_shut(picked=False)
            elif self.place_mode:  # (the mode first, the selection kept: the next unit to place is a click away)
                sandbox.leave_place_mode(self)
            elif self.pending or self.selected:
                self.drop_preview()
                self.select(None)
                self.status = "Cancelled" + self.tab_all_again()
            else:
                self.highlight = []
                if self.tab_all_again():
                    self.status = "Tab goes through all your units again"
        elif key == pygame.K_h and ctrl:
            sandbox.toggle_hidden(self)
        elif key in (pygame.K_h,) or uni == "?":
            self.toggle_help()
        elif key == pygame.K_l:
            self.toggle_lesson()
        elif key == pygame.K_r:
            self.toggle_roster()
        elif key == pygame.K_v:
            self.toggle_report()
        elif key == pygame.K_o:
            self.old_sightings = not self.old_sightings
            self.status = (f"Last-seen marks: all of them, the old ones too (O again: only those of the last "
                           f"{LAST_SEEN_MAX_AGE} turns)" if self.old_sightings else
                           f"Last-seen marks: only those of the last {LAST_SEEN_MAX_AGE} turns (O: all of them)")
        elif key == pygame.K_TAB:
            self.next_unit(back=bool(mod & pygame.KMOD_SHIFT))
            if self.kb_cursor and self.selected is not None:  # (the cursor goes with the selection, a drone's
                u = self.state.unit(self.selected)              # too: Enter on the last unit's hex selected it)
                if not u.offmap:
                    self.hover = u.idx
                    self.keep_in_view(u.idx)  # (a drone is not centred on as a ground unit is)
        elif key == pygame.K_t:
            self.cursor_to_target()
        elif key == sandbox.PLACE_KEY and not ctrl:
            sandbox.toggle_place_mode(self)
        elif key in (pygame.K_LEFTBRACKET, pygame.K_RIGHTBRACKET) and not ctrl:
            sandbox.change_strength(self, -1 if key == pygame.K_LEFTBRACKET else 1)
        elif key == pygame.K_g and mod & pygame.KMOD_SHIFT and self.selected is not None and self.hover is not None:
            goto_orders.add_waypoint(self, self.hover)  # (Shift+G: one more leg of the go-to order)
        elif key == pygame.K_g:
            if self.selected is None:
                self.status = "Select a unit, point at a hex and press G (or Shift+click it) to give a go-to order"
            elif self.hover is None:
                self.status = "Point the mouse (or the arrow keys' cursor) at the hex to go to, then press G"
            else:
                goto_orders.give(self, self.hover)
        elif key in (pygame.K_BACKSPACE, pygame.K_DELETE):
            goto_orders.cancel(self)
        elif key == pygame.K_k:
            goto_orders.toggle_hold(self)
        elif key == pygame.K_0:
            self.overlays.clear()
        elif pygame.K_1 <= key <= pygame.K_0 + max(ov.OVERLAYS):
            n = key - pygame.K_0
            self.overlays ^= {n}
            self.status = f"Overlay {n} ({ov.OVERLAYS[n]}) {'on' if n in self.overlays else 'off'}"
            if n == 1 and n in self.overlays and self.follow_mobility():
                self.status += f": the {self.mobility_shown()} class of the selected unit (M cycles the classes)"
        elif key == pygame.K_m:
            from engine.terrain import MOBILITY_CLASSES

            self.mob_i += 1
            mob = MOBILITY_CLASSES[self.mob_i % len(MOBILITY_CLASSES)]
            self.status = f"Movement-cost overlay (1) now shows the {mob} class" + (
                "" if 1 in self.overlays else "; press 1 to show it")
        elif key == pygame.K_f:
            self.log_key_only = not self.log_key_only
            self.gui.set_log_title(self.log_key_only)
            self.status = ("Event log: key events only - no phase markers, units going to ground, aircraft that "
                           "can fly, sides all in supply, or a grounding or supply report that says again what "
                           "the last one said (F again: everything)" if self.log_key_only
                           else "Event log: everything")
        elif key == pygame.K_c:
            self.counters_faded = not self.counters_faded
            self.status = ("Counters faded (C again: solid): the overlay shows under them" if self.counters_faded
                           else "Counters solid")
        elif key == pygame.K_a:
            self.autoskip = not self.autoskip
            self.status = f"Auto-skip of empty phases {'on' if self.autoskip else 'off'}"
        elif key in WEATHER_KEYS:
            self.sandbox_weather(WEATHER_KEYS[key])
        elif key == CLOUD_BASE_KEY:
            self.sandbox_cloud_base(up=not mod & pygame.KMOD_SHIFT)
        elif key == pygame.K_F12:
            self.screenshot()
        elif key == pygame.K_HOME:
            self.fit_map()
        elif key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS, pygame.K_MINUS, pygame.K_KP_MINUS):
            at = None
            if self.kb_cursor and self.hover is not None:  # (about the keyboard's cursor, as the wheel about the
                x, y = self.hex_to_screen(self.hover)      # mouse: it stays where it is on the screen)
                at = (int(x), int(y))
            self.zoom(-1 if key in (pygame.K_MINUS, pygame.K_KP_MINUS) else 1, at)
            if at is not None:
                self.keep_in_view(self.hover)
        elif key in CURSOR_KEYS:
            dx, dy = CURSOR_KEYS[key]
            if mod & pygame.KMOD_SHIFT:
                self.pan(80 * dx, 80 * dy)
            else:
                self.move_cursor(dx, dy)

    def move_cursor(self, dcol: int, drow: int) -> None:
        """Arrow keys: move the keyboard cursor a hex (a column or a row) and keep it in view; Enter then acts on
        its hex as a click, so a whole turn can be played without the mouse. The first press puts it on the
        selected unit, else on the hex the mouse points at, else on the middle of the map area."""
        st = self.state
        m = st.map
        if not self.kb_cursor or self.hover is None:
            idx = self.hover
            if self.selected is not None:
                u = st.unit(self.selected)
                if not u.offmap:  # (a drone's too)
                    idx = u.idx
            if idx is None:
                mr = self.map_rect
                idx = self.screen_to_hex(mr.centerx, mr.y + (mr.h - self.status_reserve) // 2)
            if idx is None:
                idx = m.idx((m.cols // 2, m.rows // 2))
            self.status = cursor_status(m, idx)
        else:
            col, row = m.hex_of(self.hover)
            col = max(0, min(m.cols - 1, col + dcol))
            row = max(0, min(m.rows - 1, row + drow))
            idx = m.idx((col, row))
            if self.status.startswith(CURSOR_AT):  # (the line follows the cursor; any other news stays)
                self.status = cursor_status(m, idx)
        self.hover = idx
        self.kb_cursor = True
        self.keep_in_view(idx)

    def keep_in_view(self, idx: int) -> None:
        """Scroll the map just enough that hex `idx` stands a hex clear of the map area's edges and the status
        bar (the keyboard cursor never walks off the screen)."""
        mr = self.map_rect
        m = self.hex_size * 1.5
        x, y = self.hex_to_screen(idx)
        bottom = mr.h - self.status_cover
        dx = min(0.0, x - m) + max(0.0, x - (mr.w - m))
        dy = min(0.0, y - m) + max(0.0, y - (bottom - m))
        if dx or dy:
            self.pan(dx, dy)

    def cursor_to_target(self) -> None:
        """T: the keyboard cursor to the next hex the selected unit may attack (its orange target rings), so fire,
        strike and assault need no mouse either; Enter then previews the order, Enter again confirms it."""
        ts = self.targets()
        if not ts:
            self.status = ("Nothing the selected unit can attack now (T moves the cursor to its targets)"
                           if self.selected else "Select a unit first (Tab), then T moves the cursor to its targets")
            return
        k = (ts.index(self.hover) + 1) % len(ts) if self.hover in ts else 0
        self.hover = ts[k]
        self.kb_cursor = True
        if not self.zoom_in_on(ts[k]):
            self.keep_in_view(ts[k])
        self.status = (f"Target {k + 1} of {len(ts)}: {self.state.map.describe(ts[k])} - Enter shows the odds, Enter "
                       "again confirms (T: the next target)")

    def screenshot(self, path: str | Path | None = None) -> Path:
        surf = pygame.display.get_surface()
        if surf is None:
            surf = pygame.Surface(self.size)
            self.render(surf)
        p = Path(path or time.strftime("wargame_%Y%m%d_%H%M%S.png"))
        try:
            save_image(surf, p)
        except (pygame.error, OSError) as e:  # (a read-only folder: said, not a crash of the game)
            self.status = f"Cannot save the screenshot to {p}: {e}"
            return p
        self.status = f"Screenshot saved to {p}"
        return p

    # ------------------------------------------------------------------ main loop
    def run(self, screen: pygame.Surface, max_frames: int | None = None, refuse_headless: bool = False) -> None:
        """The main loop, until the window is closed (or `max_frames`). A game left with orders not saved is
        saved on the way out (`autosave`), even when the loop fails: nothing is lost (`autosaved`), or the
        failure is kept (`autosave_error`) for the console. `refuse_headless` (`wargame play` / `replay`): on a
        headless SDL driver with no input queued (no one could ever close the window) it raises `NoWindowInput` at
        once, before anything is played or saved; a script driving the loop leaves it off."""
        driver = no_window_input() if refuse_headless and max_frames is None else None
        if driver is not None:
            raise NoWindowInput(driver)
        clock = pygame.time.Clock()
        frames = 0
        try:
            while self.running:
                for ev in pygame.event.get():
                    self.handle_event(ev)
                self.update()
                self.render(screen)
                pygame.display.flip()
                clock.tick(60)
                frames += 1
                if max_frames is not None and frames >= max_frames:
                    break
        finally:
            try:
                self.autosave()
            except Exception as e:  # (never hide the error that ended the loop behind the save's)
                self.autosave_error = f"{type(e).__name__}: {e}"
            if self.autosave_error is not None and self.unsaved():
                self.status = self.not_saved_words()


CURSOR_AT = "Keyboard cursor at "


def cursor_status(gmap: Any, idx: int) -> str:
    """The status line while the arrow keys move the keyboard cursor: where it stands now, and the keys."""
    return (f"{CURSOR_AT}{gmap.describe(idx)}: arrows move it, Enter acts on its hex as a click "
            "(Shift+Enter: go-to order), T jumps to the next target, Shift+arrows pan the map")


LAST_SEEN_SHOWN = 2
"""Last-seen marks drawn on one hex at most: more piled up like a real stack (a player read four as one)."""


def game_over_words(outcome: Any, players: set[int] | None = None, hotseat: bool = False) -> str:
    """The status line when the player asks for a move after the game has ended (`players`: the human sides)."""
    said = verdict(outcome, players or set(), hotseat)
    you = f": {said.split(':')[0]}" if said.startswith("you") else ""
    return (f"The game is over: the {outcome.winner} won on turn {outcome.turn} ({outcome.reason}){you}. Click a "
            "unit to look at it; Load… (Ctrl+O) opens another game")


def verdict(outcome: Any, players: set[int], hotseat: bool = False) -> str:
    """Who won, said to the player: "you (defender) lost" when one side is played against the computer; the
    winning side alone in hotseat or AI-vs-AI, where "you" would be nobody or both (the debrief never said it).

    >>> from types import SimpleNamespace as N
    >>> verdict(N(winner="attacker"), {1}), verdict(N(winner="defender"), {1}), verdict(N(winner="attacker"), {0})
    ('you (defender) lost: the attacker won', 'you (defender) won', 'you (attacker) won')
    >>> verdict(N(winner="defender"), {0, 1}, hotseat=True), verdict(N(winner="attacker"), set())
    ('the defender won', 'the attacker won')
    """
    if hotseat or len(players) != 1:
        return f"the {outcome.winner} won"
    me = SIDES[min(players)]
    return f"you ({me}) won" if outcome.winner == me else f"you ({me}) lost: the {outcome.winner} won"


def last_seen_label(marks: list[Any]) -> str:
    """The label under a hex's last-seen marks: when they were seen, and how many when the marks do not show
    them all.

    >>> from types import SimpleNamespace as M
    >>> last_seen_label([M(turn=4)]), last_seen_label([M(turn=3), M(turn=4), M(turn=4)])
    ('T4', '3 last seen T3, T4')
    >>> last_seen_label([M(turn=t) for t in (12, 13, 14, 16)])
    '4 last seen T12-T16'
    """
    turns = sorted({m.turn for m in marks})
    when = ", ".join(f"T{t}" for t in turns) if len(turns) <= 2 else f"T{turns[0]}-T{turns[-1]}"
    return when if len(marks) <= LAST_SEEN_SHOWN else f"{len(marks)} last seen {when}"


LAST_SEEN_MERGE_HEXES = 3
"""Last-seen marks on this many touching hexes or more share one label (`merge_last_seen`)."""


def last_seen_clusters(gmap: Any, hexes: list[int]) -> list[list[int]]:
    """`hexes` (positions in that list) in groups of touching hexes, each group in the list's order, the groups
    by their first member: the marks of a village's approaches together."""
    where = {i: k for k, i in enumerate(hexes)}
    root = list(range(len(hexes)))

    def find(k: int) -> int:
        while root[k] != k:
            root[k] = root[root[k]]
            k = root[k]
        return k

    for k, i in enumerate(hexes):
        for j in gmap.nbr_list[i]:
            if j >= 0 and int(j) in where:
                a, b = find(k), find(where[int(j)])
                if a != b:
                    root[max(a, b)] = min(a, b)
    out: dict[int, list[int]] = {}
    for k in range(len(hexes)):
        out.setdefault(find(k), []).append(k)
    return list(out.values())


def merge_last_seen(per_hex: list[list[Any]]) -> bool:
    """Whether the marks of touching hexes (`per_hex`: the marks of each) share one label: on
    `LAST_SEEN_MERGE_HEXES` hexes or more (a review: "T13", "T13", "T12" around Sighnaq could not be told apart),
    or on two whose own labels would read the same ("T13" beside "T13").

    >>> from types import SimpleNamespace as M
    >>> merge_last_seen([[M(turn=4)], [M(turn=3)]]), merge_last_seen([[M(turn=4)], [M(turn=4)]])
    (False, True)
    >>> merge_last_seen([[M(turn=4)], [M(turn=3)], [M(turn=2)]]), merge_last_seen([[M(turn=4)]])
    (True, False)
    """
    if len(per_hex) < 2:
        return False
    return len(per_hex) >= LAST_SEEN_MERGE_HEXES or len({last_seen_label(ms) for ms in per_hex}) == 1


def cluster_label(marks: list[Any], drawn: int) -> str:
    """The one label of marks close together (`merge_last_seen`): when, shortened ("T12-14"), and how many
    when fewer than all are drawn (`drawn`).

    >>> from types import SimpleNamespace as M
    >>> cluster_label([M(turn=13), M(turn=12), M(turn=13)], 3), cluster_label([M(turn=9)] * 2, 2)
    ('T12-13', 'T9')
    >>> cluster_label([M(turn=t) for t in (3, 7, 7, 7, 8)], 4)
    '5 last seen T3-8'
    """
    turns = sorted({m.turn for m in marks})
    when = f"T{turns[0]}" if len(turns) == 1 else f"T{turns[0]}-{turns[-1]}"
    return when if len(marks) <= drawn else f"{len(marks)} last seen {when}"


def last_seen_alpha(age: int) -> int:
    """Opacity (of 255) of a last-seen mark seen `age` turns ago: whole for the last two turns, then fainter.

    >>> [last_seen_alpha(a) for a in (0, 1, 2, 3, 6)]
    [255, 255, 200, 150, 110]
    """
    return 255 if age <= 1 else 200 if age == 2 else 150 if age == 3 else 110


def autosave_file(path: Path, state: Any) -> Path:
    """`path`, or the first of `<stem>_2<suffix>`, `_3`, ... beside it that is free or holds an earlier point of
    this same game: an autosave replaces only its own game's older autosave, never another game's (a second
    game's autosave replaced the first one's without a word)."""
    for n in range(1, 1000):
        p = path if n == 1 else path.with_name(f"{path.stem}_{n}{path.suffix}")
        if not (p.exists() or p.is_symlink()) or same_game_before(p, state):
            return p
    return path.with_name(f"{path.stem}_{len(state.orders)}{path.suffix}")  # (a thousand games: no more looking)


SAME_GAME_KEYS = ("scenario_sha256", "seed", "weather_mode", "agents", "sandbox")
"""A save's entries that, with its orders a prefix of another's, make the two saves points of one game."""


def same_game_before(p: Path, state: Any) -> bool:
    """Whether the file `p` is a save of this game at this point or an earlier one (the same scenario, seed,
    weather, agents and sandbox; its orders the first of this game's). Anything else (another game, a game
    that went another way after an undo, a file that is no save) is not to be replaced."""
    import json

    from engine.savegame import save_dict

    try:
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return False
    if not isinstance(doc, dict) or not isinstance(doc.get("orders"), list):
        return False
    mine = json.loads(json.dumps(save_dict(state), ensure_ascii=False))  # (as a file holds it: lists, not tuples)
    if any(doc.get(k) != mine[k] for k in SAME_GAME_KEYS):
        return False
    n = len(doc["orders"])
    return n <= len(mine["orders"]) and doc["orders"] == mine["orders"][:n]


AI_RNG_KEY = "ai_rng"
PLAYERS_KEY = "players"
"""`state.extra` key of the sides the people at the screen played ({"human": ["attacker"], "hotseat": false})."""
VIEW_KEY = "view"
"""`state.extra` key of what the screen showed when the game was saved (`App.view_record`)."""


def saved_players(state: Any) -> tuple[set[int], bool] | None:
    """The human sides and hotseat flag a save was made with (`PLAYERS_KEY`); None for a save without them (made
    by `wargame run`, or by an older wargame) or with values this version does not know."""
    got = state.extra.get(PLAYERS_KEY) if isinstance(state.extra, dict) else None
    if not isinstance(got, dict) or not isinstance(got.get("human"), list):
        return None
    if not all(s in SIDES for s in got["human"]):
        return None
    return {SIDES.index(s) for s in got["human"]}, bool(got.get("hotseat", False))


def game_agents(state: Any) -> tuple[list[Any], list[str]]:
    """The AI players of a game and what the player should be told of them. The agents a loaded game recorded
    (`state.agents`, by side: a game run with `--attacker random` goes on against the random agent), else the
    scenario's (`sides[s].agent`), through `engine.ai.base.make_agent` (a registered name or an import path
    "module:Class"), for both sides (the player may choose a side later). An agent that cannot be made here (an
    import path not installed on this machine: a save loads without it) is replaced by the scenario's, or by the
    doctrine AI, and a note says so."""
    from engine.ai.base import make_agent

    saved = getattr(state, "agents", None) or {}
    out: list[Any] = []
    notes: list[str] = []
    for s in SIDES:
        side = state.scenario.sides[s]
        got = saved.get(s) if isinstance(saved, dict) else None
        name, params = side.agent, side.agent_params
        if isinstance(got, str) and got:
            name = got
        elif isinstance(got, dict) and got.get("name"):
            name, params = got["name"], got.get("params", params)
        if name != side.agent and params is side.agent_params:
            params = {}  # (the scenario's parameters are for its own agent)
        tried: list[str] = []
        for cand, cand_params in ((name, params), (side.agent, side.agent_params), ("doctrine", {})):
            if cand in tried:
                continue
            try:
                out.append(make_agent(cand, cand_params))
            except (ValueError, TypeError, ImportError, AttributeError) as e:
                tried.append(cand)
                notes.append(f"the {s}'s AI {cand!r} cannot be made here ({e})")
                continue
            if tried:
                notes[-1] += f": the {cand} AI plays the {s} instead"
            break
    return out, notes



def _fits_memory(g: MapGeometry) -> bool:
    """Whether the whole-map surface at this geometry stays within `MAX_MAP_PIXELS`."""
    return g.width * g.height <= MAX_MAP_PIXELS


def with_sightings(state: Any) -> Any:
    """The same game with the engine's sighting record (exact fog-of-war event log): replayed if needed."""
    if getattr(state, "sightings", None) is not None:
        return state
    from engine.savegame import game_from_save_dict, save_dict

    return game_from_save_dict(save_dict(state), track_sightings=True)


def ai_rngs(state: Any) -> list[Any]:
    """The AI players' random streams: fresh from the seed, or as saved in `state.extra` (JSON-safe
    PCG64 states, big ints included) so a loaded game's AI makes the choices the unsaved game's would."""
    rngs = seed_streams(state.seed)[2:4]
    saved = state.extra.get(AI_RNG_KEY) if isinstance(state.extra, dict) else None
    if isinstance(saved, dict):
        for s, name in enumerate(SIDES):
            st = saved.get(name)
            if isinstance(st, dict) and st.get("bit_generator") == type(rngs[s].bit_generator).__name__:
                try:
                    rngs[s].bit_generator.state = st
                except (ValueError, TypeError, KeyError):
                    pass  # a damaged entry: keep the fresh stream
    return rngs


def munition_line(u: Any, ut: Any) -> str:
    """What a strike by an expendable drone (a loitering munition, `UnitType.expendable`) costs: one of the
    munitions it has left, whatever the strike hits; "" for another drone.

    >>> from types import SimpleNamespace as N
    >>> munition_line(N(strength=4), N(expendable=True))
    'uses 1 of 4 munitions, hit or miss (it is spent even if it hits nothing; shot down, it is lost too)'
    >>> munition_line(N(strength=1), N(expendable=True))[:45], munition_line(N(strength=3), N(expendable=False))
    ('uses its last munition, hit or miss: the unit', '')
    """
    if not getattr(ut, "expendable", False):
        return ""
    if u.strength <= 1:
        return "uses its last munition, hit or miss: the unit is gone after this strike"
    return (f"uses 1 of {u.strength} munitions, hit or miss (it is spent even if it hits nothing; shot down, it is "
            "lost too)")


def _odds_lines(title: str, o: Any, rules: Any = None, names: Namer | None = None) -> list[str]:
    """The odds as the preview shows them; with the scenario's combat `rules`, a chance per shot that a bound
    holds up or caps says so (`hit_chance_rule` gives the whole rule, once per preview). `names`: the firer and
    target named for display (`ui.names.Namer`: an enemy by its type label and id); else their ids, the target's
    type as a word, never its raw key."""
    if names is not None:
        head = f"{title}: {names.name(o.firer)} → {names.name(o.target, typed=True)}"
    else:
        head = f"{title}: {o.firer} → {o.target} ({str(o.target_type).replace('_', ' ')})"
    lines = [head,
             f"  firepower {o.firepower} − protection {o.protection}"]
    for m in o.modifiers:
        lines.append(f"    {m.source}: {m.value:+d}")  # (indented under the firepower they add to)
    bound = "" if rules is None else hit_chance_bound(o.net, rules)
    lines.append(f"  net {o.net:+d} → {pct(o.p_hit)} per shot{bound} × {o.shots} shot{'' if o.shots == 1 else 's'}")
    lines.append(f"  expected losses {o.expected_losses:.2f}, P(destroyed) {pct(o.p_destroyed)}")
    return lines


def assault_share_runs(a: Any, ds: list[Any], strength: int, rules: Any) -> list[dict[str, int]]:
    """What can come of an assault, as whole-percent shares of each result (adding up to 100: each rounded half up
    made 101%), one dict per cohesion the main defender may have. Its cohesion is known only as its return fire
    shows it (broken, shaken or steady), so a result that hangs on it has as many shares as cohesions it may have."""
    from engine.combat import ASSAULT_RESULTS, STEADY, assault_outcomes
    from engine.units import MAX_COHESION

    main = next((d for d in ds if d.firer == a.target), None)
    shown = {m.source for m in main.modifiers} if main is not None else set()
    if "broken" in shown:
        cohesions = [0]
    elif "shaken" in shown:
        cohesions = [1]
    elif rules.broken_modifier and rules.shaken_modifier:
        cohesions = list(range(STEADY, MAX_COHESION + 1))
    else:  # (rules without those modifiers: the return fire does not show it)
        cohesions = list(range(MAX_COHESION + 1))
    order = ASSAULT_RESULTS[1:] + ASSAULT_RESULTS[:1]
    return [dict(zip(order, whole_shares([run[r] for r in order]), strict=True))
            for run in (assault_outcomes(a, ds, strength, c) for c in cohesions)]


def assault_headline(shares: list[dict[str, int]]) -> str:
    """The odds in a few words for the status line: "takes it 31-45%, your unit destroyed 0%", or "CANNOT SUCCEED
    (repulsed 100%)" (a player confirmed an assault at 0% with the status line saying only "confirm with Enter":
    the odds were on the panel alone). Ranges over the cohesions the defender may have (`assault_share_runs`)."""
    if not shares:
        return ""
    win = [s["defenders destroyed"] + s["defenders retreat"] for s in shares]
    lost = [s["assaulting unit destroyed"] for s in shares]
    repulsed = [s["assault repulsed"] for s in shares]
    if max(win) == 0:  # (the risk first: a player read "repulsed 51%" and missed the panel's "destroyed 49%")
        return f"CANNOT SUCCEED: your unit destroyed {_pct_range(lost)}, repulsed {_pct_range(repulsed)}"
    # (a range: the odds hang on the defender's cohesion, which only its return fire shows)
    span = " (a range: the defender's cohesion unknown)" if len(set(win)) > 1 or len(set(lost)) > 1 else ""
    return f"takes it {_pct_range(win)}, your unit destroyed {_pct_range(lost)}{span}"


def _pct_range(xs: list[int]) -> str:
    lo, hi = min(xs), max(xs)
    return f"{lo}%" if lo == hi else f"{lo}-{hi}%"


def assault_outcome_lines(a: Any, ds: list[Any], strength: int, rules: Any, no_advance: str | None = None,
                          shares: list[dict[str, int]] | None = None) -> list[str]:
    """What can come of an assault, from the odds the resolution uses (`combat.assault_outcomes`). The main
    defender's cohesion is known only as its return fire shows it (broken, shaken or steady), so a result
    that hangs on it is given as a range over the cohesions it may have. `no_advance`: why the unit could not
    advance into the hex if it won (`SideView.advance_blocked`). `shares`: `assault_share_runs` of these odds, when
    the caller has them already."""
    from engine.combat import ASSAULT_RESULTS

    if shares is None:
        shares = assault_share_runs(a, ds, strength, rules)
    then = "you advance" if no_advance is None else "you stay: " + no_advance
    # (said from the player's seat: a defending player read "defenders destroyed" as their own units)
    fired_on = any(getattr(d, "expected_losses", 0) > 0 for d in ds)
    words = {"defenders destroyed": f"the enemy there destroyed ({then})",
             "defenders retreat": f"the enemy falls back ({then})",
             "assault repulsed": "repulsed (your unit -1 cohesion" + (
                 "; it may also lose steps to the return fire below)" if fired_on else ")"),
             "assaulting unit destroyed": "your unit destroyed"}
    out = ["  What can happen (the enemy falls back if the unit you strike is destroyed or broken, or loses 2+ "
           "steps and more than you):"]
    ranged = False
    order = ASSAULT_RESULTS[1:] + ASSAULT_RESULTS[:1]
    for r in order:
        lo, hi = f"{min(s[r] for s in shares)}%", f"{max(s[r] for s in shares)}%"
        ranged |= lo != hi
        out.append(f"    {words[r]}: {lo if lo == hi else f'{lo}-{hi}'}")
    if ranged:
        out.append("    (a range: their exact cohesion is not known to you)")
    return out


def whole_shares(probs: Sequence[float]) -> list[int]:
    """`probs` as whole percents: when they add up to 1 (the outcomes of one assault), percents that add up to 100,
    by largest remainder - each rounded down or up, the ups going to the largest fractions (ties: the first);
    otherwise each as `pct` rounds it. Display only: the engine's odds are not changed. The float noise of a sum
    of products is rounded away first, as `pct` does.

    >>> whole_shares([0.335, 0.335, 0.33, 0.0]), whole_shares([0.125, 0.875]), whole_shares([1 / 3] * 3)
    ([34, 33, 33, 0], [13, 87], [34, 33, 33])
    >>> whole_shares([0.125] * 4)  # (not one distribution: each as `pct` says it)
    [13, 13, 13, 13]
    """
    raw = [round(p * 100.0, 6) for p in probs]
    if abs(sum(raw) - 100.0) > 1e-4:
        return [int(half_up(x)) for x in raw]
    out = [math.floor(x) for x in raw]
    left = 100 - sum(out)
    for k in sorted(range(len(raw)), key=lambda k: (out[k] - raw[k], k))[:max(0, left)]:
        out[k] += 1
    return out


def hit_chance_bound(net: int, rules: Any) -> str:
    """" (the floor)" / " (the ceiling)" when a scenario's bound, not the net value, sets the chance per shot.

    >>> from engine.scenario import CombatRules
    >>> hit_chance_bound(2, CombatRules()), hit_chance_bound(-4, CombatRules()), hit_chance_bound(9, CombatRules())
    ('', ' (the floor)', ' (the ceiling)')
    """
    raw = rules.hit_base + rules.hit_per_point * net
    return " (the floor)" if raw < rules.hit_min else " (the ceiling)" if raw > rules.hit_max else ""


def air_defence_line(view: Any, idx: int) -> str:
    """A drone sortie's risk in its preview: the chance the enemy air defence this side knows of shoots it down
    (`SideView.air_defence_risk`), and that unseen air defence may add to it."""
    p, who = view.air_defence_risk(idx)
    if not who:
        return "no enemy air defence known in range (unseen air defence may still shoot the drone down)"
    return (f"shot down: up to {pct(p)} from the air defence you know of ({', '.join(who)}); unseen air defence "
            "may add to it")


def hit_chance_rule(rules: Any) -> str:
    """How the chance per shot follows from the net value, under a scenario's `combat` rules.

    >>> from engine.scenario import CombatRules
    >>> hit_chance_rule(CombatRules())
    'Chance per shot: 10% + 10% per net point, never below 2% (the floor) or above 90% (the ceiling)'
    """
    return (f"Chance per shot: {pct(rules.hit_base)} + {pct(rules.hit_per_point)} per net point, never below "
            f"{pct(rules.hit_min)} (the floor) or above {pct(rules.hit_max)} (the ceiling)")


def skip_status(last_status: str, skipped: str) -> str:
    """The status line after an empty phase is skipped: the result of the player's last order stays, followed by
    the skips since; one with nothing to say ("nothing to order") gives way to the next, one with a reason stays (a
    new player lost "Orlan-10 grounded: thick fog" to the artillery phase's skip that followed it).

    >>> skip_status("arm_inf_1 moves to (3,4)", "skipped the assault phase (nothing to order)")
    'arm_inf_1 moves to (3,4) | skipped the assault phase (nothing to order)'
    >>> skip_status("arm_inf_1 moves to (3,4) | skipped the assault phase (nothing to order)",
    ...             "skipped the air phase (nothing to order)")
    'arm_inf_1 moves to (3,4) | skipped the air phase (nothing to order)'
    >>> skip_status("Skipped the air phase (nothing to order)", "skipped the artillery phase (nothing to order)")
    'Skipped the artillery phase (nothing to order)'
    >>> skip_status("Skipped the air phase (nothing to order); arm_orlan grounded: thick fog",
    ...             "skipped the artillery phase (no spotter)")
    'Skipped the air phase (nothing to order); arm_orlan grounded: thick fog; skipped the artillery phase (no spotter)'
    """
    if last_status.startswith("Skipped the "):  # (the line was skips alone)
        base, prior = "", last_status[len("Skipped the "):]
    else:
        base, _, prior = last_status.partition(" | skipped the ")
    kept = [f"skipped the {p}" for p in prior.split("; skipped the ") if p and not p.endswith("(nothing to order)")]
    line = "; ".join([*kept, skipped])
    return f"{base} | {line}" if base else line[0].upper() + line[1:]

