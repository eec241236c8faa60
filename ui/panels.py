"""Side panel text, status line, overlay legends and the pass-the-screen curtain (plain pygame drawing; the
widgets - buttons, event log, help and game-over windows, file dialogs - are pygame_gui, in ui/gui.py)."""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import pygame

from engine.movement import terrain_move_costs, weather_factor, weather_move_note
from engine.rules import ambush_refusal
from engine.units import SIDES
from engine.visibility import recon_finds
from ui import goto_orders, sandbox

FS = 13  # base text size (scaled by --ui-scale)
HOVER_LINES = 4
"""Small lines of the panel kept for the hovered hex below its title (`draw_panel`)."""
HOVER_ROOM_LINES = 9
"""Small lines under its title the event log leaves the hovered hex while the mouse is over the map, when the panel's
text leaves that room (`log_top`): Shusha's longest hex of own units (two, named) whole, its defence and move costs
too (a hex of own units takes 5 to 9 lines; `HOVER_LINES` cut its move costs, what it is hovered for)."""
INDENT_PER_SPACE = 6
"""Pixels of indent per leading space of a panel line (at --ui-scale 1)."""


class Writer:
    """Draws lines of text down a column, wrapping to the width."""

    def __init__(self, app: Any, surf: pygame.Surface, rect: pygame.Rect, measure: bool = False) -> None:
        """`measure`: only advance `y` (how tall the lines would be), draw nothing."""
        self.app, self.surf, self.rect = app, surf, rect
        self.x = rect.x + 10
        self.y = rect.y + 8
        self.w = rect.w - 20
        self.measure = measure
        self.limit: int | None = None
        """Lines (wrapped parts) that would end below this y are not drawn: none is shown cut in half."""
        self.whole = False
        """Draw a line only if all its wrapped parts fit above `limit`, and none after one that did not (the
        hovered hex's lines: "closed to the attacker: Askeran sector (held outside" was cut by the event log)."""
        self.stopped = False
        self.text_end = self.y
        """Where the last line's text ends (`y` less any rule or gap under it): the panel's foot as `draw_panel`
        judges the fit, which lets a trailing rule fall below it."""

    def line(self, s: str, colour: tuple[int, int, int] | None = None, px: int = FS, bold: bool = False,
             wrap: bool = True, indent: int = 0) -> pygame.Rect:
        t = self.app.ui_text
        col = colour or self.app.palette.panel_fg
        y0 = self.y
        lead = len(s) - len(s.lstrip(" "))
        if lead:  # leading spaces mark a sub-line (a preview's modifiers): an indent (wrapping dropped them)
            s = s[lead:]
            indent += round(INDENT_PER_SPACE * lead * t.scale)
        # continuation lines are drawn 10 px further in: wrap to the width they have
        parts = t.wrap(s, px, self.w - indent - 10, bold) if wrap else [s]
        if self.whole and self.limit is not None and self.y + len(parts) * t.line_height(px) > self.limit:
            self.stopped = True
        skip = self.whole and self.stopped
        for k, part in enumerate(parts):
            if not self.measure and not skip and (self.limit is None or self.y + t.line_height(px) <= self.limit):
                img = t.render(part, px, col, bold=bold)
                self.surf.blit(img, (self.x + indent + (10 if k else 0), self.y))
            self.y += t.line_height(px)
        self.text_end = self.y
        return pygame.Rect(self.rect.x, y0, self.rect.w, self.y - y0)

    def shown_whole(self, r: pygame.Rect) -> bool:
        """Whether the lines `line` returned as `r` were drawn, every part (not measured, not below `limit`): only
        those may be clicked. `limit` is the bottom the panel uses, lower while the event log is shrunk."""
        return not self.measure and (self.limit is None or r.bottom <= self.limit)

    def gap(self, n: int = 5) -> None:
        self.y += n

    def rule(self) -> None:
        if not self.measure:
            pygame.draw.line(self.surf, (70, 75, 85), (self.x, self.y + 2), (self.x + self.w, self.y + 2))
        self.y += 6


def draw_panel(app: Any, screen: pygame.Surface, rect: pygame.Rect) -> int:
    """The side panel's text: the clock and who moves, weather and aircraft, the objective, then what the
    player is doing (an order's preview, the selected unit or the phase's hint, the hovered hex).

    When it does not fit above the event log, the top gives way step by step: the clock to two lines, then
    each drone's limits, then the aircraft list to one line and the red GROUNDED plate to a line per cause.
    The phase's hint (nothing selected) is never dropped: it says what to do now. The choice ignores the
    hovered hex, which takes what room is left, so the panel does not jump as the mouse moves. An order's
    preview and the selected unit's own lines must be read whole: the hovered hex gives way to them, then the
    event log shrinks to a few rows (`ui.gui.LOG_MIN_ROWS`) until the order is confirmed or the unit unselected,
    and hides only if that is not enough; at the last the clock (two lines) comes first and the preview (in
    fewer lines, `condensed`) or the unit below it.
    Returns where the text ends."""
    p = app.palette
    pygame.draw.rect(screen, p.panel_bg, rect)

    heights: dict[tuple[str, int], int] = {}

    def height(part: str, flag: int, draw: Callable[[Writer], None]) -> int:
        """How tall one part is drawn (each part and variant measured once per frame)."""
        got = heights.get((part, flag))
        if got is None:
            probe = Writer(app, screen, rect, measure=True)
            draw(probe)
            got = heights[(part, flag)] = probe.y - (rect.y + 8)
        return got

    # (aircraft detail: False whole, 1 without each drone's limits, 2 one line; the clock in two lines; the
    # phase's hint short): the hint is never dropped - with nothing selected it is the one line that says what
    # to do now - but a drone lesson's per-drone lines come before its long form
    levels = [(False, False, False, False), (False, True, False, False), (False, True, True, False),
              (1, True, True, False), (2, True, True, False), (3, True, True, False)]
    # then, when nothing else is left to give, the objective in fewer words and the clock without the scenario's
    # name (the objective, then the hint, were cut off at 1280x800 with --ui-scale 2)
    tight = [(3, True, True, True), (3, 2, True, True)]
    pending = app.pending is not None
    t = app.ui_text
    # room kept for the hovered hex's first lines (where it is, the move there and whether it reveals the unit,
    # who is or was last seen here), whether or not a hex is hovered now: the panel does not jump
    hover_room = t.line_height(FS) + HOVER_LINES * t.line_height(12) + 6

    def need(air: int, clock: bool, short: bool, brief: bool, hover: int) -> int:
        return (height("clock", clock, lambda w, c=clock: _clock(app, w, c))
                + height("aircraft", air, lambda w, c=air: _aircraft(app, w, c))
                + height("objective", brief, lambda w, b=brief: _objective(app, w, b))
                + height("details", short, lambda w, s=short: _details(app, w, hover=False, short=s))
                + hover)

    # an order's preview and the selected unit's own lines (strength, supply, its go-to order) must be read
    # whole: when they do not fit, the hovered hex gives way, then the event log hides. With nothing selected,
    # the hovered hex may give way to its first two lines before the aircraft list is shortened.
    whole = pending or app.selected is not None
    hover_min = t.line_height(FS) + t.line_height(12) + 6
    top, info = app.gui.info_bottom, levels[:3]
    low = app.gui.info_bottom_small_log
    if pending:
        tries = [(top, 0, lv) for lv in levels]
    else:
        tries = [(top, hover_room, lv) for lv in info] + [(top, hover_min, levels[2])]
        tries += [(top, hover, lv) for hover in (hover_room, hover_min) for lv in levels[3:]]
        if whole:
            tries.append((top, 0, levels[-1]))
        else:  # (at the last the hovered hex gives way to the hint: it says what to do now)
            tries += [(top, hover_min, lv) for lv in tight] + [(top, 0, tight[-1])]
    if whole:  # (the log shrunk to a few rows, at the last hidden: the hovered hex's first lines kept if they fit)
        for room in (low, app.gui.info_bottom_without_log):
            tries += [(room, hover, lv) for hover in ((0,) if pending else (hover_room, 0)) for lv in levels + tight]
    fits = False
    for bottom, hover, (compact_air, compact_clock, short, brief) in tries:
        # (with no room kept for the hovered hex, the rule under the last part may fall below the foot, clipped)
        fits = rect.y + 8 + need(compact_air, compact_clock, short, brief, hover) - (0 if hover else 6) <= bottom
        if fits:
            break
    if (not whole and hover < hover_room and bottom == top and (app.hover is not None or app.gui.pointer_on_map)
            and rect.y + 8 + need(compact_air, compact_clock, short, brief, hover_room) <= low):
        # a hex is read (the mouse over the map): the log, read over the panel, shrinks to its last rows before the
        # hex is cut to its first lines; the parts above it stay as they are (a teacher's hover of the cliff top at
        # 1280x800, --ui-scale 1.5, showed its name and who was there, not "cliff top (fires down +2)")
        bottom, hover, fits = low, hover_room, True
    level = 0 if bottom == app.gui.info_bottom else 1 if bottom == low else 2
    hint_cut = not fits and not whole and app.my_turn()  # (the log rises to that text's end once it is drawn)
    if not hint_cut:
        app.gui.set_log_room(level, log_top(app, rect.y + 8 + need(compact_air, compact_clock, short, brief, 0),
                                            hover, hover_room))
        if level < 2:  # (the log risen to the text: the text's foot with it)
            bottom = min(bottom, app.gui.log_top())
    screen.set_clip(pygame.Rect(rect.x, rect.y, rect.w, max(0, bottom - rect.y)))
    w = Writer(app, screen, rect)
    w.limit = bottom
    if not fits and whole:  # still too long (a small window, a large --ui-scale): who moves in which phase,
        # then the preview in fewer lines (a player lost the header below a long one) or the selected unit, the
        # rest below it as far as it goes; the clock without the scenario's name when that lets it all show (a
        # cliff assault's preview at 1280x800, --ui-scale 1.5, was cut)
        for clock in (True, 2):
            probe = Writer(app, screen, rect, measure=True)
            _clock(app, probe, clock)
            _details(app, probe, hover=False, condense=True)
            if probe.y <= bottom:
                break
        _clock(app, w, clock)
        more = t.line_height(12)
        cut = probe.y > bottom  # (a preview cut off with no sign read as if it ended there: say more follows)
        if cut:
            w.limit = bottom - more
        _details(app, w, hover=False, condense=True)
        if cut:
            w.limit, w.y = bottom, bottom - more
            w.line(MORE_BELOW, p.accent, px=12, bold=True, wrap=False)
        end = w.y
        _aircraft(app, w, 2)
        _objective(app, w, True)
        screen.set_clip(None)
        return end
    if hint_cut:  # the phase's hint does not fit even at the tightest (a small window, a large
        # --ui-scale; at 1280x800 and 2 its last line, or all of it, fell below the panel's foot): who moves in
        # which phase, then the hint, whole or cut with "…" (`fitted_lines`), then the objective and the aircraft
        # as far as they go
        _clock(app, w, 2)
        lh = t.line_height(12)
        # (room kept under the hint for the objective and, when aircraft are grounded, a one-line red plate: the
        # plate cut to its empty top read as an alarm with no words)
        keep = height("objective", True, lambda w_: _objective(app, w_, True))
        grounded = grounded_rows(app)
        plate = ""
        if grounded:
            # (the units' ids first, then the types: a cut line still says which of the side's aircraft)
            grounded_now = panel_units(app)[1]
            ids = [u.id for u in app.state.units if u.active and grounded_now.get(u.id)
                   and app.state.scenario.unit_table[u.type].domain == "air"]
            names = ", ".join(name.split(" - ", 1)[0] for name, _why, _uid in grounded)
            plate = fitted_lines(t, f"GROUNDED: {', '.join(ids)} ({names})" if ids else f"GROUNDED: {names}", 12,
                                 w.w - 10, 1, bold=True)[0]
            keep += lh + 6 + lh // 4
        flies = _can_fly_words(app) if plate else ""  # (what can fly, by name: the lesson's other half)
        if flies:
            keep += lh
        for k, part in enumerate(fitted_lines(t, phase_hint(app, True), 12, w.w - 10,
                                              (bottom - w.y - 6 - keep) // lh)):
            w.line(part, p.accent, px=12, wrap=False, indent=10 if k else 0)
        w.rule()
        end = w.y
        _objective(app, w, True)
        if plate:
            if flies:
                r = w.line(fitted_lines(t, flies, 12, w.w - 10, 1, bold=True)[0], p.good, px=12, bold=True, wrap=False)
                if w.shown_whole(r):
                    app.click_regions.append((r, (lambda: select_next_aircraft(app))))
            _alert(app, w, [(plate, None)], bold_all=True)
            sky = fitted_lines(t, weather_words(app.view.weather, app), 12, w.w - 10, 1)[0]
            w.line(sky, p.panel_fg, px=12, wrap=False)
        else:
            _aircraft(app, w, 3)  # (the aircraft list, the longest, last)
        screen.set_clip(None)
        app.gui.set_log_room(level, w.y + 2)  # (what the last line left: at 1280x800, --ui-scale 2, a line's room)
        return end
    _clock(app, w, compact_clock)
    _aircraft(app, w, compact_air)
    _objective(app, w, brief)
    _details(app, w, hover=not pending, short=short)  # (the hovered hex last: it is cut off first)
    screen.set_clip(None)
    # (the text's end, as the fit above judged it: with the rule under the last part counted, a preview that fit
    # over the full log by the rule's 6 px was reported below its foot)
    return w.text_end


def log_top(app: Any, text_foot: int, hover: int, hover_room: int) -> int | None:
    """Where the event log's title may rise to (`ui.gui.Gui.set_log_room`'s `top`), the panel's text ending at
    `text_foot` (its last rule counted) with `hover` px kept for the hovered hex: the log takes the room the text
    leaves (it stood at a third of the panel's height, under an empty band: ~4 events at 1280x800, --ui-scale
    1.5). The hovered hex keeps its room while the mouse is over the map, `HOVER_ROOM_LINES` when the text leaves
    them, else what the text left (None: the log where its level puts it, as when the text is long); over the
    panel, where the class reads the log, or with an order's preview (which hides the hex) the log takes it."""
    if app.pending is not None or not (app.hover is not None or app.gui.pointer_on_map):
        return text_foot + 2
    if not hover:
        return None
    return text_foot + hover_room + (HOVER_ROOM_LINES - HOVER_LINES) * app.ui_text.line_height(12) + 2


def fitted_lines(t: Any, s: str, px: int, width: int, rows: int, bold: bool = False) -> list[str]:
    """`s` wrapped to `width` in at most `rows` lines (at least one), the last cut with "…" when the rest does not
    fit: a line that must show never runs below the panel's foot."""
    parts = t.wrap(s, px, width, bold)
    rows = max(1, rows)
    if len(parts) <= rows:
        return parts
    last = " ".join(parts[rows - 1:])
    f = t.font(px, bold)
    while last and f.size(t.clean(last + "…", px, bold))[0] > width:
        last = last[:-1].rstrip()
    return [*parts[:rows - 1], last + "…"]


MORE_BELOW = "… (more not shown: enlarge the window)"
"""The last line of an order's preview or a unit's lines cut off by a panel too short for them."""


CHOOSING_SIDE = "Choose your side in the briefing; the game starts when you do"
"""The panel's line while a new game's briefing waits for the player's side (in place of whose view it is)."""


def sideless(app: Any) -> bool:
    """A view of both sides that no player plays (a replay without --side): the panel lists every side's
    aircraft and guns and names each side; no one is the "Enemy" (the replay read as the attacker's view).
    --see-all in a game keeps "enemy" for the side the player plays against."""
    return bool(app.omniscient and not app.human)


def panel_units(app: Any) -> tuple[list[Any], dict[str, Any]]:
    """The units whose aircraft and guns the panel lists, and their grounding (unit id -> why, `AirStatus`): the
    viewing side's own, or every side's in a `sideless` view."""
    if sideless(app):
        return app.state.units, app.state.grounded
    v = app.view
    return v.own, v.grounded


def side_word(app: Any, u: Any) -> str:
    """The side a panel line's unit belongs to, before its name in a `sideless` view ("defender's "); else ""."""
    return f"{SIDES[u.side]}'s " if sideless(app) else ""


def _clock(app: Any, w: Writer, compact: int = False) -> None:
    """The clock and who moves; `compact`: in two lines (2: shorter still, without the scenario's name, which the
    window's title has, for the shortest panels; the L key stays: a lesson is read from it)."""
    st = app.state
    p = app.palette
    scen = st.scenario
    when = scen.turn_start(st.turn)
    over = st.outcome
    choosing = getattr(app, "side_choice", False) and not app.omniscient  # (a new game's briefing: no side yet)
    if compact:
        turn = f"turn {st.turn}/{scen.turns}, {when:%a %d %b %H:%M}{' (NIGHT)' if st.night else ''}"
        w.line(f"T{turn[1:]}" if compact >= 2 else f"{scen.meta.name} — {turn}", p.accent, bold=True)
        if not w.measure:  # (a window over the panel keeps below it: `ui.lesson_window.top_edge`)
            app.panel_title_bottom = w.y
        if over is not None:
            w.line(f"GAME OVER: {over.winner} wins on turn {over.turn}", p.side[SIDES.index(over.winner)], bold=True)
        elif choosing:
            w.line(CHOOSING_SIDE, p.accent, bold=True)
        else:
            w.line(f"{SIDES[st.side]} to move, {st.phase.upper()} phase"
                   f"{' (L: lesson)' if scen.meta.lesson else ' (L: briefing)'}", p.side[st.side], bold=True)
        return
    w.line(scen.meta.name, p.accent, px=15, bold=True)
    w.line(f"Turn {st.turn}/{scen.turns} — {when:%a %d %b %H:%M} — {'NIGHT' if st.night else 'day'}",
           bold=True)
    if not w.measure:  # (the scenario and the clock: a window over the panel keeps below both)
        app.panel_title_bottom = w.y
    if over is not None:
        won = SIDES.index(over.winner)
        w.line(f"GAME OVER: {over.winner} ({scen.sides[over.winner].name}) wins on turn {over.turn}",
               p.side[won], bold=True)
        w.line(over.reason, p.panel_fg, px=12)
    else:
        side_col = p.side[st.side]
        to_move = f"{SIDES[st.side]} ({scen.sides[SIDES[st.side]].name})"
        w.line(f"To move: {to_move}", side_col, bold=True)
        w.line(f"Phase: {st.phase.upper()}   (air › artillery › movement › assault)")
    me = ("You see: both sides, every unit " + ("(replay without --side)" if app.read_only
                                                else "(--see-all)")
          if app.omniscient else
          f"You see as: {SIDES[app.view_side]}" + (" (hotseat)" if app.hotseat else ""))
    if choosing:
        me = CHOOSING_SIDE
    if st.sandbox:
        me += " — SANDBOX"
    w.line(me, p.panel_dim)
    w.line("Teaching scenario: press L for the lesson" if scen.meta.lesson else "L: briefing and how to win",
           p.accent if scen.meta.lesson else p.panel_dim, px=12)


def can_fly_words(app: Any, short: bool = True) -> str:
    """How an aircraft that may fly now is listed (`short`: the one-line list's head; else a drone's own line): with
    the click that selects it in a game, without in the replay viewer, where no order can be given."""
    if app.read_only:
        return "CAN FLY" if short else "can fly"
    return "CAN FLY (click or Tab to select)" if short else "CAN FLY - click to select"


def _can_fly_words(app: Any) -> str:
    """"CAN FLY: az_orbiter (Orbiter reconnaissance drones)": the own aircraft that can fly this phase, ids first
    so that a line cut short still names them ("" when none); the short form of `_aircraft`'s compact line."""
    if getattr(app, "choosing", False):
        return ""
    scen = app.state.scenario
    units, grounded_now = panel_units(app)
    now = can_fly_words(app)
    ready = [u for u in units if u.active and scen.unit_table[u.type].domain == "air" and not grounded_now.get(u.id)
             and flight_words(app, u, now) == now]
    if not ready:
        return ""
    return (f"CAN FLY: {', '.join(u.id for u in ready)} "
            f"({', '.join(side_word(app, u) + app.names.name(u.id) for u in ready)})")


def _aircraft(app: Any, w: Writer, compact: int) -> None:
    """Weather and what flies. `compact` 1: each own drone on one line, without the limits it needs, and the
    grounded ones on a plate a line per cause (`grounded_causes`); 2: the weather, the own aircraft that can fly
    (or have flown) by name on one line, the condensed plate and the enemy's aircraft types on one line
    (`enemy_air_words`), no off-map gun lines (the details below need the room); 3: as 2 without the enemy's."""
    st = app.state
    v = app.view
    p = app.palette
    scen = st.scenario
    if getattr(app, "choosing", False):  # (no side chosen yet: the weather everyone sees, no side's aircraft)
        if not compact:
            w.line("Weather", p.accent, bold=True)
        w.line(weather_words(v.weather, app), p.panel_fg, px=12 if compact >= 2 else FS)
        return
    grounded = grounded_rows(app)
    units, grounded_now = panel_units(app)
    if compact >= 2:  # the weather, then by name what can fly and (on the plate) what cannot: the lesson's two halves
        air = [u for u in units if u.active and scen.unit_table[u.type].domain == "air"]
        _fitted_line(w, weather_words(v.weather, app), p.panel_fg)
        ready = [u for u in air if not grounded_now.get(u.id)]
        now = can_fly_words(app)
        words = {u.id: flight_words(app, u, now) for u in ready}
        for head in (now, LATER, FLOWN, DID_NOT_FLY):
            these = [u for u in ready if words[u.id] == head]
            if these:
                live = head in (now, LATER)
                text = f"{head}: {', '.join(side_word(app, u) + app.names.name(u.id, typed=True) for u in these)}"
                if compact >= 3:  # (the ids first: a line cut short still names every aircraft; the phase's hint,
                    # drawn above, says to click it or press Tab)
                    text = (f"{'CAN FLY' if head == now else head}: {', '.join(u.id for u in these)} "
                            f"({', '.join(side_word(app, u) + app.names.short(u.id) for u in these)})")
                r = _fitted_line(w, text, p.good if live else p.panel_dim, bold=live)
                if live and w.shown_whole(r):
                    app.click_regions.append((r, (lambda: select_next_aircraft(app))))
        if grounded:
            _alert(app, w, grounded_causes(app), bold_all=True)
        enemy = enemy_air_words(app) if compact == 2 else ""  # (3: without it, the last to give way)
        if enemy:  # (the lesson's other half: what the same sky does to the enemy's aircraft types)
            w.line(enemy, p.panel_fg, px=12)
        return
    w.line("Weather & aircraft", p.accent, bold=True)
    w.line(weather_words(v.weather, app), p.panel_fg)
    if note := weather_move_note(scen, v.weather.precipitation):  # (the ground: what the rain or snow slows)
        w.line(f"Ground: {note}", p.accent, px=12, indent=4)
    if grounded and compact:
        _alert(app, w, grounded_causes(app), bold_all=True)
    elif grounded:  # what cannot fly and the limit that grounds each, at a glance: on a red plate, off the map
        _alert(app, w, [("GROUNDED this turn:", None)] + [(f"{name}: {why}", uid) for name, why, uid in grounded])
    for text, col, uid in air_lines(app, needs=not compact):
        if uid is not None and grounded_now.get(uid) and grounded:
            continue  # (on the red plate above)
        r = w.line(text, col, px=12, indent=4)
        if uid is not None and w.shown_whole(r):
            app.click_regions.append((r, (lambda uid=uid: app.select(uid))))
    table = scen.unit_table
    guns = [u for u in units if u.active and u.offmap and table[u.type].domain != "air"]
    st = app.state
    for u in guns:
        ut = table[u.type]
        mark = "▶ " if u.id == app.selected else ""
        # ("ready" only when it may fire: a defender read "ready (click to select)" in the attacker's turn)
        now = "fired" if u.fired else "ready" if st.phase == "artillery" and st.side == u.side else \
            "fires in its side's artillery phase"
        r = w.line(f"{mark}{side_word(app, u)}{app.names.name(u.id)}: {ut.label.split(' (')[0]}, strength "
                   f"{u.strength}, off-map guns firing from "
                   f"{where(app.state.map, u.idx)}, range {ut.range_hexes}"
                   f"{reach_words(app, u.idx, ut.range_hexes) if u.side in app.human else ''}"
                   f" - {now}{'' if app.read_only else ' (click to select)'}", p.good, px=12, indent=4)
        if w.shown_whole(r):
            app.click_regions.append((r, (lambda uid=u.id: app.select(uid))))


def reach_words(app: Any, idx: int, reach: int) -> str:
    """", as far as Lisagor; Shusha 28 hexes away, out of range": where guns firing from hex `idx` reach, named by
    the farthest place in range, and the objective when they cannot reach it (a new player tried every turn to fire
    the off-map guns into the fight for Shusha, each time refused "28-31 hexes away"). For a player's own guns: a
    replay's or an AI game's panel has no room to spare on it."""
    gmap = app.state.map
    dist = gmap.distances_from(idx)
    inside = [(int(dist[i]), name) for name, _, i in gmap.places if dist[i] <= reach]
    words = f", as far as {max(inside)[1]}" if inside else ""
    far = min((int(dist[i]) for i in gmap.objective_hexes), default=0)
    if far > reach:
        words += f"; {app.state.scenario.victory.objective} {far} hexes away, out of range"
    return words


def _fitted_line(w: Writer, s: str, colour: tuple[int, int, int], bold: bool = False) -> pygame.Rect:
    """`s` (12 px) in the rows left above the panel's foot (`Writer.limit`), the last cut with "…" (`fitted_lines`):
    a wrapped line whose later parts fell below the foot read "CAN FLY (click or Tab to select): Bayraktar" and
    stopped. Measured, or with no foot, it wraps whole."""
    if w.measure or w.limit is None:
        return w.line(s, colour, px=12, bold=bold)
    t = w.app.ui_text
    rows = (w.limit - w.y) // t.line_height(12)
    if rows < 1:  # (nothing fits: advance as the Writer would, draw nothing)
        return w.line(s, colour, px=12, bold=bold)
    parts = fitted_lines(t, s, 12, w.w - 10, rows, bold=bold)
    y0 = w.y
    for k, part in enumerate(parts):
        w.line(part, colour, px=12, bold=bold, wrap=False, indent=10 if k else 0)
    return pygame.Rect(w.rect.x, y0, w.rect.w, w.y - y0)


def enemy_air_words(app: Any) -> str:
    """The enemy's aircraft types in this weather on one line ("Enemy aircraft GROUNDED: armed drones, loitering
    munitions; can fly: recon drone"), from the order of battle and the public weather
    (`ui.overlays.enemy_air_types`); "" in a view of both sides or with no enemy aircraft."""
    from ui.overlays import enemy_air_types

    if sideless(app):
        return ""
    types = enemy_air_types(app.state, app.view_side)
    down = [label.split(" (")[0].lower() for label, why in types if why]
    up = [label.split(" (")[0].lower() for label, why in types if not why]
    parts = ([f"GROUNDED: {', '.join(down)}"] if down else []) + ([f"can fly: {', '.join(up)}"] if up else [])
    return f"Enemy aircraft {'; '.join(parts)}" if parts else ""


def select_next_aircraft(app: Any) -> None:
    """A click on the panel's one-line "CAN FLY" list: the next own aircraft that can still fly is selected."""
    units, grounded = panel_units(app)
    table = app.state.scenario.unit_table
    ids = [u.id for u in units if u.active and table[u.type].domain == "air" and not grounded.get(u.id)
           and not u.fired]
    if ids:
        app.select(ids[(ids.index(app.selected) + 1) % len(ids)] if app.selected in ids else ids[0])


def grounded_causes(app: Any) -> list[tuple[str, str | None]]:
    """The GROUNDED plate in fewer lines, one a set of causes: "GROUNDED: TB2 (az_tb2) needs 1200 m / 3 km, Harop
    (az_harop) 1000 m / 2 km — patchy fog, cloud base 400 m, visibility 2 km": each drone type with its units'
    ids and the minima it needs of the figures that ground it (the plate said the weather alone, not what each drone
    waits for), then the weather as it is (from the engine's `view.grounded_limits`); with the unit a click selects
    (the first named).
    Both sides' drones in a view of both (`--see-all`, a replay of both sides), the viewing side's otherwise."""
    from engine.view import grounded_limits

    limits = grounded_limits(app.state) if app.omniscient else app.view.grounded_limits
    groups: dict[tuple[str, ...], list[str]] = {}
    for u in app.state.units:
        got = limits.get(u.id)
        if u.active and got:
            groups.setdefault(tuple(x.condition for x in got), []).append(u.id)
    st = app.state
    out = []
    for key, ids in groups.items():
        types: dict[str, list[str]] = {}  # (type -> its units here, in the order of battle)
        for uid in ids:
            types.setdefault(st.unit(uid).type, []).append(uid)
        said = []
        for k, (type_id, uids) in enumerate(types.items()):
            figs = [f"{x.minimum:.0f} m" if x.kind == "ceiling" else f"{x.minimum:g} km" for x in limits[uids[0]]
                    if x.minimum is not None]
            who = f"{side_word(app, st.unit(uids[0]))}{type_tag(st.scenario.unit_table[type_id])} ({', '.join(uids)})"
            said.append(f"{who} {'needs ' if k == 0 else ''}{' / '.join(figs)}" if figs else who)
        out.append((f"GROUNDED: {', '.join(said)} — {', '.join(key)}", ids[0]))
    return out


def type_tag(ut: Any) -> str:
    """A unit type's short name on the GROUNDED plate: the class its label names ("Armed drones (TB2-class)":
    "TB2"), else the label before any bracket.

    >>> from types import SimpleNamespace as N
    >>> type_tag(N(label="Armed drones (TB2-class)")), type_tag(N(label="Recon drone"))
    ('TB2', 'Recon drone')
    """
    m = re.search(r"\(([^()]+)-class\)", ut.label)
    return m.group(1) if m else ut.label.split(" (")[0]


ALERT_BG = (120, 24, 14)
"""The plate under the "GROUNDED this turn" lines (the red banner that used to cover the top of the map)."""


def _alert(app: Any, w: Writer, rows: list[tuple[str, str | None]], bold_all: bool = False) -> None:
    """`rows` (text, own unit id to select on a click or None) in white on a red plate across the panel; the
    first row is the heading (`bold_all`: every row is one, each its own line of causes)."""
    t = app.ui_text
    pad = 3

    def look(k: int) -> tuple[bool, int]:
        head = bold_all or k == 0
        return head, 0 if head else 8

    if not w.measure and w.limit is not None and w.y + pad + t.line_height(12) > w.limit:
        return  # (not even its first row fits: no empty red plate)
    probe = Writer(app, w.surf, w.rect, measure=True)
    probe.y = w.y + pad
    for k, (text, _) in enumerate(rows):
        bold, indent = look(k)
        probe.line(text, px=12, bold=bold, indent=indent)
    height = probe.y - w.y + pad
    if not w.measure:
        room = height if w.limit is None else max(0, min(height, w.limit - w.y))
        pygame.draw.rect(w.surf, ALERT_BG, (w.x - 5, w.y, w.w + 10, room), border_radius=4)
    w.y += pad
    for k, (text, uid) in enumerate(rows):
        bold, indent = look(k)
        r = w.line(text, (255, 255, 255), px=12, bold=bold, indent=indent)
        if uid is not None and w.shown_whole(r):
            app.click_regions.append((r, (lambda uid=uid: app.select(uid))))
    w.y += pad + t.line_height(12) // 4


def _objective(app: Any, w: Writer, brief: bool = False) -> None:
    """How the objective stands; `brief`: in fewer words and smaller (one line at 1280x800, --ui-scale 2)."""
    st = app.state
    v = app.view
    p = app.palette
    scen = st.scenario
    obj_hexes = list(app.renderer.objective)
    held = sum(1 for i in obj_hexes if v.control[i] == 0)
    vic = scen.victory
    road = "CUT" if st.road_cut else "open"
    note = road_note(app)
    if brief:
        short = f" ({note[1]})" if note else ""
        w.line(f"Objective {vic.objective}: attacker {held}/{len(obj_hexes)}, road {road}{short}", p.accent, px=12)
    else:
        w.line(f"Objective {vic.objective}: attacker holds {held}/{len(obj_hexes)} hexes; road {road}", p.accent)
        if note:
            w.line(f"  road {road} — {note[0]}", p.accent, px=12)
        if held == len(obj_hexes) and obj_hexes and st.outcome is None:
            w.line(f"  {all_held_note(app)}", p.accent, px=12)
    w.rule()


def all_held_note(app: Any) -> str:
    """Why a game whose objective the attacker holds whole goes on, and what ends it (a new player, the defender,
    played six empty turns after the town fell, told nothing): the defender units within the contest radius, as the
    viewing side knows them (its own; the enemy's it has in view)."""
    from engine.units import ATTACKER

    st = app.state
    vic = st.scenario.victory
    last = f"after turn {st.scenario.turns}"
    if not vic.sudden_death:
        return f"all held: the attacker wins {last} if it still holds them"
    r = vic.contest_radius
    near = f"within {r} {'hex' if r == 1 else 'hexes'}"
    dist = st.map.objective_distance
    if app.view_side == ATTACKER:
        known = [c for c in app.view.contacts if st.scenario.unit_table[c.type].domain == "ground" and dist[c.idx] <= r]
        return f"all held: you win at a turn's end with no defender {near} ({len(known)} known there), or {last}"
    mine = [u for u in app.view.own if u.active and not u.offmap and st.utype(u).domain == "ground"
            and dist[u.idx] <= r]
    if mine:
        return (f"all held: {len(mine)} unit{'s' if len(mine) > 1 else ''} of yours {near} stop the attacker winning "
                f"now; retake a hex, or it wins {last}")
    return (f"all held, none of yours {near}: the attacker wins at this turn's end unless you retake a hex or "
            f"bring a unit {near}")


def road_note(app: Any) -> tuple[str, str] | None:
    """(the words, a short form) when the attacker's own units stand where the watched road's state will change:
    the rule (`engine.rules._check_road`, `engine.supply.road_open`) judges the road only at the end of each
    half-turn, blocked where attacker units stand on road hexes so that no road (any may serve as a detour) joins
    its two ends; the panel said "road open" with the player's unit standing on it. Fog-safe: only the attacker's
    own units, for the attacker's player; the defender is told nothing it could not know. None: nothing to add."""
    from engine.supply import road_open_between
    from engine.units import ATTACKER

    st = app.state
    rw = st.scenario.victory.road_watch
    if rw is None or app.view_side != ATTACKER or st.outcome is not None:
        return None
    gmap = st.map
    start, end = gmap.idx(rw.start), gmap.idx(rw.end)
    mine = st.hexes_of(ATTACKER)  # (the player's own ground units: what the rule counts)
    route = set(gmap.road_route(start, end))  # (the watched road itself, not every track on the map)
    on_road = sorted(i for i in mine if i in route)
    would_open, _, where = road_open_between(gmap, start, end, mine)
    if not st.road_cut and not would_open:
        at = gmap.describe(where if where >= 0 else on_road[0])
        return (f"your unit on it at {at}: the cut is judged at the end of this half-turn; the road is cut then if "
                "your units still block it (no road round them)", f"cut at half-turn end if you hold {at}")
    if not st.road_cut and on_road:
        at = gmap.describe(on_road[0])
        return (f"your unit on it at {at}, but other roads still join its ends: it is cut only where no road "
                "gets round your units", "a detour stays open")
    if st.road_cut and would_open:
        return ("your units no longer block it: it reopens at the end of this half-turn unless they block it "
                "again (the road is judged then)", "reopens at half-turn end")
    return None


def condensed(lines: list[str]) -> list[str]:
    """A preview in fewer lines for a panel too short for it: each fire's modifiers (the lines indented four
    spaces) in brackets after its firepower, its expected losses after its chance per shot.

    >>> for s in condensed(["Fire: a → b", "  firepower 3 − protection 1", "    night: -1", "    uphill: -1",
    ...                     "  net +0 → 10% × 1", "  expected losses 0.10", "Click"]):
    ...     print(s)
    Fire: a → b
      firepower 3 − protection 1 [night: -1, uphill: -1]
      net +0 → 10% × 1; expected losses 0.10
    Click
    >>> condensed(["  What can happen:", "    destroyed: 5%", "    repulsed: 95%"])
    ['  What can happen:', '    destroyed: 5%', '    repulsed: 95%']
    """
    out: list[str] = []
    mods: list[str] = []
    for s in map(_tighter, lines):
        if s.startswith("    ") and out and out[-1].startswith("  firepower "):  # (an assault's outcomes, also
            mods.append(s.strip())  # indented, stay lines of their own)
            continue
        if mods:
            out[-1] += f" [{', '.join(mods)}]"
            mods = []
        if s.startswith("  expected losses") and out and out[-1].startswith("  net "):
            out[-1] += f"; {s.strip()}"
        else:
            out.append(s)
    if mods:
        out[-1] += f" [{', '.join(mods)}]"
    return out


TIGHTER = ((re.compile(r"^(Your fire): .+? (→ .+)$"), r"\1 \2"),
           (re.compile(r"^Return fire of (.+): \1 → .+$"), r"Return fire of \1 → your unit"),
           (re.compile(r"^Chance per shot: (\S+) \+ (\S+) per net point, never below (\S+) \(the floor\) or above "
                       r"(\S+) \(the ceiling\)$"), r"Per shot: \1 + \2/net point; floor \3, ceiling \4"),
           (re.compile(r"^Click the target again or press Enter to confirm; Esc cancels\.$"),
            "Click the target again or Enter: confirm; Esc: cancel"))
"""A preview's lines in fewer words for a panel too short for them (`condensed`): the firing unit the header
names already, the return fire's target (the unit assaulting), the hit-chance rule and the confirm line short."""


def _tighter(s: str) -> str:
    """One preview line as `TIGHTER` shortens it.

    >>> _tighter("Return fire of enemy Infantry (b): enemy Infantry (b) → Special Forces (a)")
    'Return fire of enemy Infantry (b) → your unit'
    >>> _tighter("Your fire: Special Forces (a) → enemy Infantry (b)")
    'Your fire → enemy Infantry (b)'
    >>> _tighter("Chance per shot: 10% + 10% per net point, never below 2% (the floor) or above 90% (the ceiling)")
    'Per shot: 10% + 10%/net point; floor 2%, ceiling 90%'
    """
    for pat, rep in TIGHTER:
        s = pat.sub(rep, s)
    return s


def _details(app: Any, w: Writer, hover: bool = True, hint: bool = True, condense: bool = False,
             short: bool = False) -> None:
    """An order's preview (`condense`: in fewer lines), the selected unit or (if `hint`) the phase's hint
    (`short`: its short form), then (if `hover`) the hovered hex."""
    st = app.state
    p = app.palette
    if app.pending is not None:
        for s in condensed(app.pending[1]) if condense else app.pending[1]:
            bad = s.startswith("NOT") or s.startswith("NO ")
            w.line(s, p.bad if bad else p.panel_fg, px=12)
        w.rule()
    elif app.selected and not app.omniscient and (other := sandbox.panel_lines(app, app.selected)) is not None:
        # the other side's unit, picked for a sandbox placement: what the screen may show of it (its name, cohesion
        # and supply were shown, a fog leak without --see-all), and how to place it. With --see-all the unit's whole
        # panel, as for an own unit (an ambush party's readiness is what the class watches)
        title, lines = other
        w.line(title, p.side[st.unit(app.selected).side], bold=True)
        for s in lines:
            w.line(s, px=12)
        w.rule()
    elif app.selected:
        u = st.unit(app.selected)
        ut = st.utype(u)
        w.line(f"{u.name} — {ut.label}", p.side[u.side], bold=True)
        flags = [f"strength {u.strength}/{ut.max_steps}", f"cohesion {u.cohesion}",
                 f"{ut.air_role} aircraft" if ut.domain == "air" else
                 (f"off-map guns, range {ut.range_hexes}" if u.offmap else f"{ut.mobility} {ut.move_points:g} MP")]
        if u.offmap and ut.indirect:  # its range is counted from a hex on the map: say which, the map marks it
            flags.insert(3, f"fires from {where(st.map, u.idx)} (marked on the map)")
        if ut.indirect and not u.offmap:  # (the ring was named only in the help: a player)
            flags.append(f"range {ut.range_hexes} hexes" + (" (the dashed cyan ring)" if u.side == app.view_side
                                                             else ""))
        if ut.ad_range_hexes > 0 and not ut.indirect:  # (its cover was nowhere on the screen: a player)
            flags.append(air_defence_words(st.scenario, ut, u.cohesion, own=u.side == app.view_side))
        if u.moved:
            flags.append("moved")
        if u.fired:  # (an Orlan's recon sortie read "fought/fired")
            flags.append("sortie flown" if ut.domain == "air" else "fired" if ut.indirect else "fought/fired")
        if u.hidden:
            flags.append("HIDDEN")
        if not u.supplied:
            why = supply_reason(app, u.id)
            flags.append(f"OUT OF SUPPLY: {why}" if why else "OUT OF SUPPLY")
        ambush = ambush_words(app, u, ut)
        if ambush:
            flags.append(ambush)
        w.line(", ".join(flags), px=12)
        w.line(unit_hint(app, u, ut), p.panel_dim, px=12)
        goal = goto_orders.goal_of(st, u.id) if u.side == app.view_side else None
        if goal is not None:
            w.line(f"{goto_orders.plan_words(app, u.id, goal)}; Backspace cancels", goto_orders.ROUTE, px=12)
        w.rule()
    elif app.my_turn() and hint:  # (in the accent colour: the one line that says what to do now)
        w.line(phase_hint(app, short), p.accent, px=12)
        w.rule()
    # hovered hex
    if app.hover is not None and hover:
        w.whole, w.stopped = True, False  # (each of its lines whole or not at all: none cut mid-phrase)
        hover_info(app, w, app.hover)
        w.whole = False
        w.rule()


def air_defence_words(scen: Any, ut: Any, cohesion: int, own: bool = True) -> str:
    """An air-defence unit's cover in its line of flags: the engine's rule (`engine.rules._ad_engagements`), in
    the scenario's numbers.

    >>> from types import SimpleNamespace as N
    >>> air_defence_words(N(combat=N(ad_broken_kill_factor=0.5)), N(ad_range_hexes=4, ad_kill_p=0.15), 3)
    'air defence: engages every enemy drone sortie within 4 hexes (the violet ring), 15% to down it'
    >>> air_defence_words(N(combat=N(ad_broken_kill_factor=0.5)), N(ad_range_hexes=4, ad_kill_p=0.15), 0, own=False)
    'air defence: engages every enemy drone sortie within 4 hexes, 7.5% to down it (broken: x0.5)'
    """
    p = ut.ad_kill_p * (scen.combat.ad_broken_kill_factor if cohesion <= 0 else 1.0)
    broken = f" (broken: x{scen.combat.ad_broken_kill_factor:g})" if cohesion <= 0 else ""
    return (f"air defence: engages every enemy drone sortie within {ut.ad_range_hexes} hexes"
            f"{' (the violet ring)' if own else ''}, {p * 100:g}% to down it{broken}")


def ambush_words(app: Any, u: Any, ut: Any) -> str | None:
    """Whether an own unit that can set ambushes could fire from one now, for its line of flags (the engine's rule,
    `engine.rules.ambush_refusal`, in its short form: the hover of its hex below needs the room); an enemy's too
    when the screen shows both sides (`--see-all`: the ambush lesson has a class watch where the parties wait); None
    for another unit, or an enemy's otherwise (its readiness is its side's secret)."""
    if not ut.can_ambush or u.offmap or u.strength <= 0:
        return None
    if u.side != app.view_side and not getattr(app, "omniscient", False):
        return None
    why = ambush_refusal(app.state, u)
    if why is None:
        gm = app.state.map
        return f"AMBUSH READY ({gm.terrain_at(u.idx).name} +{int(gm.ambush[u.idx])}{vehicle_ambush_words(gm, u.idx)})"
    return f"no ambush: {why.split(' (')[0]}"


def vehicle_ambush_words(gm: Any, idx: int) -> str:
    """The ambush's extra bonus against a vehicle, which depends on the hex it enters next to the party at `idx`
    (`engine.combat`'s "vehicles blind in <terrain>": the concealment of the vehicle's hex, from the terrain table),
    as "; +2 more vs vehicles in ravine or forest, +1 in hills" ("" if no hex around gives one): the flag said the
    party's own bonus alone, though against a vehicle the ambush fires with both."""
    by: dict[int, list[str]] = {}
    for i in gm.nbr_list[idx]:
        c = int(gm.concealment[i])
        name = gm.terrain_at(i).name
        if c > 0 and name not in by.setdefault(c, []):
            by[c].append(name)
    groups = [(c, by[c]) for c in sorted(by, reverse=True) if by[c]]
    if not groups:
        return ""
    said = [f"+{c}{' more vs vehicles' if k == 0 else ''} in {' or '.join(names)}"
            for k, (c, names) in enumerate(groups)]
    return "; " + ", ".join(said)


def where(gm: Any, idx: int, near: int = 6) -> str:
    """A hex in words: "(0,26) near Lachin, W map edge" - its place name, or else the nearest named town or
    village within `near` hexes, and the map edge it is on (off-map guns fire from one)."""
    out = gm.describe(idx)
    if gm.place_name(idx) is None:
        close = min(((gm.distance(idx, i), name) for name, kind, i in gm.places if kind in ("town", "village")),
                    default=None)
        if close is not None and close[0] <= near:
            out += f" near {close[1]}"
    c, r = gm.hex_of(idx)
    edges = [e for e, on in (("W", c == 0), ("E", c == gm.cols - 1), ("N", r == 0), ("S", r == gm.rows - 1)) if on]
    if edges:
        out += f", {'/'.join(edges)} map edge"
    return out


def lesson_window_name(scen: Any) -> str:
    """What the L window is called: a teaching scenario's "lesson", another scenario's "briefing"."""
    return "lesson" if scen.meta.lesson else "briefing"


CLOSE_LINE = "L or Esc closes this window; L opens it again. H lists the keys."
"""The lesson window's last line."""


CODE_FONT = "wg_code"
"""The lesson window's face for commands and data paths (`code_html`): pygame_gui's own Fira Code, a monospace
whose dots read ("sides.defender.supply_sources" read "defendersupply" in Noto Sans: the dot tucks under the r).
Registered with the UI manager in `ui.gui.Gui`."""

def code_spans(text: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_code) at its backticks, as in Markdown: what a lesson's author marked as a command,
    an option, a data path or a file name (`` `wargame run x.json --seed 1` ``) is code, the rest prose; the
    backticks themselves are not shown. An unmatched last backtick stays in the prose as written (a typo in a
    user's lesson shows, and swallows nothing); an empty pair is dropped.

    >>> code_spans("try `--set 'a.b=[1, 2]'`: then `wargame run x.json --seed 1`   (gorge).")
    [('try ', False), ("--set 'a.b=[1, 2]'", True), (': then ', False), ('wargame run x.json --seed 1', True), \
('   (gorge).', False)]
    >>> code_spans("The cliff (x1.25, 1.88 MP) and e.g. wargame")
    [('The cliff (x1.25, 1.88 MP) and e.g. wargame', False)]
    >>> code_spans("a `b` c `d and e")
    [('a ', False), ('b', True), (' c `d and e', False)]
    """
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: the last one opens nothing
        parts[-2:] = [parts[-2] + "`" + parts[-1]]
    return [(piece, k % 2 == 1) for k, piece in enumerate(parts) if piece]


def code_html(text: str, italic: bool = False) -> str:
    """`text` escaped for pygame_gui's HTML, its backticked spans (`code_spans`) in `CODE_FONT`, upright
    (`italic`: the text around them is in italics)."""
    import html

    out = []
    for piece, code in code_spans(text):
        e = html.escape(piece)
        out.append((f"</i><font face={CODE_FONT}>{e}</font><i>" if italic else f"<font face={CODE_FONT}>{e}</font>")
                   if code else e)
    return "".join(out)


def lesson_html(scen: Any, scale: float = 1.0) -> str:
    """The L window's text (pygame_gui HTML subset): a teaching scenario's `meta.lesson`, then how the game is
    won (`rules.victory_conditions`); else the scenario's `meta.briefing` (or its description) with how to win
    after its first paragraph, where a new player sees it without scrolling. `scale`: the UI's text scale."""
    import html

    from engine.rules import victory_conditions
    from ui.gui import heading, log_font_px

    paras = scen.meta.lesson or scen.meta.briefing or [scen.meta.description]
    # the command lines are for the teacher at the keyboard, not the class: after what to watch, set apart, in
    # the smaller print of the log, with the closing line under them (no blank line): at the default UI scale
    # of a 1600x1000 window (1.25) a lesson's last lines scrolled out of its window
    small = f"<font pixel_size={log_font_px(scale)}>"
    commands = [p for p in paras if p.startswith("Commands:")]
    shown = [code_html(p) for p in paras if p not in commands]
    shown.insert(len(shown) if scen.meta.lesson else 1, f"<b>{html.escape(victory_conditions(scen))}</b>")
    shown += [f"{small}<i>For the teacher - {code_html(p, italic=True)}</i></font>" for p in commands]
    body = "<br><br>".join(p for p in shown if p)
    gap = "<br>" if commands else "<br><br>"  # (under the teacher's small print; else set apart from the text)
    return (f"{heading(html.escape(scen.meta.name), scale)}<br><br>{body}{gap}"
            f"{small}<i>{CLOSE_LINE}</i></font>")


def recon_mark_hint(app: Any) -> str:
    """" Enemy last seen at (29,19) on turn 5: a recon sortie over it may find it for your guns." in an air phase
    with a recon drone able to fly and a last-seen mark of this or the last turn (a new player learned only from the
    artillery phase's skip, the drone flown elsewhere, that a mark cannot be fired on unless a drone covers it)."""
    st = app.state
    table = st.scenario.unit_table
    drones = [st.unit(uid) for uid in app.able_units() if table[st.unit(uid).type].air_role == "recon"]
    if not drones:
        return ""
    gm = st.map  # (a mark no able recon drone reaches is no hint: its sortie radius from its base)
    fresh = [m for m in app.view.last_seen if m.turn >= st.turn - 1 and not m.left
             and any(gm.distance(d.idx, m.idx) <= table[d.type].sortie_radius_hexes for d in drones)]
    if not fresh:
        return ""
    m = max(fresh, key=lambda m: (m.turn, -m.idx))
    more = f" (and {len(fresh) - 1} more)" if len(fresh) > 1 else ""
    return (f" Enemy last seen at {where(st.map, m.idx)} on turn {m.turn}{more}: a recon sortie over it may find it "
            "for your guns.")


def phase_hint(app: Any, short: bool = False) -> str:
    """What a new player can do now (no unit selected); `short`: in a line or two, for a short panel."""
    ph = app.state.phase
    if ph in ("air", "artillery"):  # (a lesson with no aircraft said "click an aircraft's line above")
        if not (app.own_aircraft() if ph == "air" else app.own_guns()):  # (as the autoskip's reason says it)
            what = "aircraft" if ph == "air" else "artillery"
            return f"{'' if short else 'Your '}{ph.upper()} phase: you have no {what}. Space ends the phase."
        if ph == "air" and app.weather_keys_may_fly() and not app.able_units():
            return (f"{'' if short else 'Your '}AIR phase: the weather grounds your aircraft. Sandbox: F5-F8 set the "
                    "weather (F6 clear sky), then fly them. Space ends the phase.")
    if short:
        return {"air": "AIR phase: click an aircraft's line above (or Tab), then a hex. Space ends the phase.",
                "artillery": "ARTILLERY phase: select a gun (Tab), then click a spotted enemy. Space ends it.",
                "movement": "MOVEMENT phase: click one of your counters, then a lit hex. Space ends the phase.",
                "assault": "ASSAULT phase: select a unit next to a known enemy, click the enemy. Space ends it."
                }[app.state.phase]
    return {"air": "Your AIR phase: click an aircraft's line above (or press Tab) to select it, then click a hex. "
                   "Recon drones find enemies; armed drones strike enemies already spotted. Space ends the phase."
                   + (recon_mark_hint(app) if ph == "air" else ""),
            "artillery": "Your ARTILLERY phase: select a gun (Tab), then click an enemy one of your units or a "
                         "recon drone can see. Space ends the phase.",
            "movement": "Your MOVEMENT phase: click one of your counters; reachable hexes light up with their "
                        "cost in move points; Shift+click a far hex and it marches there by itself, turn after "
                        "turn. Space ends the phase.",
            "assault": "Your ASSAULT phase: select a unit next to a known enemy and click the enemy to see the "
                       "odds. Space ends the phase."}[app.state.phase]


def unit_hint(app: Any, u: Any, ut: Any) -> str:
    ph = app.state.phase
    if app.state.outcome is not None:
        return "The game is over."
    if not app.my_turn():
        return "It is not your turn."
    if u.fired and ph in ("air", "artillery", "assault"):
        return (f"{app.names.name(u.id)} has already acted this turn (fired, flown or fought); select another unit "
                "or end the phase.")
    if u.moved and ph == "movement":
        return f"{app.names.name(u.id)} has already moved this turn; select another unit or end the phase."
    if ut.domain == "air":
        if ph != "air":
            return "Aircraft act in the air phase."
        if app.view.grounded.get(u.id):
            return "Grounded by the weather this turn (see Weather & aircraft above)."
        # (the dashed line round the drone's base was drawn, never named: a new player)
        reach = f"within {ut.sortie_radius_hexes} hexes of its base (the dashed line)"
        if ut.air_role == "recon":
            return f"Click any hex {reach}: a recon sortie spots the enemies around it (for artillery and drones)."
        return (f"Click an enemy counter ringed orange, {reach}, to preview a strike." if app.targets() else
                "No enemy it can strike is known (none in sight? fly a recon drone first).")
    if ph == "movement" and u.offmap:
        return (f"Off-map guns do not move on the map; they fire in the artillery phase from "
                f"{where(app.state.map, u.idx)}.")
    if ph == "movement":
        base = ("Click a highlighted hex to move (numbers = move-point cost); Shift+click a far hex: it marches "
                "there over the turns; Ctrl+Z undoes a move.")
        reveals = app.move_reveals()
        if not reveals:
            return base
        why = set(reveals.values())
        if None not in why:  # (one reason for all, e.g. "only infiltrating units move unseen")
            said = next(iter(why)) if len(why) == 1 else "hover a hex for why"
            return f"HIDDEN now; any move will reveal it: {said}. {base}"
        if len(why) == 1:
            return f"HIDDEN: it stays hidden wherever it moves (the green-ringed hexes), {UNSEEN_CAVEAT}. {base}"
        return (f"HIDDEN: it stays hidden moving to the green-ringed hexes ({UNSEEN_CAVEAT}); elsewhere the move "
                f"reveals it. {base}")
    if ph == "assault":
        if app.targets():
            return "Click an enemy counter ringed orange to preview an assault and its odds."
        if u.cohesion <= 0:
            return "Broken (cohesion 0): it cannot assault until it rallies (a point a turn, in supply)."
        if not ut.can_assault or ut.indirect:
            return f"{ut.label} do not assault; they fight back when assaulted."
        return "No known enemy next to it that it can assault."
    if ph == "artillery":
        if not ut.indirect:
            return "Only artillery fires in this phase; Space ends it."
        from ui.suspected_fire import battery_hint  # (a ringed last-seen mark: fire on a suspected position)

        return battery_hint(app) or (
            "Click an enemy ringed orange (spotted, in range) to preview a fire mission." if app.targets() else
            "No spotted enemy in its range: a recon drone or a unit in sight of the enemy spots for it.")
    return "Ground units do not act in the air phase; Space ends it."


def weather_words(wx: Any, app: Any = None) -> str:
    """The weather in one line, led by "Sandbox weather" when it is a sandbox setting held from turn to turn
    (`GameState.weather_held`), not the scenario's."""
    fog = "no fog" if wx.fog == "none" else f"{wx.fog} fog"
    pr = "dry" if wx.precipitation == "none" else wx.precipitation
    held = "Sandbox weather: c" if app is not None and app.state.weather_held is not None else "C"
    return f"{held}loud base {wx.ceiling_m:.0f} m, visibility {wx.visibility_km:g} km, {fog}, {pr}"


def _needs(ut: Any, verb: str = "needs") -> str:
    fog = {"patchy": ", no fog", "thick": ", no thick fog"}.get(ut.grounded_by_fog, "")
    return f"{verb} cloud base {ut.min_ceiling_m:.0f} m, visibility {ut.min_visibility_km:g} km{fog}"


def flight_words(app: Any, u: Any, now: str) -> str:
    """How aircraft `u`, not grounded, is listed: `now` in its side's air phase; "CAN FLY in this turn's air
    phase" while its side's half-turn is still to come (its `fired` mark is then the last turn's: the defender's
    drone "has flown this turn" during the attacker's half); else whether it flew. The panel said "CAN FLY (click
    or Tab to select)" in the artillery phase, when Tab selects guns and no drone may fly until the next turn."""
    st = app.state
    if st.outcome is None and st.side < u.side:
        return LATER
    if u.fired:
        return FLOWN
    if st.outcome is None and st.phase == "air" and st.side == u.side:
        return now
    return DID_NOT_FLY


LATER = "CAN FLY in this turn's air phase"
FLOWN = "has flown this turn"
DID_NOT_FLY = "could fly, not flown this turn"
"""A drone that could have flown in its side's air phase, now over (`flight_words`). ("did not fly this turn",
followed by its weather limits, read as if the weather had grounded it: an attacker playtest.)"""


def air_lines(app: Any, needs: bool = True) -> list[tuple[str, tuple[int, int, int], str | None]]:
    """Which aircraft fly this turn and why not: own units from the engine's grounding (`view.grounded`, the
    AirStatus reasons); enemy aircraft *types* of the scenario judged against the public weather with the
    engine's own `flight_check`. (text, colour, own unit id to select or None; an own one says a click selects
    it). `needs`: each own drone's weather limits too. In a `sideless` view every side's aircraft, named by side.
    """
    st = app.state
    p = app.palette
    table = st.scenario.unit_table
    out: list[tuple[str, tuple[int, int, int], str | None]] = []
    units, grounded = panel_units(app)
    own = [u for u in units if u.active and table[u.type].domain == "air"]
    for u in own:
        ut = table[u.type]
        g = grounded.get(u.id)
        name = side_word(app, u) + app.names.name(u.id, typed=True)
        if ut.expendable:  # (an attacker player's Harop was gone by turn 4, its count seen only after each strike)
            name += f", {u.strength} munition{'' if u.strength == 1 else 's'} left"
        mark = "▶ " if u.id == app.selected else ""
        limits = f" ({_needs(ut)})" if needs else ""
        if g:
            out.append((f"{mark}{name}: GROUNDED - {g}{limits}", p.bad, u.id))
        else:
            done = flight_words(app, u, can_fly_words(app, short=False))
            out.append((f"{mark}{name}: {done}{limits}", p.panel_dim if done == DID_NOT_FLY else p.good, u.id))
    for u in units:  # (then it left the list without a word)
        if u.arrived and u.strength <= 0 and table[u.type].domain == "air" and table[u.type].expendable:
            out.append((f"{side_word(app, u)}{app.names.name(u.id, typed=True)}: no munitions left (all used, or "
                        "shot down)", p.panel_dim, None))
    from ui.overlays import enemy_air_types

    seen = [] if sideless(app) else enemy_air_types(st, app.view_side)  # (a view of both sides has no enemy)
    for label, why in seen:
        name = label.split(" (")[0]
        if why:
            out.append((f"Enemy {name}: grounded - {why}", p.panel_fg, None))
        else:
            out.append((f"Enemy {name}: can fly in this weather", p.panel_dim, None))
    if not own and not seen:
        out.append(("No aircraft in this scenario", p.panel_dim, None))
    return out


def grounded_rows(app: Any) -> list[tuple[str, str, str | None]]:
    """The aircraft grounded this turn, one row per aircraft type: (its type's label and its units by name
    (`ui.names`: "Armed drones - Bayraktar TB2 flight (az_tb2)"), the engine's reason for that type -
    the limits the weather breaks, e.g. "cloud base 400 m < 1200 m needed" - and the unit to select, or None
    for several). Own aircraft (`view.grounded`, the AirStatus reasons); in a view of both sides (`--see-all`, a
    replay of both sides), every side's, named by side."""
    table = app.state.scenario.unit_table
    omniscient = app.omniscient
    grounded = app.state.grounded if omniscient else app.view.grounded
    types: dict[str, tuple[str, list[str]]] = {}
    for u in app.state.units:
        g = grounded.get(u.id)
        if u.active and g and table[u.type].domain == "air":
            types.setdefault(u.type, (g, []))[1].append(u.id)
    side_of = {u.type: SIDES[u.side] for u in app.state.units}
    nm = app.names
    out = []
    for t, (why, ids) in types.items():
        name = (f"{side_of[t]}'s " if omniscient else "") + table[t].label.split(" (")[0]
        out.append((f"{name} - {', '.join(nm.name(u) for u in ids)}", why, ids[0] if len(ids) == 1 else None))
    return out


UNSEEN_CAVEAT = "unless it meets an enemy you have not seen"
"""Why "stays hidden" is never certain: the engine reveals a mover next to any enemy, hidden ones included, and
`SideView.move_reveal` can judge only by the enemies the side knows."""
AFTER_CAVEAT = "then hidden until the enemy spots it or it fires"
"""What "stays hidden" does not promise: `SideView.move_reveal` judges the move alone; a unit that moved unseen
is still found by the enemy's observers and recon drones (`UnitRevealed` "spotted by", "detected by") or gives
itself away by firing ("fired from ambush", "its fire gives the battery away")."""


def move_tag(cost: float, why: str | None, near: Sequence[str] = ()) -> list[str]:
    """The tag at the end of a hovered move's path: its cost, then for a hidden unit whether the move reveals it
    (`why`: the engine's reason, `SideView.move_reveal`; None: it stays hidden; "": the unit is not hidden).
    "Stays hidden" always comes with its conditions, never alone. `near`: the known enemies the move ends or
    passes next to (`near_tag`), each a line after.

    >>> move_tag(2.5, "")
    ['2.5 MP']
    >>> move_tag(3, None)  # doctest: +NORMALIZE_WHITESPACE
    ['3 MP - stays hidden', 'unless it meets an enemy you have not seen;',
     'then hidden until the enemy spots it or it fires']
    >>> move_tag(1, "only infiltrating units move unseen (Special forces)")
    ['1 MP - reveals it', 'only infiltrating units move unseen (Special forces)']
    >>> move_tag(2, "", ["next to enemy Tanks: will be in contact"])
    ['2 MP', 'next to enemy Tanks: will be in contact']
    """
    head = f"{cost:g} MP"
    if why is None:
        out = [f"{head} - stays hidden", f"{UNSEEN_CAVEAT};", AFTER_CAVEAT]
    elif why:
        out = [f"{head} - reveals it", why]
    else:
        out = [head]
    return out + list(near)


def path_tag_plate(text: Any, rows: list[str], width: int, p: Any) -> pygame.Surface:
    """The hovered move's tag (`move_tag`) on an opaque dark plate, in the panel's typeface (the map's small bold
    face drew "reveals i t"): the cost in reach-yellow, a warning of enemies near in red, the rest light. Opaque,
    and drawn above the counters, so it reads over an enemy counter it may cross."""
    lines: list[tuple[str, int, tuple[int, int, int], bool]] = []
    for k, row in enumerate(rows):
        px = 13 if k == 0 else 11
        col = p.reach if k == 0 else NEAR_WARN if NEAR_ROW.match(row) else (235, 235, 235)
        lines += [(part, px, col, k == 0) for part in text.wrap(row, px, width, k == 0)]
    imgs = [text.render(s, px, col, bold=b) for s, px, col, b in lines]
    w = max(i.get_width() for i in imgs) + 8
    h = sum(i.get_height() for i in imgs) + 4
    plate = pygame.Surface((w, h), pygame.SRCALPHA)
    pygame.draw.rect(plate, (15, 15, 20, 235), plate.get_rect(), border_radius=4)
    pygame.draw.rect(plate, (200, 200, 200, 255), plate.get_rect(), 1, border_radius=4)
    y = 2
    for img in imgs:
        plate.blit(img, (4, y))
        y += img.get_height()
    return plate


NEAR_WARN = (255, 120, 100)
"""The map tag's enemy warnings (`near_tag`): red, readable on the tag's dark plate."""
NEAR_ROW = re.compile(r"(next to (\d+ )?enemy |(\d+ )?enemy |and \d+ more enemies)")
"""A row of `near_tag` (a review: "next to 2 enemy Tanks", merged by `near_tag`, was drawn light, not red)."""


def clear_spot(spots: list[pygame.Rect], area: pygame.Rect, avoid: Sequence[pygame.Rect]) -> pygame.Rect:
    """The first of `spots` on the map (`area`) that meets none of `avoid` (counters, place names), else the one
    on the map that meets the fewest (a move tag sat on an enemy counter: "5.5 MP")."""
    on_map = [r for r in spots if area.contains(r)] or [spots[0].clamp(area)]
    return min(on_map, key=lambda r: len(r.collidelistall(list(avoid))))


NEAR_TAG_MAX = 2
"""Enemy warnings at most on the map's move tag (the panel lists them all)."""


def near_key(app: Any, idx: int) -> tuple[Any, ...]:
    """What `enemies_near` depends on: the hovered hex, the game state's point, the viewing side (its contacts and
    last-seen marks), the selected unit and whether it may move now (its reachable hexes and path)."""
    st = app.state
    mine = app.my_turn() if hasattr(app, "my_turn") else None
    return (idx, id(st), st.version, len(st.orders), st.phase, getattr(app, "view_side", None),
            getattr(app, "selected", None), mine, getattr(app, "choosing", False), getattr(app, "omniscient", False))


def enemies_near(app: Any, idx: int) -> list[tuple[str, str]]:
    """`find_enemies_near`, worked out once per hovered hex and game state, not per caller: the side panel and the
    map's move tag both ask in every frame (`near_key`)."""
    key = near_key(app, idx)
    memo = getattr(app, "_near_memo", None)
    if memo is None or memo[0] != key:
        memo = (key, find_enemies_near(app, idx))
        try:
            app._near_memo = memo
        except AttributeError:  # (a stand-in app with slots: no memo)
            pass
    return list(memo[1])


def find_enemies_near(app: Any, idx: int) -> list[tuple[str, str]]:
    """(map tag words, panel words) for each enemy the side knows of that the hovered move to `idx` passes or ends
    next to: a unit seen now next to `idx` (the move ends in contact) and a last-seen mark next to any hex of the
    path or on it (it may still be there, hidden: then it may ambush). Only the side's knowledge (`SideView`
    contacts and `last_seen`), never a hidden unit; the ambush condition is the unit table's `can_ambush` and the
    terrain's `ambush` at the mark, the engine's own data (a player's unit was ambushed and destroyed next to a
    mark the move preview did not mention)."""
    if getattr(app, "choosing", False) or getattr(app, "omniscient", False):
        return []
    st = app.state
    gm = st.map
    table = st.scenario.unit_table
    nm = app.names
    path = app.path_to(idx) or [idx]
    steps = path[1:] or [idx]
    around = set(gm.nbr_list[idx]) - {-1}
    on_path = set(steps)
    beside = {int(j) for i in steps for j in gm.nbr_list[i] if j >= 0} - on_path
    out: list[tuple[str, str]] = []
    for cv in sorted(app.view.contacts, key=lambda c: c.id):
        if cv.idx in around:
            kind = type_label(table, cv.type)
            out.append((f"next to enemy {kind}: will be in contact",
                        f"next to {enemy_words(nm, cv.id)} (seen now): the move ends in contact with it"))
    for m in sorted(app.last_seen_markers(), key=lambda m: (-m.turn, m.id)):
        if m.idx not in on_path and m.idx not in beside:
            continue
        ut = table.get(m.type) if hasattr(table, "get") else table[m.type]
        kind = type_label(table, m.type)
        amb = int(gm.ambush_list[m.idx])
        where_ = "on the path" if m.idx in on_path else "next to the path" if m.idx not in around else "next to it"
        if m.idx in on_path:
            tag, risk = f"enemy {kind} last seen on the way T{m.turn}", "the move stops if it is still there"
        elif ut is not None and ut.can_ambush and amb > 0:
            tag = f"next to enemy {kind} last seen T{m.turn}: may be ambushed"
            risk = f"if it is still there, hidden, it may ambush (it can ambush; ambush {amb} at its hex)"
        else:
            tag = f"next to enemy {kind} last seen T{m.turn}: may be in contact"
            risk = "if it is still there, the move stops in contact with it"
        who = enemy_words(nm, m.id)
        out.append((tag, f"{who} last seen T{m.turn} at ({m.hex[0]},{m.hex[1]}), {where_}: {risk}"))
    return out


def near_tag(app: Any, idx: int) -> list[str]:
    """The map tag's lines of `enemies_near` (at most `NEAR_TAG_MAX`, then how many more)."""
    count: dict[str, int] = {}
    for t, _ in enemies_near(app, idx):  # (two units of a type in one line: "next to 2 enemy Special forces")
        count[t] = count.get(t, 0) + 1
    rows = [t.replace("enemy ", f"{n} enemy ", 1) if n > 1 else t for t, n in count.items()]
    if len(rows) > NEAR_TAG_MAX:
        rows = [*rows[:NEAR_TAG_MAX - 1], f"and {len(rows) - NEAR_TAG_MAX + 1} more enemies near (see panel)"]
    return rows


def hover_info(app: Any, w: Writer, idx: int) -> None:
    """The hovered hex, the lines a player needs first at the top (the panel's foot is cut off when the window
    is short): the move there and whether it gives the unit away, who is here or was last seen here, then the
    terrain's numbers and features."""
    st = app.state
    gm = st.map
    p = app.palette
    t = gm.terrain_at(idx)
    place = gm.place_name(idx)
    c, r = gm.hex_of(idx)
    w.line(f"Hex ({c},{r}){' ' + place if place else ''}: {t.name}, {gm.elevation[idx]:.0f} m", p.accent,
           bold=True)
    dest = app.destinations()
    if idx not in dest and app.selected and app.my_turn() and st.phase == "movement" and dest:
        w.line(goto_orders.hover_words(app, idx), goto_orders.ROUTE, px=12)
    nm = app.names
    if idx in dest:
        held = app.held_hex_words(idx)  # (a click there selects the units there)
        move = f"{held}; Ctrl+click moves here: {dest[idx][0]:g} MP" if held else f"Move here: {dest[idx][0]:g} MP"
        reveals = app.move_reveals()
        why = reveals.get(idx, "")
        who = nm.name(app.selected)
        if why:
            w.line(f"{move} - reveals {who}: {nm(why)}", p.bad, px=12)
        elif why is None:
            w.line(f"{move} - {who} stays hidden ({UNSEEN_CAVEAT}; {AFTER_CAVEAT})", p.good, px=12)
        else:
            w.line(move, p.good, px=12)
        for _tag, words in enemies_near(app, idx):  # (what it may meet: the ambushes the preview did not warn of)
            w.line(words, p.bad, px=12)
        sel = st.unit(app.selected)
        sut = st.utype(sel)
        if sut.indirect or not sut.can_assault:  # guns at the front: what the side knows of it
            typed = nm.name(sel.id, typed=True)  # (its type said when its name does not say it)
            if idx in app.view.contact_zone:
                w.line(f"next to known enemies: {typed} cannot assault; it can only be assaulted "
                       "there", p.bad, px=12)
            elif int(app.view.control[idx]) == 1 - sel.side:
                w.line(f"enemy-held ground: {typed} cannot assault, and enemies you have not seen "
                       "may be next to it", p.bad, px=12)
    table = st.scenario.unit_table
    here = []
    if sideless(app):  # (a replay of both sides: each unit here by side and name, no one's "ENEMY")
        on_hex = [u for u in st.units if u.idx == idx and u.active and not u.offmap
                  and table[u.type].domain == "ground"]
        for u in sorted(on_hex, key=lambda u: u.side):
            here.append(f"{SIDES[u.side]}'s {nm.name(u.id)} ({type_label(table, u.type)}, {u.strength}"
                        f"{', hidden' if u.hidden else ''})")
    else:
        for u in app.own_units_at(idx):
            name = f"{u.name} - " if u.name and u.name != u.id else ""
            why = supply_reason(app, u.id) if not u.supplied and table[u.type].domain == "ground" else None
            cut = f", out of supply: {why}" if why else ""
            here.append(f"{name}{u.id} ({type_label(table, u.type)}, {u.strength}{', hidden' if u.hidden else ''}"
                        f"{cut})")
    if app.omniscient and not sideless(app):  # (--see-all: every enemy unit here, hidden ones too, by name)
        for u in st.units:
            if u.side != app.view_side and u.idx == idx and u.active and not u.offmap \
                    and table[u.type].domain == "ground":
                here.append(f"ENEMY {nm.name(u.id)} ({type_label(table, u.type)}, {u.strength}"
                            f"{', hidden from your side' if u.hidden else ''})")
    elif not app.omniscient:  # the enemies the side knows of here (its contacts; a hidden one is not among them)
        for cv in app.contacts_at(idx):
            here.append(f"{enemy_words(nm, cv.id)}, strength {cv.strength}")
    if here:
        w.line("Here: " + "; ".join(here), px=12)
    from ui.suspected_fire import hover_lines  # (fire on a suspected position: the selected battery's odds there)

    for words, warn in hover_lines(app, idx):
        w.line(words, p.bad if warn else p.good, px=12)
    for m in app.last_seen_markers():
        if m.idx == idx:
            w.line(last_seen_words(table, m), p.panel_dim, px=12)
    for side in (0, 1):
        if gm.no_go[side][idx]:
            area = next((a.name for a in st.scenario.sides[SIDES[side]].no_go if a.contains(gm.hex_of(idx))), "")
            w.line(f"closed to the {SIDES[side]}: {area} (held outside this scenario)", p.bad, px=12)
    feats = []
    ctl = -1 if getattr(app, "choosing", False) else int(app.view.control[idx])  # (no side yet: no side's map)
    if ctl >= 0:
        feats.append(f"held by {SIDES[ctl]}")
    for name, kind, path in gm.roads:
        if idx in path:
            feats.append(f"{kind} road ({name})")
    if gm.river[idx].any():
        feats.append("river on edge")
    rules = st.scenario.combat
    if gm.cliff_down[idx].any():
        feats.append(f"cliff top (fires down {rules.cliff_down_modifier:+d})" if rules.cliff_down_modifier
                     else "cliff top")
    if gm.cliff_up[idx].any():
        feats.append(f"below a cliff (fires up {rules.cliff_up_modifier:+d})" if rules.cliff_up_modifier
                     else "below a cliff")
    if feats:
        w.line("; ".join(feats), px=12)
    w.line(f"defence {t.defence:+d}, concealment {t.concealment}, ambush {t.ambush}", px=12)
    def mp(v: float | None) -> str:
        return "—" if v is None else f"{v:g}"

    wet = st.weather.precipitation  # (the scenario's weather_movement factors, as the movement rules count them)
    costs = terrain_move_costs(st.scenario, gm.terrain_codes[gm.terrain[idx]], wet) if st.scenario.weather_move_table \
        else t.move_cost
    road = road_costs(gm, idx)
    for k, v in road.items():
        f = weather_factor(st.scenario, k, wet)
        if f is not None and v is not None:
            road[k] = v * f.road
    if road:  # one line, so a short panel cuts neither of the two (off the road, then along it)
        w.line("move cost (by road): " + ", ".join(f"{k} {mp(v)} ({mp(road.get(k))})" for k, v in costs.items()),
               px=12)
    else:
        w.line("move cost: " + ", ".join(f"{k} {mp(v)}" for k, v in costs.items()), px=12)
    if note := weather_move_note(st.scenario, wet):
        w.line(f"({note})", p.bad, px=12)


def road_costs(gm: Any, idx: int) -> dict[str, float | None]:
    """What entering hex `idx` along a road costs each mobility class (the cheapest road edge into it, from the
    map's edge costs `GameMap.edge_cost`, the costs the movement rules use; None: it cannot); empty when no road
    enters the hex."""
    from engine.hexgrid import opposite

    ins = [(int(gm.nbr[idx, d]), opposite(d)) for d in range(6) if gm.road_edge[idx, d] and gm.nbr[idx, d] >= 0]
    if not ins:
        return {}
    out: dict[str, float | None] = {}
    for mob, cost in gm.edge_cost.items():
        best = min(float(cost[j, back]) for j, back in ins)
        out[mob] = best if math.isfinite(best) else None
    return out


def enemy_words(names: Any, uid: str) -> str:
    """An enemy unit in the hover panel's "Here:" line: as `ui.names.Namer.name` gives it (its type's label and
    id, never its scenario name), "ENEMY" in capitals to stand out among one's own units.

    >>> from types import SimpleNamespace as N
    >>> enemy_words(N(name=lambda uid: f"enemy Tanks ({uid})"), "az_tank_1")
    'ENEMY Tanks (az_tank_1)'
    """
    s = names.name(uid)
    return "ENEMY" + s[len("enemy"):] if s.startswith("enemy ") else f"ENEMY {s}"


def type_label(table: Any, type_id: str) -> str:
    """A unit type as players read it: its label without the parenthesised detail ("Infantry"), not its id."""
    ut = table.get(type_id) if hasattr(table, "get") else None
    return ut.label.split(" (")[0] if ut is not None else type_id.replace("_", " ")


def supply_reasons(app: Any) -> dict[str, str]:
    """{own unit id: why it is out of supply} from the side's last supply report in its log (`SupplyReport`: the
    rule's own reason, said once at the turn's start): "too far from its supply sources (range 16)" or "cut off by
    enemy units or their zones of control". The western group was "OUT OF SUPPLY" from its arrival on and only the
    log said why. Fog-safe: the side's own report, from the events it may see. Cached per log length."""
    key = (id(app.state), len(app.state.log), app.view_side)
    got = getattr(app, "_supply_reasons", None)
    if got is not None and got[0] == key:
        return got[1]
    side = SIDES[app.view_side]
    out: dict[str, str] = {}
    for _, ev in reversed(app.visible_events()):
        if ev.kind == "SupplyReport" and ev.side == side:
            far = set(ev.beyond_range)
            for uid in ev.out_of_supply:
                out[uid] = (f"too far from its supply sources (range {ev.supply_range:g}, even with no enemy in the "
                            "way)" if uid in far else "cut off by enemy units or their zones of control")
            break
    app._supply_reasons = (key, out)
    return out


def supply_reason(app: Any, uid: str) -> str | None:
    """Why own unit `uid` is out of supply, as its side's last supply report says (None: not said)."""
    return supply_reasons(app).get(uid)


def last_seen_words(table: Any, m: Any, with_id: bool = True) -> str:
    """A last-seen mark in words (the hover panel, a click on its hex)."""
    who = f"{m.id}; " if with_id else ""
    if m.left:  # (seen leaving the hex, its move going on out of sight: `LastSeen.left`)
        return (f"Seen leaving here on turn {m.turn}: {table[m.type].label}, strength {m.strength} ({who}it went on "
                "out of sight: most likely not here now)")
    return (f"Last seen here on turn {m.turn}: {table[m.type].label}, strength {m.strength} ({who}it may have moved "
            "since)")


REPORT_HINT = "… V: the whole report"
"""How a cut enemy-turn summary ends on the status line: the report window (V, or a click on the bar) has it all."""
STATUS_HINT = "… V: the whole message"
"""How any other cut status line ends: the report window (V, or a click on the bar) shows the message in full (a
player found the rest of end-of-phase and go-to summaries only by reading the help)."""


def split_skip(status: str) -> tuple[str, str]:
    """(the status line's main text, the note of a phase skipped after it): the note gets a line of its own, so
    a long summary never pushes it out of sight ("skipped the air phase (nothing to order); ... thick fog").

    >>> split_skip("a moves | skipped the air phase (nothing to order)")
    ('a moves', 'Skipped the air phase (nothing to order)')
    >>> split_skip("Skipped the air phase (nothing to order)")
    ('Skipped the air phase (nothing to order)', '')
    """
    main, sep, note = status.partition(" | skipped the ")
    return (main, "Skipped the " + note) if sep else (status, "")


NOTE_HEADS = {"skipped the ": 1, "go-to orders: ": 2, "welcome: ": 1}
"""The notes a status line may carry after its main text (" | skipped the ...", " | go-to orders: ..."), each
shown on lines of its own below it, and how many lines each may take."""


def split_notes(status: str) -> tuple[str, list[tuple[str, int]]]:
    """(the status line's main text, [(a note after it, the lines it may take)]): a skipped phase's note and the
    go-to report each get lines of their own, so the enemy turn's summary keeps its two.

    >>> split_notes("Enemy turn: x | skipped the air phase (y) | go-to orders: a to (1,2)")
    ('Enemy turn: x', [('Skipped the air phase (y)', 1), ('Go-to orders: a to (1,2)', 2)])
    >>> split_notes("Skipped the air phase (nothing to order)")
    ('Skipped the air phase (nothing to order)', [])
    """
    import re

    parts = re.split(r" \| (?=" + "|".join(re.escape(h) for h in NOTE_HEADS) + ")", status)
    notes = [(p[0].upper() + p[1:], next(n for h, n in NOTE_HEADS.items() if p.startswith(h))) for p in parts[1:]]
    return parts[0], notes


def status_lines(app: Any, width: int) -> tuple[list[str], int]:
    """The status bar's lines at `width` px, and how many of them are the main text (two at most, cut with "…";
    an enemy turn's summary cut says V opens the whole report); a skipped phase's note below, on one line, and
    the go-to report on two."""
    t = app.ui_text
    main, notes = split_notes(app.status)
    more = REPORT_HINT if main.startswith("Enemy turn:") and getattr(app, "report", None) else STATUS_HINT
    lines = fit_lines(t, main, FS, width, 2, more)
    n = len(lines)
    for note, most in notes:
        lines = [*lines, *fit_lines(t, note, FS, width, most, STATUS_HINT)]
    return lines, n


def status_cut_parts(app: Any, width: int) -> list[str]:
    """The parts of the status message (its main text, its notes) that the bar at `width` px cuts, and the report
    window does not already hold (an enemy turn's summary is its report): what V then shows whole."""
    t = app.ui_text
    main, notes = split_notes(app.status)
    out = []
    if len(t.wrap(main, FS, width)) > 2 and not (main.startswith("Enemy turn:") and getattr(app, "report", None)):
        out.append(main)
    out += [note for note, most in notes if len(t.wrap(note, FS, width)) > most]
    return out


def draw_status(app: Any, screen: pygame.Surface) -> None:
    p = app.palette
    mr = app.map_rect
    t = app.ui_text
    lines, n_main = status_lines(app, mr.w - 20)
    parts = status_cut_parts(app, mr.w - 20)
    cut = bool(parts)
    app.status_cut = (app.status, parts) if cut else None  # (the report window then shows those parts in full)
    lh = t.line_height(FS)
    h = lh * len(lines) + 8
    bar = pygame.Surface((mr.w, h), pygame.SRCALPHA)
    bar.fill((20, 22, 28, 210))
    screen.blit(bar, (mr.x, mr.bottom - h))
    app.status_bar_h = h  # (the overlay legend keeps above it: `legend_place.best_spot_cost`)
    if getattr(app, "report", None) is not None or cut:  # a click on the bar opens the report (and the message)
        app.click_regions.append((pygame.Rect(mr.x, mr.bottom - h, mr.w, h), app.toggle_report))
    for k, s in enumerate(lines):
        col = p.bad if app.status.startswith(("Not allowed", "Cannot", "Error")) else p.panel_fg
        if k >= n_main:  # (the skipped phase's note: in the accent colour, apart from the summary)
            col = p.accent
        screen.blit(t.render(s, FS, col), (mr.x + 10, mr.bottom - h + 4 + k * lh))
    # top-left hint: turn owner (aircraft grounded by the weather are on the panel's red plate: `_aircraft`)
    s = top_hint(app)
    if s:
        screen.blit(top_hint_image(app, s), (mr.x + 8, mr.y + TOP_HINT_Y))


TOP_HINT_Y = 6
"""The top-left hint's distance from the map's top edge (the lesson window keeps below it: `ui.lesson_window`)."""


def top_hint(app: Any) -> str:
    """The map's top-left hint: whose turn it is while an AI plays or waits for the lesson window ("" if none)."""
    st = app.state
    if st.outcome is None and app.human and st.side not in app.human:
        held = app.show_lesson or (app.lesson_win is not None and app.lesson_win.alive())
        what = lesson_window_name(st.scenario)
        s = f"{SIDES[st.side]} waits until the {what} is closed (L)" if held else f"{SIDES[st.side]} is playing…"
        if held and app.side_choice:
            s = "Choose your side below the briefing - the game starts when you do"
        return s
    return ""


def top_hint_image(app: Any, s: str) -> pygame.Surface:
    """The hint drawn (white with a dark halo, bold)."""
    return app.ui_text.halo(s, 15, (0, 0, 0), (255, 255, 255), bold=True)


def fit_lines(t: Any, s: str, px: int, width: int, n: int, more: str = "…") -> list[str]:
    """`s` wrapped to `width` in at most `n` lines; if cut, the last line ends in `more` ("…") so the reader knows
    there is more (an order's summary puts its most important parts first; the event log has the rest)."""
    lines = t.wrap(s, px, width)
    if len(lines) <= n:
        return lines  # (`Text.wrap` hands out a new list each call: callers may add to it)
    last = lines[n - 1]
    tail = " " + t.clean(more, px)
    while last and t.font(px).size(last + tail)[0] > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return [*lines[:n - 1], last.rstrip(" ·|,;") + " " + more]


LEGEND_DOT_HEX_PX = 24
"""The hex size a legend draws an overlay's dots for: the ambush dots' +1 and +2 differ as on the map."""


def movement_class_note(app: Any, mob: str) -> str:
    """Whose costs the movement-cost overlay shows: the selected unit's class, another one cycled to with M, or,
    with no unit selected, a class the player did not choose (a player read the foot costs as every unit's)."""
    from engine.terrain import MOBILITY_CLASSES

    sel = app.selected
    if sel is not None:
        own = app.state.utype(app.state.unit(sel)).mobility
        who = app.names.short(sel)
        if own == mob:
            return f"Class shown: {mob.upper()}, the selected {who}'s (M: next class)"
        if own not in MOBILITY_CLASSES:  # (a drone: no ground class, no cost to read for it)
            return f"Class shown: {mob.upper()}; the selected {who} flies (no ground costs); M: next class"
        return f"Class shown: {mob.upper()}, not the selected {who}'s ({own}); M: next class"
    others = ", ".join(m for m in MOBILITY_CLASSES if m != mob)
    return f"Class shown: {mob.upper()}. No unit selected: select one for its class, or press M ({others})"


def legend_rows(app: Any, results: list[Any]) -> tuple[list[tuple[Any, str, bool]], dict[int, float]]:
    """The overlay legends' rows, (swatch colour or None, text, bold), and the rows that draw a dot (row ->
    its radius as a fraction of a hex: drawn to scale, not as a square)."""
    rows: list[tuple[Any, str, bool]] = []
    dots: dict[int, float] = {}
    for res in results:
        rows.append((None, res.title, True))
        if getattr(res, "mobility", None) is not None:  # (the class shown, right under the title: never unsaid)
            rows.append((None, movement_class_note(app, res.mobility), True))
        for k, (col, label) in enumerate(res.legend):
            if k in res.legend_dots:
                dots[len(rows)] = res.legend_dots[k]
            rows.append((col, label, False))
    if rows and app.destinations():  # the selected unit's reach is drawn over the overlay: not part of it
        who = app.names.short(app.selected)
        rows.append(((*app.palette.reach, 255), f"yellow outline, figures on dark tags: where {who} can "
                     "move and its cost in MP (not the overlay)", False))
    return rows, dots


LEGEND_FOLD = "[-] fold"
"""The mark at the top right of an unfolded overlay legend: a click on the legend folds it to its titles."""
LEGEND_UNFOLD = "[+] key"
"""The mark at the end of a folded legend's title: a click shows the whole legend again."""
AUTO_FOLD_NOTE = "folded so as not to hide your tagged units: click to show"
"""The line under the titles of a legend that folded itself (`draw_legends`): "[+] key" alone did not say why."""
LEGEND_MAX_SHARE = 0.3
"""The share of the map area a legend may cover before it folds itself to its titles (`BIG_FOLD_NOTE`)."""
BIG_FOLD_NOTE = "folded: the key would hide nearly a third of the map; click to show"
"""The line under the titles of a legend folded for its size (`draw_legends`; never overlay 9's key)."""


def toggle_legend_fold(app: Any) -> None:
    """A click on the overlay legend: fold it to its titles (no spot on a small map leaves all hexes clear:
    `legend_place`), or show it whole again. The fold lasts until clicked again, whatever overlay is on."""
    shown_folded = getattr(app, "legend_shown_folded", getattr(app, "legend_folded", False))
    app.legend_folded = not shown_folded
    app.legend_opened = shown_folded  # (shown whole by the player: no more folding by itself, `draw_legends`)
    app.status = ("Overlay legend folded to its title: click it to show the key again" if app.legend_folded
                  else "Overlay legend shown: click it to fold it away")


LEGEND_STAY_COST = 6
"""How much more (`legend_place.WEIGHTS`: a reach hex) the legend's last spot may hide than the best one before it
moves: a legend that hopped between two spots at every step of a pan read as flicker."""

LEGEND_CHIP_PX = 150
"""The widest label a swatch row may have to sit beside others on one line in the wide legend (`legend_lines`)."""

LegendSeg = tuple[Any, float | None, str, bool, bool]
"""One piece of a legend line: (swatch colour or None, dot radius or None, text, bold, indented past a swatch)."""


def legend_lines(app: Any, rows: list[tuple[Any, str, bool]], dots: dict[int, float], px: int, limit: int,
                 inline: bool) -> list[list[LegendSeg]]:
    """The legend's rows wrapped to `limit` px, a line a list of pieces; `inline`: the short swatch rows (the
    movement overlay's "1 MP", "2 MP", ...) side by side, so that a wide, low legend fits the strip of the map
    area under or over a small map (`legend_place`) and hides no hex."""
    t = app.ui_text
    out: list[list[LegendSeg]] = []
    chips: list[LegendSeg] = []

    def flush() -> None:
        line: list[LegendSeg] = []
        used = 0
        for seg in chips:
            w = 20 + t.font(px).size(seg[2])[0] + 16
            if line and used + w > limit:
                out.append(line)
                line, used = [], 0
            line.append(seg)
            used += w
        if line:
            out.append(line)
        chips.clear()

    for k, (col, label, bold) in enumerate(rows):
        if inline and col is not None and not bold and t.font(px).size(label)[0] <= LEGEND_CHIP_PX:
            chips.append((col, dots.get(k), label, False, True))
            continue
        flush()
        for j, s in enumerate(t.wrap(label, px, limit, bold) or [""]):
            out.append([(col if j == 0 else None, dots.get(k) if j == 0 else None, s, bold, col is not None)])
    flush()
    return out


def legend_surface(app: Any, lines: list[list[LegendSeg]], px: int, mark: str) -> pygame.Surface:
    """The legend drawn: each piece's swatch (a dot drawn to scale on a grey square, or a colour square) and
    text; `mark` (fold / unfold) at the top right."""
    t = app.ui_text
    lh = t.line_height(px)
    mw = t.font(px).size(mark)[0] + 12

    def seg_w(seg: LegendSeg) -> int:
        return (20 if seg[4] else 0) + t.font(px, bold=seg[3]).size(seg[2])[0]

    widths = [sum(seg_w(g) for g in line) + 16 * (len(line) - 1) + (mw if k == 0 else 0)
              for k, line in enumerate(lines)]
    width = max(widths) + 36
    box = pygame.Surface((width, lh * len(lines) + 10), pygame.SRCALPHA)
    box.fill((20, 22, 28, 215))
    box.blit(t.render(mark, px, (170, 200, 240)), (width - mw, 5))
    y = 5
    for line in lines:
        x = 8
        for col, dot, s, bold, indent in line:
            if col is not None and dot is not None:  # the dot on a grey square, as big as on a hex of size 24 px
                pygame.draw.rect(box, (150, 150, 150), (x, y + 2, 14, lh - 4))
                pygame.draw.circle(box, col, (x + 7, y + lh // 2), max(1, round(dot * LEGEND_DOT_HEX_PX)))
            elif col is not None and col[3] > 0:
                pygame.draw.rect(box, col, (x, y + 2, 14, lh - 4))
                pygame.draw.rect(box, (200, 200, 200), (x, y + 2, 14, lh - 4), 1)
            x += 20 if indent else 0
            box.blit(t.render(s, px, (240, 240, 240), bold=bold), (x, y))
            x += t.font(px, bold=bold).size(s)[0] + 16
        y += lh
    return box


def _best_legend(app: Any, rows: list[tuple[Any, str, bool]], dots: dict[int, float], px: int, mark: str
                 ) -> tuple[int, pygame.Rect, pygame.Surface]:
    """The legend's two shapes (`draw_legends`) laid out, and the one hiding less at its best spot, with the cost."""
    from ui import legend_place

    mr = app.map_rect
    mw = app.ui_text.font(px).size(mark)[0] + 12
    shapes = [(max(260, mr.w // 2) - 36, False), (mr.w - 2 * legend_place.INSET - 36, True)]
    best: tuple[int, pygame.Rect, pygame.Surface] | None = None
    for limit, inline in shapes:
        box = legend_surface(app, legend_lines(app, rows, dots, px, limit - mw, inline), px, mark)
        cost, spot = legend_place.best_spot_cost(app, *box.get_size())
        if best is None or cost < best[0]:
            best = (cost, spot, box)
    assert best is not None
    return best


def draw_legends(app: Any, screen: pygame.Surface, results: list[Any]) -> None:
    """The overlay legend, in whichever of two shapes hides less of the map (`legend_place`): the tall one, at
    most half the map wide (long notes wrap), or a wide, low one with the short swatch rows side by side (it fits
    the strip of the map area under or over a small map); folded to its titles after a click on it, or by itself
    when every spot of both shapes would hide an own counter an overlay tags ("NO SUPPLY": what the legend
    explains), until a click shows it whole."""
    from ui import legend_place

    px = 12
    folded = getattr(app, "legend_folded", False)
    opened = getattr(app, "legend_opened", False)
    rows, dots = legend_rows(app, results)
    titles: list[tuple[Any, str, bool]] = [(None, res.title, True) for res in results if res.title]
    if folded:  # (each overlay's title alone: the map under the legend shows)
        rows, dots = titles, {}
    if not rows:
        return
    mr = app.map_rect
    # (drawn every frame: laid out and placed again only when what it shows or what it may hide has changed)
    key = (tuple(rows), tuple(sorted(dots.items())), folded, opened, tuple(mr), int(app.vx), int(app.vy),
           getattr(app, "hex_size", None), tuple(tuple(r) for r in getattr(app, "counter_boxes", [])),
           tuple(tuple(r) for _, r in getattr(app, "place_labels", [])), getattr(app, "selected", None),
           getattr(getattr(app, "state", None), "version", None), id(app.ui_text), getattr(app, "status_bar_h", 0),
           tuple(getattr(app, "sky_tag_rect", None) or ()))
    cached = getattr(app, "_legend_cache", None)
    if cached is not None and cached[0] == key:
        spot, box, shown_folded = cached[1], cached[2], cached[3]  # (the surface too: rebuilt each frame it cost
        # 1.5 ms at Shusha)
    else:
        shown_folded = folded
        best = _best_legend(app, rows, dots, px, LEGEND_UNFOLD if folded else LEGEND_FOLD)
        if not folded and not opened and titles and best[0] >= legend_place.WEIGHTS["tagged"]:
            shown_folded = True  # (every spot hides a unit an overlay tags, "NO SUPPLY", which this legend is
            # about: its title alone, until a click shows it whole, `toggle_legend_fold`)
            best = _best_legend(app, [*titles, (None, AUTO_FOLD_NOTE, False)], {}, px, LEGEND_UNFOLD)
        elif (not folded and not opened and titles and not all(getattr(r, "key_only", False) for r in results)
              and best[2].get_width() * best[2].get_height() > LEGEND_MAX_SHARE * mr.w * mr.h):
            shown_folded = True  # (the drones' key at 1280x800, --ui-scale 1.5 took 40% of the map: a teacher)
            best = _best_legend(app, [*titles, (None, BIG_FOLD_NOTE, False)], {}, px, LEGEND_UNFOLD)
        _, spot, box = best
        prev = getattr(app, "_legend_last", None)  # (panning moved it 36 times in 60 steps at 800x600: it stays
        if prev is not None and prev[0] == box.get_size() and mr.contains(prev[1]):  # unless clearly worse)
            if legend_place.cost_at(app, prev[1]) <= best[0] + LEGEND_STAY_COST:
                spot = prev[1]
        app._legend_last = (box.get_size(), spot)
        app._legend_cache = (key, spot, box, shown_folded)
    app.legend_rect = spot
    app.legend_shown_folded = shown_folded
    screen.blit(box, spot)
    regions = getattr(app, "click_regions", None)
    if regions is not None:  # (a click on its top line, title and fold mark, folds or unfolds it; a click on
        # the rest reaches the hex under it: a reach hex or a counter under a large legend stays clickable)
        head = pygame.Rect(spot.x, spot.y, spot.w, app.ui_text.line_height(px) + 5)
        regions.append((head, lambda: toggle_legend_fold(app)))


def _modal(app: Any, screen: pygame.Surface, lines: list[tuple[str, int, tuple[int, int, int], bool]],
           dim: int = 170) -> None:
    t = app.ui_text
    shade = pygame.Surface(screen.get_size(), pygame.SRCALPHA)
    shade.fill((0, 0, 0, dim))
    screen.blit(shade, (0, 0))
    widths = [t.font(px, bold).size(s)[0] for s, px, _, bold in lines] or [100]
    w = min(screen.get_width() - 40, max(widths) + 40)
    h = sum(t.line_height(px) for _, px, _, _ in lines) + 30
    box = pygame.Rect(0, 0, w, h)
    box.center = screen.get_rect().center
    pygame.draw.rect(screen, (35, 38, 46), box, border_radius=8)
    pygame.draw.rect(screen, app.palette.accent, box, 2, border_radius=8)
    y = box.y + 15
    for s, px, col, bold in lines:
        screen.blit(t.render(s, px, col, bold=bold), (box.x + 20, y))
        y += t.line_height(px)


CURTAIN_TEXT_MAX = 2.0
"""How much larger than the panel's the curtain's words may grow: alone on the screen, they are read from the back
of a classroom (two teachers at 1024x768 read a 15-px grey "Click or press Enter" there)."""


def curtain_text_scale(app: Any, screen: pygame.Surface, title: str) -> float:
    """The curtain's text size over the panel's: up to `CURTAIN_TEXT_MAX`, its title at most 80% of the window wide."""
    wide = app.ui_text.font(24, True).size(title)[0] or 1
    return max(1.0, min(CURTAIN_TEXT_MAX, 0.8 * screen.get_width() / wide))


def draw_pass_screen(app: Any, screen: pygame.Surface) -> None:
    side = app.state.side
    title = f"Pass the screen to the {SIDES[side].upper()}"
    k = curtain_text_scale(app, screen, title)
    lines = [(title, round(24 * k), app.palette.side[side], True),
             (f"({app.state.scenario.sides[SIDES[side]].name}) — turn {app.state.turn}, {app.state.phase} phase",
              round(15 * k), app.palette.panel_fg, False),
             ("Click or press Enter when ready." if app.curtain_ready() else "A moment…", round(15 * k),
              app.palette.accent if app.curtain_ready() else app.palette.panel_dim, False)]  # (in its grace the
    # curtain takes no click nor key: `App.curtain_ready`)
    if app.quit_refused:  # (Ctrl+Q behind the curtain could not save: its window waits behind the curtain, and
        # the curtain takes no Ctrl+S)
        said = (f"NOT SAVED: {app.autosave_error}. Lift the curtain (Enter) to save with Save… (Ctrl+S); Ctrl+Q "
                "again quits and the game is lost")
        lines += [(row, 15, app.palette.bad, False) for row in textwrap.wrap(said, 72)]
    _modal(app, screen, lines, dim=255)


def recon_cover_words(scen: Any, detect: int, enemy: str) -> str:
    """Which cover a recon drone of `detect` sees into, from the rule tables alone (never from where hidden
    units are: fog of war): a hidden unit is found when its hex's concealment < detect + its type's signature
    (`engine.rules`, the recon sortie). The `enemy` side's ground unit types of the scenario, lowest signature
    first; terrain of concealment 0 is left out (no unit hides there).

    >>> from types import SimpleNamespace as N
    >>> T = {"p": N(name="plain", concealment=0), "t": N(name="town", concealment=1),
    ...      "f": N(name="forest", concealment=2)}
    >>> U = {"inf": N(label="Infantry", signature=0, domain="ground"), "tank": N(label="Tanks (T-72)",
    ...      signature=2, domain="ground")}
    >>> scen = N(terrain_table=T, unit_table=U, map=N(terrain=["ptf"]),
    ...          units=[N(side="defender", type="inf"), N(side="defender", type="tank")])
    >>> recon_cover_words(scen, 2, "defender")
    'Hidden Infantry: found in town (concealment < 2), not in forest; Tanks: found in any cover'
    """
    used = set("".join(scen.map.terrain))
    covers = sorted(((t.concealment, t.name) for c, t in scen.terrain_table.items() if c in used and t.concealment),
                    key=lambda x: (x[0], x[1]))
    sigs: dict[int, list[str]] = {}
    for u in scen.units:
        ut = scen.unit_table[u.type]
        if u.side == enemy and ut.domain == "ground" and getattr(ut, "can_hide", True):  # (else never hidden)
            label = type_label(scen.unit_table, u.type)
            if label not in sigs.setdefault(ut.signature, []):
                sigs[ut.signature].append(label)
    if not covers or not sigs:
        return ""
    outcome: dict[tuple[tuple[str, ...], int], list[str]] = {}  # (the cover it does not see into, the limit)
    for sig in sorted(sigs):
        limit = detect + sig
        not_seen = tuple(n for c, n in covers if not recon_finds(c, detect, sig))  # (the engine's rule)
        outcome.setdefault((not_seen, limit if not_seen else 0), []).extend(sigs[sig])
    parts = []
    for (not_seen, limit), labels in outcome.items():
        who = ", ".join(labels)
        seen = [n for c, n in covers if n not in not_seen]
        if not not_seen:
            parts.append(f"{who}: found in any cover")
        elif not seen:
            parts.append(f"{who}: not found in any cover ({', '.join(not_seen)})")
        else:
            parts.append(f"{who}: found in {', '.join(seen)} (concealment < {limit}), not in {', '.join(not_seen)}")
    return "Hidden " + "; ".join(parts)
