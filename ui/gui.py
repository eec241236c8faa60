"""The widgets of the game window, made with pygame_gui: the panel's buttons, the scrollable event log (click a
line to show its hexes on the map), the help and game-over windows and the save/load file dialogs.

The map, counters, overlays and the panel's text stay plain pygame drawing (ui/app.py, ui/panels.py). Every
widget action calls an App method, so tests can drive the App directly or through real mouse events."""

from __future__ import annotations

import bisect
import html
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UISelectionList, UITextBox, UITextEntryLine, UIWindow
from pygame_gui.windows import UIConfirmationDialog, UIFileDialog

from engine.events import empty_phase, key_events, without_empty_phases
from engine.units import SIDES
from ui.status import recon_log_detail
from ui.text import clean


def log_title(key_only: bool) -> str:
    """The event log's heading, which says when key F has it leave out the routine reports."""
    return "Event log: key events only (F: all)" if key_only else "Event log (click a line: show it on the map)"


LOG_CAP = 1500
"""How many of the newest visible events the log list holds (the whole game: `wargame replay SAVE`)."""
LOG_REFRESH_S = (0.1, 0.6)
"""The log list is refreshed at most this often (s) on a human's turn / while an AI plays (each refresh
rebuilds the rows on screen, ~2 ms a row)."""
LOG_KINDS = ("#log_plain", "#log_attacker", "#log_defender", "#log_turn", "#log_bad")
LOG_ROW_PAD = 4
"""Pixels between a log row's words and the list's edges (the theme's `text_horiz_alignment_padding`)."""
LOG_MIN_ROWS = 4
"""Rows the event log keeps when an order's preview or the selected unit needs the panel's room (`Gui.set_log_room`):
it shrinks to these, never out of sight (on a 1326x700 screen with grounded drones it was gone)."""


def _hex(c: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in c[:3]))


def fit_row(font: pygame.font.Font, text: str, width: int) -> str:
    """`text` cut to `width` pixels in `font`, ending in "…" when cut (the roster's rows)."""
    if width <= 0 or font.size(text)[0] <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # (the longest prefix that fits with its ellipsis)
        mid = (lo + hi + 1) // 2
        if font.size(text[:mid].rstrip() + "…")[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def log_font_px(scale: float) -> int:
    return max(9, round(13 * scale))


def heading_px(scale: float) -> int:
    """A window heading's size: 18 px at scale 1, growing with the text (pygame_gui's `<font size=5>` is a
    fixed 18 px, which stayed small beside 1.5× text on a projector).

    >>> heading_px(1.0), heading_px(1.5)
    (18, 27)
    """
    return max(12, round(18 * scale))


def heading(text: str, scale: float) -> str:
    """`text` (HTML-escaped by the caller) as a window heading, in pygame_gui's HTML subset."""
    return f"<font pixel_size={heading_px(scale)}><b>{text}</b></font>"


def log_row_height(scale: float) -> int:
    return log_font_px(scale) + max(4, round(5 * scale))


def log_colours(palette: Any) -> tuple[tuple[int, int, int], ...]:
    """The event log's attacker, defender and turn-start rows: the palette's `log`, else its side colours
    lightened (to read on the log's dark ground) and its accent."""
    if getattr(palette, "log", None):
        return tuple(palette.log)
    return (tuple(min(255, v + 70) for v in palette.side[0]), tuple(min(255, v + 70) for v in palette.side[1]),
            tuple(palette.accent))


def theme(palette: Any, scale: float) -> dict[str, Any]:
    fs = str(max(9, round(14 * scale)))
    small = str(log_font_px(scale))
    font = {"name": "noto_sans", "size": fs}
    bg = _hex(palette.panel_bg)
    fg = _hex(palette.panel_fg)
    return {
        "defaults": {"colours": {
            "normal_bg": "#3e5370", "hovered_bg": "#51709a", "disabled_bg": "#2e3139", "selected_bg": "#365880",
            "active_bg": "#2c4a70", "dark_bg": "#16181e", "normal_text": fg, "hovered_text": "#ffffff",
            "disabled_text": "#7d828c", "selected_text": "#ffffff", "active_text": "#ffffff",
            "normal_border": "#5d6f8a", "hovered_border": _hex(palette.accent), "disabled_border": "#3a3d45",
            "link_text": fg, "link_hover": _hex(palette.accent), "link_selected": _hex(palette.accent),
        }},
        "button": {"font": {**font, "bold": "1"}, "misc": {"shape": "rounded_rectangle", "shape_corner_radius": "4",
                                                           "tool_tip_delay": "0.6"}},
        "label": {"font": {"name": "noto_sans", "size": small}, "colours": {"normal_text": _hex(palette.panel_dim),
                                                                          "dark_bg": bg}},
        "text_box": {"font": {"name": "noto_sans", "size": small},
                     "misc": {"link_normal_underline": "0", "link_hover_underline": "1", "padding": "4,3",
                              "line_spacing": "1.0"}},
        "window": {"colours": {"dark_bg": "#23262e", "normal_border": _hex(palette.accent)},
                   # (the title's bold text grows with the scale: at 2 it was cut in pygame_gui's 28 px bar)
                   "misc": {"border_width": "2", "shadow_width": "6",
                            "title_bar_height": str(max(28, round(28 * scale)))}},
        "window.#title_bar": {"font": {**font, "bold": "1"}},
        "window.text_box": {"font": {"name": "noto_sans", "size": fs}, "misc": {"line_spacing": "1.15"}},
        "tool_tip": {"font": {"name": "noto_sans", "size": small}},
        "selection_list": {"colours": {"dark_bg": "#16181e", "normal_border": "#3a3d45"},
                           "misc": {"list_item_height": str(log_row_height(scale)), "border_width": "1"}},
        "selection_list.@selection_list_item": {
            "font": {"name": "noto_sans", "size": small},
            "colours": {"normal_bg": "#16181e", "hovered_bg": "#2d3440", "selected_bg": "#4a3d10",
                        "active_bg": "#4a3d10", "normal_border": "#16181e", "hovered_border": "#2d3440",
                        "selected_border": "#4a3d10"},
            "misc": {"text_horiz_alignment": "left", "text_horiz_alignment_padding": str(LOG_ROW_PAD),
                     "border_width": "0",
                     "shape": "rectangle", "shadow_width": "0"}},
        **{f"selection_list.{k}": {"colours": {"normal_text": c, "hovered_text": c, "selected_text": "#ffffff"}}
           for k, c in zip(LOG_KINDS, (fg, *(_hex(c) for c in log_colours(palette)), _hex(palette.bad)),
                           strict=True)},
        "text_entry_line": {"font": font},
        "file_dialog.#file_display_list.#file_list_item": {"font": font},
        "file_dialog.#file_display_list.#directory_list_item": {"font": font},
    }


def map_key(palette: Any) -> str:
    """The help's key to the map's symbols, naming the palette's own colours (one line per subject)."""
    cw = palette.words
    return "<br>".join([
        f"Counters: {cw['attacker']} = attacker, {cw['defender']} = defender; pips = strength steps; a counter in a "
        "dashed black-and-white frame is hidden (the enemy has not found it).",
        "A see-through counter with no pips and a turn under it (T3) = where an enemy unit was last seen, on that "
        "turn; it may have moved since (hover the hex for its type and strength).",
        "A selected hidden unit's reachable hexes: a green ring = it stays hidden moving there, unless it meets "
        "an enemy you have not seen (hover a hex: why a move would reveal it).",
        "A selected gun: a dashed cyan ring = its range; an off-map battery's map-edge hex, the one its range is "
        "counted from, carries a cyan gun sight. A selected air-defence unit: a dashed violet ring = where it "
        "engages the enemy's drone sorties.",
        "Black line in a light casing with teeth = a cliff (the teeth point downhill); dark hexes with a grey "
        f"diagonal hatch = gorges and ravines (ambush ground); {cw['river']} hex edges = rivers; {cw['road_main']} "
        "road = main road (at Shusha, the Lachin corridor); gold outline = the objective.",
        "A pale haze along the map's top with a tag under the turn = low cloud: the tag says which aircraft it "
        "grounds and which fly under it (the panel's aircraft lines say why each).",
        "Overlay 6 (supply): the colours are your ESTIMATE of the routes, traced through the enemies you see; a "
        "NO SUPPLY tag or a green tick on your counters is each unit's real supply at the turn's start.",
        "Overlays 1-9 show a legend at an edge of the map, where it hides the fewest hexes (counters, objectives, "
        "place names and the selected unit's reach count most; under or over a small map it hides none); click "
        "the legend to fold it to its title, and again to show it. 8 tints the map by height, in metres; 9 draws "
        "nothing, its legend is the key to the terrain."])


def select_file_stem(d: UIFileDialog) -> None:
    """Select the file name's stem in a save dialog's name box, so that typing replaces the name. pygame_gui 0.6
    selects `text.find(stem)`, the stem's first occurrence in the whole path: with a folder named like the file
    (".../save_box0/x.json") typing replaced a piece of the folder's name. The file name part is the path's end."""
    p = d.current_file_path
    if p is None or d.allow_existing_files_only:
        return  # (pygame_gui selects nothing there either)
    line = d.file_path_text_line
    text = line.get_text()
    start = text.rfind(p.name)  # (the name, not the bare stem: "s" would be found in the suffix ".json")
    if start < 0:
        start = text.rfind(p.stem)
    if start < 0:
        return
    line.select_range = [start, start + len(p.stem)]
    line.edit_position = start + len(p.stem)
    line.cursor_has_moved_recently = True


DIALOG_BUTTON_H = 30
"""pygame_gui's own height of a dialog's buttons (OK, Cancel, Replace, Delete) and its gap to the window's edge."""
DIALOG_GAP = 10


def dialog_button_height(scale: float) -> int:
    """A dialog button's height at `scale`: pygame_gui's 30 px grows with the text (its bold 28 px text at
    --ui-scale 2 filled the whole button)."""
    return max(DIALOG_BUTTON_H, round(DIALOG_BUTTON_H * scale))


def scale_dialog_buttons(buttons: list[Any], scale: float) -> int:
    """Resize a pygame_gui dialog's bottom-right buttons (each right-anchored to the window's edge or to the one
    before it, right to left, as pygame_gui lays them out) to `dialog_button_height`, a little wider with the
    scale. Returns the room they take at the window's foot (button and gaps)."""
    h = dialog_button_height(scale)
    extra = max(0, round(12 * (scale - 1)))
    for b in buttons:  # (right to left: each is placed beside the one before, which must be where it ends up)
        w = b.relative_rect.w + extra
        b.set_dimensions((w, h))
        b.set_relative_position((-(w + DIALOG_GAP), -(h + DIALOG_GAP)))
        b.rebuild()  # (resized, pygame_gui leaves the text where it was: at the top of the taller button)
    return h + 2 * DIALOG_GAP


def scale_confirmation(win: UIConfirmationDialog, scale: float) -> None:
    """A confirmation window's buttons at the UI's scale, its text above them."""
    foot = scale_dialog_buttons([win.cancel_button, win.confirm_button], scale)
    cw, ch = win.get_container().get_size()
    win.confirmation_text.set_dimensions((cw - 2 * DIALOG_GAP, max(20, ch - foot)))
    win.confirmation_text.rebuild()


class FileDialog(UIFileDialog):
    """pygame_gui's file dialog, its name box's selection on the file name (`select_file_stem`), also when a file
    is picked from its list; its buttons at the UI's scale (`scale`)."""

    def __init__(self, *args: Any, scale: float = 1.0, **kwargs: Any) -> None:
        self.scale = scale
        super().__init__(*args, **kwargs)

    def _setup_ui_elements(self) -> None:
        super()._setup_ui_elements()
        s = self.scale
        if s <= 1:
            return
        foot = scale_dialog_buttons([self.cancel_button, self.ok_button], s)
        icon = max(20, round(20 * s))
        for k, b in enumerate((self.home_button, self.delete_button, self.parent_directory_button,
                               self.refresh_button)):
            b.set_dimensions((icon, icon))
            b.set_relative_position((DIALOG_GAP + k * (icon + 2), DIALOG_GAP))
            b.rebuild()
        line = self.file_path_text_line
        line.set_relative_position((DIALOG_GAP, 2 * DIALOG_GAP + icon))
        top = 2 * DIALOG_GAP + icon + line.relative_rect.h + DIALOG_GAP
        cw, ch = self.get_container().get_size()
        self.file_selection_list.set_relative_position((DIALOG_GAP, top))
        self.file_selection_list.set_dimensions((cw - 2 * DIALOG_GAP, max(40, ch - top - foot)))

    def _process_mini_file_operation_button_events(self, event: Any) -> None:
        before = self.delete_confirmation_dialog
        super()._process_mini_file_operation_button_events(event)
        win = self.delete_confirmation_dialog
        if win is not None and win is not before and self.scale > 1:  # (its Delete? window: as big as ours)
            r = pygame.Rect(0, 0, max(300, round(300 * self.scale)), max(200, round(200 * self.scale)))
            r.center = self.rect.center
            win.set_dimensions(r.size)
            win.set_position(r.topleft)
            scale_confirmation(win, self.scale)

    def _highlight_file_name_for_editing(self) -> None:
        super()._highlight_file_name_for_editing()
        select_file_stem(self)


class Gui:
    def add_code_font(self, sizes: set[int]) -> None:
        """The lesson window's monospace for commands (`ui.panels.CODE_FONT`): pygame_gui's own Fira Code, in
        every style (it has only the regular one: a command inside the teacher's italics stays upright)."""
        from importlib.resources import files

        from ui.panels import CODE_FONT

        path = str(files("pygame_gui.data") / "FiraCode-Regular.ttf")
        self.manager.add_font_paths(CODE_FONT, path, path, path, path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.manager.preload_fonts([{"name": CODE_FONT, "point_size": n, "style": "regular", "antialiased": "1"}
                                        for n in sizes])

    def __init__(self, app: Any) -> None:
        self.app = app
        self.manager = pygame_gui.UIManager(app.size, theme(app.palette, app.ui_scale))
        sizes = {max(9, round(13 * app.ui_scale)), max(9, round(14 * app.ui_scale)), heading_px(app.ui_scale)}
        with warnings.catch_warnings():  # "already loaded" is harmless
            warnings.simplefilter("ignore")
            self.manager.preload_fonts([{"name": "noto_sans", "point_size": n, "style": st, "antialiased": "1"}
                                        for n in sizes for st in ("bold", "italic")])
        self.add_code_font(sizes)
        self.buttons: dict[str, UIButton] = {}
        self.actions: dict[Any, Any] = {}
        self.log_title: UILabel | None = None
        self.log_box: UISelectionList | None = None
        self._log_items: list[tuple[str, str]] = []
        self._log_rows: list[int] = []
        """log index of each row of the list (an event wraps onto several rows)."""
        self._log_clicked: int | None = None
        self.help_win: UIWindow | None = None
        self.roster_win: UIWindow | None = None
        self.roster_list: UISelectionList | None = None
        self._roster_key: Any = None
        self._roster_ids: list[str] = []
        self._roster_row: int | None = None
        self.over_win: UIWindow | None = None
        self._over_key: Any = None
        self.report_win: UIWindow | None = None
        self._report_key: Any = None
        self.dialog: UIFileDialog | None = None
        self.dialog_mode = ""
        self.confirm_win: UIConfirmationDialog | None = None
        """Save as... named a file that exists: whether to replace it (`confirm_path`), asked before writing."""
        self.confirm_path: Path | None = None
        self.alert_win: UIWindow | None = None
        """A warning the player must see before going on (the autosave failed on quitting), over everything."""
        self._log_ident: Any = None
        self._log_shown: list[int] = []
        self._log_time = 0.0
        self._log_anchored = False
        """The log was scrolled to `App.log_anchor`: the next new line follows the bottom again."""
        self._enabled: dict[str, bool] = {}
        self._last = time.perf_counter()
        self.info_bottom = app.size[1]
        self.pointer_on_map = False
        """The mouse was last seen over the map: the panel keeps room for the hovered hex's lines there, which the
        event log takes while the mouse is over the panel or outside the window (`ui.panels.draw_panel`)."""
        self.layout()

    # ------------------------------------------------------------------ layout
    def layout(self) -> None:
        """(Re)build the panel widgets for the current window size."""
        app = self.app
        self.manager.set_window_resolution(app.size)
        for el in [*self.buttons.values(), self.log_box, self.log_title]:
            if el is not None:
                el.kill()
        self.buttons = {}
        self.actions = {}
        self._enabled = {}
        pr = app.panel_rect
        s = app.ui_scale
        bh = max(28, round(30 * s))
        gap = 5
        x0, w = pr.x + 8, pr.w - 16
        y2 = pr.bottom - 8 - bh
        y1 = y2 - gap - bh
        row1 = [("end", "End phase (Space)", 0.64, app.end_phase, "End your current phase (Space or E)"),
                ("undo", "Undo", 0.36, app.undo, "Undo the last move if it drew no dice, or a sandbox edit (Ctrl+Z)")]
        row2 = [("save", "Save…", 1 / 3, lambda: self.open_file_dialog("save"), "Save the game (Ctrl+S)"),
                ("load", "Load…", 1 / 3, lambda: self.open_file_dialog("load"), "Load a saved game (Ctrl+O)"),
                ("help", "Help (H)", 1 / 3, app.toggle_help, "Keys, mouse and map symbols (H)")]
        if app.read_only:  # (the replay viewer: its own steps, where a game's greyed End phase, Undo, Save and Load
            # stood and made a newcomer take a replay for a game)
            def key(k: int) -> Callable[[], None]:
                return lambda: app.on_key(k, 0, "")

            row1 = [("back", "Back (Left)", 0.5, key(pygame.K_LEFT), "One order or event back (Left)"),
                    ("next", "Next (Right)", 0.5, key(pygame.K_RIGHT), "One order or event on (Right)")]
            row2 = [("turn_back", "Turn back", 0.36, key(pygame.K_PAGEUP), "A turn back (PageUp)"),
                    ("turn_on", "Next turn", 0.36, key(pygame.K_PAGEDOWN), "A turn on (PageDown)"),
                    ("help", "Help (H)", 0.28, app.toggle_help, "Keys, mouse and map symbols (H)")]
        for y, row in ((y1, row1), (y2, row2)):
            x = x0
            avail = w - gap * (len(row) - 1)
            for k, (key, label, frac, action, tip) in enumerate(row):
                bw = avail - (x - x0 - gap * k) if k == len(row) - 1 else round(avail * frac)
                b = UIButton(pygame.Rect(x, y, bw, bh), label, self.manager, tool_tip_text=tip)
                self.buttons[key] = b
                self.actions[b] = action
                x += bw + gap
        log_h = max(140, round(pr.h * 0.33))
        small_h = min(log_h, LOG_MIN_ROWS * log_row_height(s) + 8)  # (+ the list's border and padding)
        box_top = y1 - 6 - log_h
        lh = max(18, round(20 * s))
        self._log_rects = {
            False: (pygame.Rect(pr.x + 6, box_top - lh, pr.w - 12, lh), pygame.Rect(pr.x + 6, box_top, pr.w - 12,
                                                                                     log_h)),
            True: (pygame.Rect(pr.x + 6, y1 - 6 - small_h - lh, pr.w - 12, lh),
                   pygame.Rect(pr.x + 6, y1 - 6 - small_h, pr.w - 12, small_h))}
        """(title, list) rectangles of the event log: whole (False) and shrunk to `LOG_MIN_ROWS` rows (True)."""
        self.log_title = UILabel(self._log_rects[False][0], log_title(self.app.log_key_only), self.manager)
        self.log_box = UISelectionList(self._log_rects[False][1], [], self.manager)
        self.info_bottom = box_top - lh - 2
        self.info_bottom_small_log = self._log_rects[True][0].top - 2
        """Where the panel text may reach while the event log is shrunk for an order's preview or a unit."""
        self.info_bottom_without_log = y1 - 6
        """Where it may reach with the log hidden: the last resort (a small window at a large --ui-scale)."""
        self._log_level = 0
        """The event log's room (`set_log_room`): 0 whole, 1 shrunk to its `LOG_MIN_ROWS` rows, 2 hidden."""
        self._log_at = self._log_rects[False]
        """Where the log's title and list stand now: `_log_rects`' or, the panel's text ending above them, risen
        to take the room it leaves (`set_log_room`'s `top`)."""
        self._log_ident = None
        self._log_shown = []
        self._log_rows = []
        self._log_items: list[tuple[str, str]] = []
        self._log_time = 0.0

    # ------------------------------------------------------------------ per frame
    def sync(self) -> None:
        app = self.app
        mine = app.my_turn()
        model = getattr(app, "model", None)  # (the replay viewer's: its steps' buttons grey out at the ends)
        k, n = (model.k, model.n) if app.read_only and model is not None else (0, 0)
        for key, on in (("end", mine), ("undo", mine and bool(app.undo_stack)), ("save", True), ("load", True),
                        ("back", k > 0), ("turn_back", k > 0), ("next", k < n), ("turn_on", k < n)):
            if key not in self.buttons:  # (the replay viewer has its own: `layout`)
                continue
            if self._enabled.get(key) != on:
                self._enabled[key] = on
                (self.buttons[key].enable if on else self.buttons[key].disable)()
        self._sync_help()
        self._sync_roster()
        self._sync_report()
        self._sync_game_over()
        self._sync_log()
        self._log_bottom_reachable()

    def draw(self, screen: pygame.Surface) -> None:
        now = time.perf_counter()
        dt, self._last = min(0.25, now - self._last), now
        self.sync()
        self.manager.update(dt)
        self.manager.draw_ui(screen)

    # ------------------------------------------------------------------ events
    def process_event(self, ev: Any) -> bool:
        """Give an event to the widgets first; True if they used it (the map must then ignore it)."""
        app = self.app
        if ev.type == pygame.MOUSEMOTION:
            self.pointer_on_map = app.map_rect.collidepoint(ev.pos)
        elif ev.type == pygame.WINDOWLEAVE:
            self.pointer_on_map = False
        if app.pass_screen and ev.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.KEYDOWN):
            return False  # nothing of the other side's screen may be clicked through the curtain
        used = bool(self.manager.process_events(ev))
        if ev.type == pygame_gui.UI_BUTTON_PRESSED and ev.ui_element in self.actions:
            self.actions[ev.ui_element]()
            return True
        if ev.type == pygame_gui.UI_BUTTON_PRESSED and ev.ui_element in app.side_buttons:
            app.choose_side(app.side_buttons[ev.ui_element])
            return True
        if (ev.type in (pygame_gui.UI_SELECTION_LIST_NEW_SELECTION, pygame_gui.UI_SELECTION_LIST_DROPPED_SELECTION)
                and self.roster_list is not None and ev.ui_element is self.roster_list):
            row = next((i for i, it in enumerate(self.roster_list.item_list) if it["selected"]), None)
            if ev.type == pygame_gui.UI_SELECTION_LIST_DROPPED_SELECTION:
                row = self._roster_row
            if row is not None and row < len(self._roster_ids):
                self._roster_row = row
                app.select_from_roster(self._roster_ids[row])
            return True
        if ev.type == pygame_gui.UI_SELECTION_LIST_NEW_SELECTION and ev.ui_element is self.log_box:
            row = next((i for i, it in enumerate(self.log_box.item_list) if it["selected"]), None)
            if row is not None and row < len(self._log_rows):
                self._log_clicked = self._log_rows[row]
                app.show_event(self._log_clicked)
            return True
        if ev.type == pygame_gui.UI_SELECTION_LIST_DROPPED_SELECTION and ev.ui_element is self.log_box:
            if self._log_clicked is not None:
                app.show_event(self._log_clicked)  # the same line clicked again
            return True
        if ev.type == pygame_gui.UI_WINDOW_CLOSE:
            if ev.ui_element is self.help_win:
                self.help_win = None
                app.show_help = False
            elif ev.ui_element is self.roster_win:
                self.roster_win = self.roster_list = None
                app.show_roster = False
            elif ev.ui_element is self.over_win:
                self.over_win = None
            elif ev.ui_element is self.report_win:
                self.report_win = None
                app.show_report = False
            elif ev.ui_element is self.dialog:
                self.dialog = None
                app.file_dialog_shut(picked=False)
            elif ev.ui_element is self.confirm_win:  # (its Cancel, its X: the file stays as it was)
                self.keep_file()
            elif ev.ui_element is self.alert_win:
                self.alert_win = None
            return True
        if ev.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED and ev.ui_element is self.dialog:
            mode, self.dialog = self.dialog_mode, None
            self.app.file_dialog_shut(picked=True)
            self.picked(mode, Path(ev.text))
            return True
        if ev.type == pygame_gui.UI_CONFIRMATION_DIALOG_CONFIRMED and ev.ui_element is self.confirm_win:
            self.replace_file()
            return True
        if (ev.type == pygame.KEYDOWN and ev.key in (pygame.K_RETURN, pygame.K_KP_ENTER)
                and self.confirm_win is not None and self.confirm_win.alive()):
            self.replace_file()  # (Enter: its Replace button, as Enter is the file dialog's OK; Esc: Cancel)
            return True
        if (ev.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and self.dialog is not None and self.dialog.alive()
                and ev.ui_element is self.dialog.file_path_text_line):
            return self._dialog_enter()
        if ev.type == pygame.KEYDOWN and ev.key != pygame.K_ESCAPE and (
                self.typing() or any(w is not None and w.alive() for w in (self.dialog, self.confirm_win))):
            return True  # while a file dialog is open, keys go to it (its file name box), not to the game; Esc
            # closes it (its name box has the keys from the start: Esc must not be typed into it)
        if ev.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEWHEEL) and self.over_window():
            return True
        return used

    def _dialog_enter(self) -> bool:
        """Enter in the file dialog's name box: its OK button, when the box names a file it would accept (a folder
        is opened by the dialog itself). Without it a keyboard-only player could not save: OK needed the mouse."""
        d = self.dialog
        path = d.current_file_path
        if path is None or not d.ok_button.is_enabled or Path(path).is_dir():
            return True
        mode, self.dialog = self.dialog_mode, None
        d.kill()
        self.app.file_dialog_shut(picked=True)
        self.picked(mode, Path(path))
        return True

    def picked(self, mode: str, path: Path) -> None:
        """The file dialog's choice: load it, or save to it; a save over a file that exists waits for the player
        to say so (`ask_replace`): Save as... replaced another game's save without a word."""
        if mode == "save" and path.exists() and not path.is_dir():
            self.ask_replace(path)
        else:
            (self.app.save if mode == "save" else self.app.load)(path)

    def ask_replace(self, path: Path) -> None:
        """A window naming the file, over everything, whose Replace (or Enter) saves over it and whose Cancel (or
        Esc, or its X) leaves it alone (`keep_file`)."""
        if self.confirm_win is not None and self.confirm_win.alive():
            self.confirm_win.kill()
        s = self.app.ui_scale
        r = self._centred(max(300, round(440 * s)), max(220, round(210 * s)))
        text = (f"<b>{html.escape(path.name)}</b> already exists in {html.escape(str(path.parent))}.<br><br>"
                "Replace it with this game? What it holds is lost. (Enter: replace; Esc: keep it)")
        with warnings.catch_warnings():  # (pygame_gui warns of a window below its minimum size: a small screen)
            warnings.simplefilter("ignore")
            self.confirm_win = UIConfirmationDialog(r, text, self.manager, window_title=f"Replace {path.name}?",
                                                    action_short_name="Replace", always_on_top=True)
        scale_confirmation(self.confirm_win, s)
        self.confirm_path = path
        self.app.status = f"{path.name} already exists: Replace it, or Cancel to keep it"

    def replace_file(self) -> None:
        """The player said to save over the file `ask_replace` named."""
        path, win = self.confirm_path, self.confirm_win
        self.confirm_win, self.confirm_path = None, None
        if win is not None and win.alive():
            win.kill()
        if path is not None:
            self.app.save(path)

    def keep_file(self) -> None:
        """The replace window closed without Replace: nothing written, and the status line says so."""
        path, self.confirm_win, self.confirm_path = self.confirm_path, None, None
        if path is not None:
            self.app.status = f"Not saved: {path} kept as it was (Ctrl+S: save under another name)"

    def typing(self) -> bool:
        return any(isinstance(el, UITextEntryLine) for el in self.manager.get_focus_set() or ())

    def over_window(self) -> bool:
        pos = pygame.mouse.get_pos()
        return any(w is not None and w.alive() and w.rect.collidepoint(pos)
                   for w in (self.help_win, self.over_win, self.dialog, self.report_win, self.alert_win,
                             self.confirm_win))

    def over_log(self, pos: tuple[int, int]) -> bool:
        return self.log_box is not None and self.log_box.rect.collidepoint(pos)

    def close_top_window(self, names: tuple[str, ...] = ("confirm_win", "dialog", "alert_win", "help_win",
                                                         "roster_win", "report_win", "over_win")) -> bool:
        """Esc: close the replace question (the file kept), else the file dialog, the alert, help, roster, report,
        the game-over window (Enter: those of them over the map, `names`). True if one was closed."""
        for name in names:
            w = getattr(self, name)
            if w is not None and w.alive():
                w.kill()
                setattr(self, name, None)
                if name == "confirm_win":
                    self.keep_file()
                if name == "help_win":
                    self.app.show_help = False
                if name == "roster_win":
                    self.app.show_roster = False
                    self.roster_list = None
                if name == "report_win":
                    self.app.show_report = False
                return True
        return False

    def scroll_window_text(self, pages: float) -> bool:
        """Scroll the text of the topmost open window (help, briefing, enemy-turn report, alert) by `pages` of its
        height (negative: up), for the keys: pygame_gui scrolls it by the wheel or its bar only, and a keyboard-only
        player saw the first screen of the help and no more. False if no open window has text to scroll."""
        stack = self.manager.get_window_stack().get_full_stack()
        for win in reversed(stack):
            if not (win.alive() and win.visible):
                continue
            box = next((el for el in win.get_container().elements
                        if isinstance(el, UITextBox) and el.alive() and el.visible), None)
            if box is None:
                continue
            sb = box.scroll_bar
            if sb is None:
                return True  # (all of it in sight: the key is used up, not passed to the map under it)
            start = max(0.0, min(1.0 - sb.visible_percentage, sb.start_percentage + pages * sb.visible_percentage))
            sb.set_scroll_from_start_percentage(start)
            box.update(0.0)  # (the text follows the bar now, not at the next frame's update)
            return True
        return False

    def set_log_room(self, level: int, top: int | None = None) -> None:
        """The event log whole (0), shrunk to its last `LOG_MIN_ROWS` rows under its title (1: an order's preview
        or the selected unit needs the panel's room; what just happened stays readable, a 1326x700 screen with
        grounded drones lost the whole log), or hidden (2: only when the preview does not fit even so).
        `top`: where the panel's text (and the room it keeps for the hovered hex) ends, when above the level's
        rectangles: the log's title rises to it and its list grows, so no empty band is left above the log (at
        1280x800 and --ui-scale 1.5 the log showed ~4 events under ~170 px of empty panel)."""
        if level < 2:
            title, box = self.log_rects_at(level, top)
            if (title, box) != self._log_at:
                self._place_log(title, box)
        if level == self._log_level:
            return
        for el in (self.log_box, self.log_title):
            if level == 2:
                el.hide()
            else:
                el.show()
        self._log_level = level
        if level < 2:
            self._sync_log(force=True)

    def log_rects_at(self, level: int, top: int | None = None) -> tuple[pygame.Rect, pygame.Rect]:
        """The log's (title, list) rectangles at `level` (0 or 1), its title risen to `top` if that is higher. The
        list holds whole rows: followed to its end, its top row was cut to a sliver of descenders; what is over
        goes to the title (its words centred in it)."""
        title, box = self._log_rects[level == 1]
        if top is not None and top < title.top:
            title = title.move(0, top - title.top)
            box = pygame.Rect(box.x, title.bottom, box.w, box.bottom - title.bottom)
        lst = self.log_box
        inset = lst.rect.h - lst.list_and_scroll_bar_container.rect.h  # (its border and shadow)
        over = (box.h - inset) % lst.list_item_height if box.h - inset > lst.list_item_height else 0
        return (pygame.Rect(title.x, title.y, title.w, title.h + over),
                pygame.Rect(box.x, box.y + over, box.w, box.h - over))

    def log_top(self) -> int:
        """Where the panel's text may reach above the event log as it stands (its title's top less 2 px)."""
        return self._log_at[0].top - 2

    def _place_log(self, title: pygame.Rect, box: pygame.Rect) -> None:
        """Move the log's title and list to `title` and `box`, the list keeping its rows (no rewrap of the log):
        following its newest line if it did, else where the reader scrolled it."""
        lst = self.log_box
        sb = lst.scroll_bar
        at_end = sb is None or _slider_at_bottom(sb) or sb.start_percentage >= 1.0 - sb.visible_percentage - 0.02
        start = sb.start_percentage if sb is not None else 0.0
        self._log_at = (title, box)
        self.log_title.set_relative_position(title.topleft)
        self.log_title.set_dimensions(title.size)
        self.log_title.rebuild()  # (its words centred in the new size: pygame_gui kept them where the old, taller
        # title had them, and the list cut them in half at 1600x1000 with the log risen to the panel's text)
        lst.set_relative_position(box.topleft)
        lst.set_dimensions(box.size)
        if sb is not None and lst.scroll_bar is None:  # (grown past its rows: pygame_gui lays the rows out
            lst.set_item_list(list(self._log_items))  # again only while it has a scroll bar)
        if lst.scroll_bar is not None:
            _scroll_to(lst.scroll_bar, 1.0 if at_end else start)
            lst.update(0.0)  # (the rows follow the bar now: a new row in view gets its widget)

    # ------------------------------------------------------------------ file dialogs
    def open_file_dialog(self, mode: str) -> None:
        app = self.app
        if self.dialog is not None and self.dialog.alive():
            self.dialog.kill()
        w, h = app.size
        s = app.ui_scale
        grow = max(1.0, (1 + s) / 2)  # (half the scale's growth: the list needs no more room at a larger scale)
        r = pygame.Rect(0, 0, min(round(620 * grow), w - 40), min(round(480 * grow), h - 40))
        r.center = (w // 2, h // 2)
        title = "Save the game as (a .json file)" if mode == "save" else "Load a saved game"
        self.dialog = FileDialog(r, self.manager, window_title=title, initial_file_path=str(app.save_path),
                                 allow_existing_files_only=(mode == "load"), allowed_suffixes={".json"}, scale=s)
        self.dialog_mode = mode
        self.dialog.file_path_text_line.focus()  # (typing goes to the name box at once: no click needed)
        self.manager.set_focus_set(self.dialog.file_path_text_line)
        select_file_stem(self.dialog)
        app.status = ("Pick a file, or type its name, and press OK or Enter (Esc cancels)" if mode == "load" else
                      "Type or pick a file name and press OK or Enter (Esc cancels)")

    def alert(self, title: str, paragraphs: list[str]) -> None:
        """A window the player has to see (its title bar's X or Esc closes it): what went wrong and what to
        do. The Save… dialog opened from it comes up over it. An open briefing is closed first: it blocks the
        keys and buttons the alert asks for (Ctrl+S, Save…), and its first click would have closed it, not the
        alert (L opens it again)."""
        if self.alert_win is not None and self.alert_win.alive():
            self.alert_win.kill()
        self.app.close_briefing()
        s = self.app.ui_scale
        text = "<br><br>".join(html.escape(clean(p)) for p in paragraphs)
        self.alert_win = UIWindow(self._centred(round(520 * s), round(300 * s)), self.manager,
                                  window_display_title=title, resizable=True)
        UITextBox(html_text=text, relative_rect=pygame.Rect((0, 0), self.alert_win.get_container().get_size()),
                  manager=self.manager, container=self.alert_win,
                  anchors={"left": "left", "right": "right", "top": "top", "bottom": "bottom"})

    # ------------------------------------------------------------------ windows
    def _centred(self, w: int, h: int) -> pygame.Rect:
        """A window over the map, clear of the side panel when the map is wide enough (the panel's lines
        stay readable beside it)."""
        W, H = self.app.size
        m = self.app.map_rect
        r = pygame.Rect(0, 0, min(w, W - 30), min(h, H - 30))
        r.center = m.center
        r.right = min(r.right, m.right - 10)
        r.left = max(r.left, 10)
        return r

    def _sync_help(self) -> None:
        app = self.app
        alive = self.help_win is not None and self.help_win.alive()
        if app.show_help and not alive:
            from ui.app import HELP

            def entries(keys: Any) -> str:
                return "".join(f"<b>{html.escape(k)}</b><br>&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(d)}<br>"
                               for k, d in keys)

            s = app.ui_scale
            replay = getattr(app, "replay_help", ())  # (a replay's own keys first: `ui.replay.REPLAY_HELP`)
            rows = (heading("In the replay", s) + "<br>" + entries(replay) + "<br>" if replay else "") + entries(HELP)
            text = (heading("How to play", s) + "<br>"
                    "Each turn both sides play four phases: <b>air</b> (drone sorties) &gt; <b>artillery</b> "
                    "(fire at spotted enemies) &gt; <b>movement</b> &gt; <b>assault</b> (attack adjacent "
                    "enemies). Select one of your counters, then click a hex: the panel shows what the order "
                    "would do and the odds before you confirm.<br>"
                    + f"&bull; {html.escape(PANEL_WORDS)}<br>"
                    + "".join(f"&bull; {html.escape(line)}<br>" for line in side_advice(app.state.scenario))
                    + "<br>"
                    # the keys before the rules: a player opens help to find how to do something (a player on a
                    # laptop screen met two screens of rules first)
                    + heading("Keys and mouse", s) + "<br>" + rows + "<br>"
                    + heading("Rules in brief", s) + "<br>"
                    + "".join(f"&bull; {html.escape(r)}<br>" for r in rules_brief(app.state.scenario)) + "<br>"
                    + heading("Map", s) + "<br>" + map_key(app.palette))
            self.help_win = UIWindow(self._centred(round(720 * s), round(640 * s)), self.manager,
                                     window_display_title="Help", resizable=True)
            UITextBox(html_text=text, relative_rect=pygame.Rect((0, 0), self.help_win.get_container().get_size()),
                      manager=self.manager, container=self.help_win,
                      anchors={"left": "left", "right": "right", "top": "top", "bottom": "bottom"})
        elif not app.show_help and alive:
            self.help_win.kill()
            self.help_win = None

    def _sync_roster(self) -> None:
        """The roster window (R), its lines rebuilt when the game, the view or the phase changes."""
        app = self.app
        alive = self.roster_win is not None and self.roster_win.alive()
        if not app.show_roster:
            if alive:
                self.roster_win.kill()
            self.roster_win = self.roster_list = None
            return
        if not alive:
            mr = app.map_rect
            # wide enough for a unit's name, flags first (a long row is still cut at the right edge)
            w, h = min(round(820 * app.ui_scale), mr.w - 40), min(round(460 * app.ui_scale), mr.h - 60)
            title = ("Units (R closes; click one to select it; the other side's are listed last)" if app.state.sandbox
                     else "Your units (R closes; click one to select it)")
            self.roster_win = UIWindow(pygame.Rect(mr.x + 20, mr.y + 20, w, h), self.manager,
                                       window_display_title=title,
                                       resizable=True)
            size = self.roster_win.get_container().get_size()
            self.roster_list = UISelectionList(pygame.Rect((0, 0), size), [], self.manager,
                                               container=self.roster_win,
                                               anchors={"left": "left", "right": "right", "top": "top",
                                                        "bottom": "bottom"})
            self._roster_key = None
            self._roster_row = None
        extra = app.state.extra if isinstance(app.state.extra, dict) else {}
        key = (id(app.state), app.state.version, len(app.state.orders), app.view_side, app.state.phase_i,
               repr(extra.get("ui_goto")), repr(extra.get("ui_hold")))  # (K, G and Backspace change only these)
        if key != self._roster_key and self.roster_list is not None:
            self._roster_key = key
            rows = app.roster_rows()
            self._roster_ids = [uid for _, uid in rows]
            # a row too long for the list ends in "…" (it was cut mid-word, "Special f", with nothing to say so)
            room = self.roster_list.rect.w - round(30 * app.ui_scale)  # (the scroll bar and the items' padding)
            font = app.ui_text.font(13)
            self.roster_list.set_item_list([fit_row(font, text, room) for text, _ in rows])

    def _sync_report(self) -> None:
        """The enemy-turn report window (V, or a click on the status bar): the whole of what the side saw of the
        enemy's last turn under headings, scrollable, rebuilt when the report or its skip notes change."""
        app = self.app
        alive = self.report_win is not None and self.report_win.alive()
        if not app.show_report or app.pass_screen:
            if alive:
                self.report_win.kill()
            self.report_win = None
            return
        cut = app.status_cut[0] if app.status_cut else None  # (the cut message shown whole, too)
        key = (id(app.report), len(app.report_notes), cut)
        if alive and key == self._report_key:
            return
        self._report_key = key
        rect = self.report_win.rect.copy() if alive else None
        if alive:
            self.report_win.kill()
        if rect is None:
            mr = app.map_rect
            s = app.ui_scale
            rect = pygame.Rect(mr.x + 20, mr.y + 20, min(round(640 * s), mr.w - 40), min(round(520 * s), mr.h - 80))
        def esc(s: str) -> str:  # (pygame_gui's font has no arrow glyph: "->", as in the event log)
            return html.escape(clean(s))

        rows = app.report_lines()
        text = "".join((f"<br><b>{esc(line)}</b><br>" if k else f"<b>{esc(line)}</b><br>") if head
                       else f"&bull; {esc(line)}<br>" for k, (line, head) in enumerate(rows))
        self.report_win = UIWindow(rect, self.manager, window_display_title="Enemy turn report (V closes)",
                                   resizable=True)
        UITextBox(html_text=text, relative_rect=pygame.Rect((0, 0), self.report_win.get_container().get_size()),
                  manager=self.manager, container=self.report_win,
                  anchors={"left": "left", "right": "right", "top": "top", "bottom": "bottom"})

    def _sync_game_over(self) -> None:
        st = self.app.state
        key = (id(st), st.outcome)
        if st.outcome is None or key == self._over_key or self.app.pass_screen:
            if st.outcome is None and self.over_win is not None:
                self.over_win.kill()
                self.over_win = None
            return
        self._over_key = key
        from engine.debrief import (
            debrief_rows,
            history_lines,
            key_moments,
            measure_lines,
            measure_values,
            record_lines,
            score_lines,
            why_lines,
        )

        o = st.outcome
        esc = html.escape
        head, *moments = key_moments(st)
        who, _, why = head.partition(": ")
        from ui.app import verdict

        said = verdict(o, self.app.addressed(), self.app.hotseat)  # (from the player's side: "You (defender) lost")
        measures = measure_lines(st)  # (a lesson's point first: two lessons show it in losses, not in who wins)
        text = "".join(
            [f"{heading('What the lesson measures, this game', self.app.ui_scale)}<br>",
             *(f"{esc(m)}<br>" for m in measures), "<br>"]) if measures else ""
        text += (f"{heading(esc(said[:1].upper() + said[1:]), self.app.ui_scale)}<br>"
                 f"<b>{esc(who[:1].upper() + who[1:])}</b><br>{esc(why or str(o.reason))}<br>")
        text += "".join(f"{esc(m)}<br>" for m in moments)
        text += "<br><b>What it cost</b><br>" + "".join(f"{esc(w)}<br>" for w in why_lines(st))
        beside = record_lines(st)  # (how far off the record, in turns: a player who lost asked)
        if beside:
            text += "<br><b>This game beside the record</b><br>" + "".join(f"{esc(r)}<br>" for r in beside)
        record = history_lines(st)
        if record:  # the game beside the record it models
            text += "<br><b>In the record</b><br>" + "".join(f"{esc(r)}<br>" for r in record)
        text += "<br><b>Losses and activity</b> (attacker / defender)<br>" + "".join(
            f"{'&nbsp;&nbsp;&nbsp;' if label.startswith(' ') else ''}{esc(label.strip())}: {a} / {d}<br>"
            for label, a, d in debrief_rows(st))
        rows = [f"<b>{esc(k)}</b>: {esc(v)}" + (f" <i>({esc(note)})</i>" if note else "")
                for k, v, note in score_lines(st)]
        text += ("<br><b>Score record</b> (the fields <i>wargame run --json</i> writes)<br>" + "<br>".join(rows) +
                 "<br><br>Save the game (Save… or Ctrl+S) to replay it later with <i>wargame replay FILE</i>.")
        if self.over_win is not None:
            self.over_win.kill()
        s = self.app.ui_scale  # (the text grows with the window: so does the window)
        first = measure_values(st)[:1]  # (a lesson's title leads with its measure too, not with who won)
        title = f"Game over - {first[0][0]}: {first[0][1]} - {said}" if first else f"Game over - {said}"
        self.over_win = UIWindow(self._centred(round(640 * s), round(620 * s)), self.manager,
                                 window_display_title=title,
                                 resizable=True)
        UITextBox(html_text=text, relative_rect=pygame.Rect((0, 0), self.over_win.get_container().get_size()),
                  manager=self.manager, container=self.over_win,
                  anchors={"left": "left", "right": "right", "top": "top", "bottom": "bottom"})

    # ------------------------------------------------------------------ event log
    def _event_rows(self, k: int, ev: Any, width: int) -> list[tuple[str, str]]:
        """An event as list rows: wrapped to the list's width, coloured by side / turn start / grounding."""
        kind = "#log_plain"
        side = getattr(ev, "side", None)
        if side in SIDES:
            kind = LOG_KINDS[1 + SIDES.index(side)]
        if ev.kind in ("TurnStarted", "GameOver"):
            kind = "#log_turn"
        elif ev.kind == "AirStatus" and getattr(ev, "grounded", False):
            kind = "#log_bad"
        names = self.app.names
        lines = self.app.ui_text.wrap(f"T{ev.turn} {names(ev.text())}", log_font_px(1.0), width)
        rows = [(s if j == 0 else "    " + s, kind) for j, s in enumerate(lines)]
        details = list(ev.details())  # each fire result: firepower, every modifier with its source, odds, rolls
        # what the sortie covered, "nothing found" too
        if ev.kind == "ReconFlown" and not self.app.read_only:
            extra = recon_log_detail(ev, self.app.state, self.app.view_side, self.app.recon_notes.get(k))
            details += [extra] if extra else []
        for detail in details:
            more = self.app.ui_text.wrap(names(detail), log_font_px(1.0), width - 24)
            rows += [(("      " if j else "   · ") + s, "#log_plain") for j, s in enumerate(more)]
        return rows

    def _log_width(self) -> int:
        """The width `_event_rows` wraps the log's words to: what a row holds after its indent (4 spaces; a fire
        detail's 6 with 24 px less). The list's width less a fixed 48 px was too wide at --ui-scale 1.5 and 2, whose
        indent is wider: "12" of "see at most 12" was cut off at the list's edge."""
        lst = self.log_box
        font = self.app.ui_text.font(log_font_px(1.0))  # (`ui_text` scales it: the list's own font size)
        inside = lst.list_and_scroll_bar_container.rect.w - lst.scroll_bar_width - 2 * LOG_ROW_PAD
        return min(lst.rect.w - 48, inside - font.size("    ")[0], inside - font.size("      ")[0] + 24)

    def _sync_log(self, force: bool = False) -> None:
        """The list shows `App.visible_events()` (the engine's `visible_log`), newest at the bottom. It follows
        new events unless the reader has scrolled up. Only the rows on screen are widgets (pygame_gui's list
        is virtual), so even a long game's log is cheap."""
        app = self.app
        box = self.log_box
        if box is None:
            return
        events = app.visible_events()
        if app.log_key_only:  # (key F: the fighting, not the routine reports)
            events = key_events(events, SIDES[app.view_side])
        ident = (id(app.state), app.view_side, app.omniscient, app.log_key_only, getattr(app, "choosing", False))
        last = self._log_shown[-1] if self._log_shown else -1
        # the visible log of one game seen by one side only grows: find where the shown part ends
        pos = bisect.bisect_right(events, last, key=lambda e: e[0])
        same = ident == self._log_ident and (not self._log_shown or (pos > 0 and events[pos - 1][0] == last))
        if same and pos == len(events) and app.log_anchor is None:
            return
        now = time.perf_counter()
        ai_playing = app.state.outcome is None and app.state.side not in app.human
        # (throttled only while the same view of a log changes: another side's view - a hotseat curtain lifted -
        # shows its own log in the very first frame, never the last one's rows; a replay's step back, a new state
        # of the same view, stays throttled: a whole log rebuilt per frame made holding Left 4-5x slower)
        if (not force and self._log_ident is not None and ident[1:] == self._log_ident[1:]
                and now - self._log_time < LOG_REFRESH_S[ai_playing]):
            return
        self._log_time = now
        sb = box.scroll_bar
        at_end = sb is None or sb.start_percentage >= 1.0 - sb.visible_percentage - 0.02 or _slider_at_bottom(sb)
        start = sb.start_percentage if sb is not None else 0.0
        width = self._log_width()
        if same and len(self._log_shown) + len(events) - pos <= LOG_CAP * 1.2:
            new = events[pos:]
            last_ev = events[pos - 1][1] if pos else None
            if new and last_ev is not None and empty_phase(last_ev, new[0][1]):  # the phase shown last ended
                while self._log_rows and self._log_rows[-1] == last:  # with nothing in it: its line goes
                    self._log_rows.pop()
                    self._log_items.pop()
                self._log_shown.pop()
        else:
            new = events[-LOG_CAP:]
            self._log_shown, self._log_rows, self._log_items = [], [], []
        items = self._log_items
        for k, ev in without_empty_phases(new):
            rows = self._event_rows(k, ev, width)
            items.extend(rows)
            self._log_rows.extend([k] * len(rows))
            self._log_shown.append(k)
        self._log_ident = ident
        box.set_item_list(list(items))
        anchor, app.log_anchor = app.log_anchor, None
        if anchor is not None and box.scroll_bar is not None and items:
            # the enemy's half-turn from its first line (the new turn's reports below it pushed it out of view);
            # the next new line follows the bottom again
            row = next((r for r, k in enumerate(self._log_rows) if k >= anchor), len(items))
            row = max(0, row - 1)  # (one row of what came before: the half-turn's first line is never cut)
            _scroll_to(box.scroll_bar, min(1.0, row / len(items)))
            self._log_anchored = True
        elif box.scroll_bar is not None:
            follow = at_end or not same or self._log_anchored
            _scroll_to(box.scroll_bar, 1.0 if follow else start)
            self._log_anchored = False

    def _log_bottom_reachable(self) -> None:
        """A reader who scrolls the log to its bottom sees its newest rows: pygame_gui stops the start of a long
        list short of its end when the slider is drawn taller than its share (>= 5 px), which it is in a long log
        or the shrunk one (383 rows in 4: the newest 60 were out of reach)."""
        sb = self.log_box.scroll_bar if self.log_box is not None else None
        if sb is not None and _slider_at_bottom(sb) and sb.start_percentage < 1.0 - sb.visible_percentage:
            sb.start_percentage = 1.0 - sb.visible_percentage
            sb.has_moved_recently = True  # (the list lays its rows out again)

    def set_log_title(self, key_only: bool) -> None:
        self.log_title.set_text(log_title(key_only))

    def shown_log_indices(self) -> list[int]:
        return list(self._log_shown)


def _slider_at_bottom(sb: Any) -> bool:
    """Whether a pygame_gui scroll bar's slider stands at the bottom of its track."""
    return sb.sliding_button is not None and sb.scroll_position >= sb.bottom_limit - sb.sliding_button.rect.height - 1


def _scroll_to(sb: Any, start: float) -> None:
    """Scroll a pygame_gui list so that `start` (0-1) of it is above the view, 1.0 its end. pygame_gui keeps the
    slider at least 5 px tall and so stops the start of a long list short of its end (a 2268-row game log
    showed rows ~60 short of its newest): the start is set as asked, at most `1 - visible`."""
    sb.set_scroll_from_start_percentage(start)
    sb.start_percentage = max(sb.start_percentage, min(start, 1.0 - sb.visible_percentage))


def side_advice(scen: Any) -> list[str]:
    """What each side does, in a line each, in this scenario's numbers (the help's "How to play" had nothing for the
    defender: a new player did not know that its hidden parties ambush by themselves, nor that a move gives one
    away)."""
    v = scen.victory
    defenders = [scen.unit_table[u.type] for u in scen.units if u.side == "defender" and u.present]
    sneak = sorted({t.label for t in defenders if t.infiltrates})  # (the defender's own: not the attacker's SF)
    moves = (f"only your {', '.join(sneak)} move unseen, through cover" if sneak else "none of yours moves unseen")
    near = f"within {v.contest_radius} {'hex' if v.contest_radius == 1 else 'hexes'}"
    on_map = set("".join(scen.map.terrain))
    cover = sorted({t.name.lower() for code, t in scen.terrain_table.items() if code in on_map and t.ambush > 0})
    ambush = any(t.can_ambush for t in defenders) and cover
    recon = any(scen.unit_table[u.type].air_role == "recon" for u in scen.units if u.side == "attacker" and u.present)
    eyes = "recon drones, your units' sight" if recon else "your units' sight"  # (a lesson has no aircraft)
    return [f"Attacker: find the enemy ({eyes}), bring fire and assaults on what you find, and take {v.objective}; "
            "an enemy you cannot see may be waiting in cover.",
            "Defender: hold " + v.objective + (f"; while a unit of yours stands {near} of it, the attacker cannot "
                                               "win before the last turn" if v.sudden_death else "")
            + (f"; hidden parties in {' or '.join(cover)} fire first by themselves when the enemy walks next to them"
               if ambush else "") + f"; moving a hidden unit gives it away ({moves})."]


PANEL_WORDS = ("Words on the panels: a unit's strength is counted in steps, the pips on its counter (a company "
               "of a battalion, say); each step lost also costs a point of cohesion, its order and will to fight "
               "(2 or more steady, 1 shaken, 0 broken); MP are move points, spent hex by hex at each ground's cost "
               "(overlay 1 shows the costs).")
"""The panels' three words of the trade in plain words, in the help's first lines (a teacher: a class met "steps",
"cohesion" and "MP" unexplained)."""


def rules_brief(scen: Any) -> list[str]:
    """The rules a player needs to read the odds and results, in this scenario's numbers (its `combat`
    section): what the help window says under "Rules in brief"."""
    from engine.rules import victory_conditions
    from engine.units import MAX_COHESION
    from ui import suspected_fire
    from ui.app import hit_chance_rule

    c = scen.combat
    on_map = set("".join(scen.map.terrain))  # (the scenario's own table, as it may override it: the types it uses)
    terrain = [t for code, t in scen.terrain_table.items() if code in on_map]
    return [
        victory_conditions(scen),
        hit_chance_rule(c) + "; net = firepower - protection + every modifier (the preview lists each).",
        f"Shots: one a step in an assault and its return fire; artillery one for every {c.artillery_steps_per_shot} "
        f"steps, rounded up (a battery's fire over a turn at a dispersed target); a drone strike one a step, at most "
        f"{c.strike_max_shots} ({c.expendable_strike_shots} for an expendable munition).",
        f"Ground units fight by assault, on an adjacent hex: at {scen.map.hex_km:g} km hexes and "
        f"{scen.meta.turn_hours}-hour turns a battalion's direct "
        "fire is part of its assault and of its close defence. The attacker fires at the main defender, every "
        "defender fires back, at once. Each unit assaults alone (units next to the same hex do not combine), "
        "always against the hex's main defender: its strongest unit (steps x (1 + protection)), whose losses and "
        "cohesion decide the result; but assaults one after another wear a hex down, in the same phase: every step "
        "a unit loses, to an assault or to fire, costs it a point of cohesion too (a unit in supply rallies one at "
        "the start of its side's turn), and a main defender broken (cohesion 0) falls back at the next assault. "
        "Fire first: artillery and drones on the hex before the assault phase. "
        f"At most {scen.stack_limit} units stand in one hex.",
        "An assault's result: the attacker destroyed if it loses all its steps; else a lone defender that loses "
        "all its steps is destroyed; else the defenders fall back if the main one is destroyed, breaks, or loses 2+ "
        "steps and more than the attacker (the attacker then advances, unless a cliff its kind cannot climb or a "
        "closed hex stops it); else the assault is repulsed (the attacker loses 1 cohesion). A broken unit "
        "(cohesion 0) cannot assault.",
        "Movement: each hex costs its ground's move points for the unit's kind (overlay 1), paid whole within the "
        "phase: a step dearer than a unit's move points is never taken (a cliff's climb among them: only an assault "
        "that wins carries a unit up one). Known enemies' hexes cannot be entered; entering a hex next to a known "
        "enemy (its zone of control) ends the move, except for infiltrating units entering deep cover ("
        + (" or ".join(t.name for t in terrain if t.concealment >= 2) or "none here") + ").",
        f"Cohesion (0-{MAX_COHESION}): each step lost costs a point. Shaken (1) fires {c.shaken_modifier:+d}, "
        f"broken (0) {c.broken_modifier:+d}; a broken unit routed again loses a step. Units in supply rally one "
        "point at the start of their turn, even in contact.",
        f"Supply is traced from the side's sources within its supply range, blocked by enemy units and the hexes "
        f"next to them. Out of supply: fires {c.out_of_supply_modifier:+d} and does not rally.",
        "Terrain defence (added to the protection of a unit assaulted or shelled there; not against an ambush, nor "
        "the return fire at an assaulting unit, in the open): " + _terrain_list(terrain, "defence") + ". A drone "
        "strike is met by the target hex's concealment instead ('target under cover').",
        f"Height and edges (fire across a hexside): up a cliff {c.cliff_up_modifier:+d} (assaulting up one), down "
        f"from a cliff's top {c.cliff_down_modifier:+d}; at a hex {c.high_ground_m:g} m or more higher (uphill) "
        f"{c.uphill_modifier:+d}, lower (higher ground) {c.downhill_modifier:+d}; assaulting across a river with "
        f"no road over it {c.river_crossing_modifier:+d}. At night, close fire by a unit not trained for it "
        f"{c.night_untrained_modifier:+d}, by a night-trained one at an untrained one {c.night_trained_modifier:+d}"
        f" (night-trained here: {', '.join(_types_in_play(scen, lambda ut: ut.night_capable)) or 'none'}).",
        "Hidden units are found only close up, by a recon drone or when they fire; a hidden unit in "
        + (" or ".join(t.name for t in terrain if t.ambush) or "no terrain here")
        + " ambushes an enemy that moves next to it: it fires first, with the terrain's ambush bonus ("
        + _terrain_list(terrain, "ambush") + "), and the mover stops.",
        *vehicle_lines(scen, terrain),
        *withdraw_lines(scen),
        "Artillery needs a spotter (a unit in sight of the target, or a recon drone over it: fire adjusted by a "
        f"recon drone {c.recon_adjust_modifier:+d}); a mission fires at every unit its side sees in the hex, each "
        "with the full shots. Armed drones strike only enemies already spotted, and the "
        "weather grounds them first (the panel says why).",
        *suspected_fire.rules_lines(c),
    ]


def _types_in_play(scen: Any, keep: Callable[[Any], bool], on_map: bool = False) -> list[str]:
    """The labels of the unit types the scenario's units have that `keep` picks, short ("Tanks", not "Tanks
    (T-72)"), in the scenario's order; `on_map`: of its units on the map only (off-map guns fight no one close)."""
    used = dict.fromkeys(u.type for u in scen.units if not (on_map and u.offmap))
    table = scen.unit_table
    return [table[t].label.split(" (")[0] for t in used if t in table and keep(table[t])]


def vehicle_lines(scen: Any, terrain: list[Any]) -> list[str]:
    """Why a fight against vehicles goes as it does (`engine.combat.fire_result`: the terrain's concealment, as
    "vehicles blind in ravine +2" and "anti-tank weapons at close range (town) +1"): none if the scenario has no
    heavy ground units or no concealing terrain."""
    heavy = _types_in_play(scen, lambda ut: ut.heavy and ut.domain == "ground", on_map=True)
    if not heavy or not any(t.concealment for t in terrain):
        return []
    cover = _terrain_list(terrain, "concealment")
    return [f"Vehicles and guns (heavy: {', '.join(heavy)}) see little at close range. An ambush on one adds the "
            f"concealment of the hex it stands in ('vehicles blind in ...': {cover}); a unit that is not heavy "
            "assaulting one, or defending against its assault, adds the concealment of the hex they fight in "
            f"('anti-tank weapons at close range (...)': the vehicle's hex when assaulting it, its own when "
            "defending)."]


def withdraw_lines(scen: Any) -> list[str]:
    """The ambush withdrawal (`engine.rules._ambush_withdrawal`), for the unit types that have it."""
    who = _types_in_play(scen, lambda ut: ut.can_ambush and ut.ambush_withdraw)
    if not who:
        return []
    return [f"After firing from ambush, {', '.join(who)} break contact: the party slips one hex into cover next to "
            "no enemy its side knows of, within its side's supply reach if such a hex is free, goes to ground at the "
            "end of its side's turn and can ambush again (it stays where it fired if no such hex is free)."]


def _terrain_list(terrain: list[Any], field: str) -> str:
    """The scenario's terrain types with a non-zero `field` ("town +2, ravine +1"), the rest as "others 0"."""
    got = [f"{t.name} {getattr(t, field):+d}" for t in terrain if getattr(t, field)]
    return ", ".join(got + (["others 0"] if len(got) < len(terrain) else [])) or "none"

