"""`wargame play` and `wargame replay` (owned by the UI work; pygame is imported only inside commands)."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from ui.overlay_names import OVERLAYS

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

NO_DISPLAY_WHY = "DISPLAY / WAYLAND_DISPLAY are not set"
NO_DISPLAY = (f"no display available: no window can be opened ({NO_DISPLAY_WHY}). "
              "Use `wargame run SCENARIO` to play headless (AI vs AI), run under a desktop session or xvfb-run, "
              "or set SDL_VIDEODRIVER=dummy with --autoplay N --screenshot FILE for scripted screenshots.")
NO_DISPLAY_REPLAY = (f"no display available: no window can be opened ({NO_DISPLAY_WHY}). "
                     "Use `wargame run SCENARIO --seed S -v` to read a game's events headless, run under a desktop "
                     "session or xvfb-run, or set SDL_VIDEODRIVER=dummy with --step N --screenshot FILE.")
HEADLESS_DRIVERS = ("offscreen", "dummy")
"""SDL video drivers that open no window anyone can see, nor take input but what the program posts (`ui.app`'s
main loop checks for them too; defined here, where no pygame is imported before a command runs): SDL falls back to
`offscreen` when DISPLAY or WAYLAND_DISPLAY is set but no display server answers (the game then ran unseen until
killed)."""
NO_WINDOW_INPUT = ("SDL_VIDEODRIVER={driver} opens no window you can see or use: the game would wait for input "
                   "that can never come. It is for scripted pictures: {how}. Unset SDL_VIDEODRIVER to play in a "
                   "window, or use {headless}.")
"""Why `play` / `replay` refuse SDL's dummy (or offscreen) driver without --screenshot (`ui.app.NoWindowInput`)."""


AUTOSAVE_PREFIX = "wargame_autosave"
"""The start of the name of the file `wargame play` saves a game closed with orders not saved to (in the working
directory): `autosave_name`."""
SCREENSHOT_TYPES = (".png", ".jpg", ".jpeg", ".bmp", ".tga")
"""The file name endings `--screenshot` takes: those pygame writes (any other name got a Targa file)."""


def autosave_name(scenario: Path | None, load: Path | None, seed: int) -> str:
    """The autosave's file name: the scenario and the seed of the game (a second game's autosave replaced the
    first's under one fixed name); a game continued from an autosave keeps its file (it is the same game). The
    App numbers the name when the file holds another game (`ui.app.autosave_file`).

    >>> autosave_name(Path("scenarios/lessons/ambush.json"), None, 3)
    'wargame_autosave_ambush_seed3.json'
    >>> autosave_name(None, Path("x/wargame_autosave_ambush_seed3_2.json"), 3)
    'wargame_autosave_ambush_seed3_2.json'
    >>> autosave_name(None, Path("saves/ambush_save.json"), 7)
    'wargame_autosave_ambush_seed7.json'
    """
    if load is not None and load.stem.startswith(AUTOSAVE_PREFIX):
        return load.name
    stem = load.stem.removesuffix("_save") if load is not None else scenario.stem if scenario is not None else "game"
    return f"{AUTOSAVE_PREFIX}_{stem}_seed{seed}.json"


def autosave_fallbacks() -> list[Path]:
    """Folders the autosave goes to when the working directory cannot be written (a system folder, a read-only
    share, a full disk): the user's state folder (XDG), then the temp folder."""
    import tempfile

    out = []
    try:
        state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        out.append(Path(state) / "wargame")
    except RuntimeError:  # (no home folder)
        pass
    out.append(Path(tempfile.gettempdir()))
    return out


def check_screenshot(path: Path | None, fail: Callable[..., Any]) -> None:
    """Refuse a `--screenshot` name pygame cannot write as what it says (`out.jpgx` got a Targa file) or a
    place no file can be written (before the game is built: a typo costs nothing)."""
    if path is None:
        return
    from engine.fileio import unwritable

    if path.suffix.lower() not in SCREENSHOT_TYPES:
        fail(f"--screenshot {path}: the name must end in {', '.join(SCREENSHOT_TYPES)} (the image types that can be "
             f"written), got {path.suffix or 'no extension'!r}")
    why = unwritable(path)
    if why is not None:
        fail(f"cannot write screenshot {path}: {why}")


def have_display() -> bool:
    """Whether a display is named at all (Linux: DISPLAY or WAYLAND_DISPLAY; SDL_VIDEODRIVER chooses its own).
    A display named but not answering is found when the window opens (`open_window`)."""
    if os.environ.get("SDL_VIDEODRIVER"):
        return True
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def unreachable_display(driver: str, env: dict[str, str] | None = None) -> str | None:
    """Why no window can be seen although one opened: SDL fell back to a driver that shows nothing (`offscreen`,
    `dummy`) that the user did not ask for with SDL_VIDEODRIVER - a DISPLAY or WAYLAND_DISPLAY set but with no
    display server behind it. None: the window is a real one, or the headless driver was asked for.

    >>> unreachable_display("offscreen", {"DISPLAY": ":77"})
    'DISPLAY=:77 is set but no display server answered'
    >>> unreachable_display("offscreen", {"DISPLAY": ":77", "WAYLAND_DISPLAY": "wayland-9"})
    'DISPLAY=:77 and WAYLAND_DISPLAY=wayland-9 are set but no display server answered'
    >>> unreachable_display("x11", {"DISPLAY": ":0"}), unreachable_display("dummy", {"SDL_VIDEODRIVER": "dummy"})
    (None, None)
    """
    env = dict(os.environ) if env is None else env
    if driver not in HEADLESS_DRIVERS or env.get("SDL_VIDEODRIVER"):
        return None
    named = [f"{k}={env[k]}" for k in ("DISPLAY", "WAYLAND_DISPLAY") if env.get(k)]
    if not named:
        return f"SDL found no display and fell back to its {driver} driver"
    return f"{' and '.join(named)} {'is' if len(named) == 1 else 'are'} set but no display server answered"


def parse_size(s: str) -> tuple[int, int] | None:
    try:
        w, h = (int(x) for x in s.lower().split("x"))
    except ValueError:
        return None
    if w < 640 or h < 480 or w > 10000 or h > 10000:
        return None
    return w, h


DEFAULT_SIZE = (1280, 800)
"""The window without --size when the desktop's size is not known (SDL's dummy driver: scripted screenshots)."""
MIN_SIZE = (1024, 700)
MAX_SIZE = (3840, 2400)
"""The largest fitted window: a 4K desktop's whole screen (the window stopped at 2560x1600, most of a 4K
screen left empty)."""
MARGIN = (40, 90)
"""Room left round a fitted window (its title bar, a taskbar)."""


def fit_to_desktop(desktop: tuple[int, int] | None) -> tuple[int, int]:
    """The window size without --size: the desktop less a margin, within MIN_SIZE..MAX_SIZE, and never larger
    than the desktop itself (a small screen gets a window it can show whole).

    >>> fit_to_desktop((1920, 1080)), fit_to_desktop((1366, 768)), fit_to_desktop((3840, 2160))
    ((1880, 990), (1326, 700), (3800, 2070))
    >>> fit_to_desktop((800, 600)), fit_to_desktop(None)
    ((800, 600), (1280, 800))
    """
    if not desktop or desktop[0] <= 0 or desktop[1] <= 0:
        return DEFAULT_SIZE
    out = []
    for k in (0, 1):
        v = max(MIN_SIZE[k], min(MAX_SIZE[k], desktop[k] - MARGIN[k]))
        out.append(min(v, desktop[k]))
    return out[0], out[1]


def desktop_size() -> tuple[int, int] | None:
    """The size of the (first) desktop, after `pygame.display.init()`; None when unknown or headless."""
    import pygame

    if os.environ.get("SDL_VIDEODRIVER") == "dummy":
        return None  # (the dummy driver reports a made-up desktop)
    try:
        sizes = pygame.display.get_desktop_sizes()
    except (pygame.error, AttributeError):
        sizes = []
    if sizes and sizes[0][0] > 0:
        return int(sizes[0][0]), int(sizes[0][1])
    info = pygame.display.Info()
    return (info.current_w, info.current_h) if info.current_w > 0 and info.current_h > 0 else None


def open_window(size: tuple[int, int] | None, title: str, fail: Callable[..., None],
                no_display: str = NO_DISPLAY) -> Any:
    """The game window: `size`, or (None: no --size) fitted to the desktop. `no_display` is what to say when no
    window can be seen (`NO_DISPLAY`, `NO_DISPLAY_REPLAY`)."""
    import pygame

    try:
        pygame.display.init()
        why = unreachable_display(pygame.display.get_driver())
        if why is not None:  # (SDL's offscreen fallback: the game ran unseen, at full speed, until killed)
            pygame.display.quit()
            fail(no_display.replace(NO_DISPLAY_WHY, why))
        pygame.font.init()
        if size is None:
            size = fit_to_desktop(desktop_size())
        flags = pygame.RESIZABLE if os.environ.get("SDL_VIDEODRIVER") != "dummy" else 0
        screen = pygame.display.set_mode(size, flags)
    except pygame.error as e:
        fail(no_display.replace(NO_DISPLAY_WHY, f"SDL: {e}"))
    pygame.display.set_caption(title)
    pygame.key.set_repeat(300, 40)
    return screen


UI_SCALE_RANGE = (0.75, 2.5)
"""What `--ui-scale` of `play` and `replay` accepts."""
UI_SCALE_HELP = (f"Scale of UI text ({UI_SCALE_RANGE[0]:g}–{UI_SCALE_RANGE[1]:g}; default: by the window, 1 at "
                 "1280x800, larger in a larger window: 1.5 at 2560x1600, about 1.9 on a 4K screen)")
AUTO_SCALE_BASE = (1280, 800)
"""The window size UI text is drawn for at scale 1 (a classroom projector's, a laptop's)."""
AUTO_SCALE_MAX = 1.5
"""The most text grows with a window up to `AUTO_SCALE_FULL`: beyond the base size the map needs the room more than
the text does (--ui-scale goes on)."""
AUTO_SCALE_FULL = (2560, 1600)
"""The window at which text reaches `AUTO_SCALE_MAX`; a larger one (a 4K screen, `MAX_SIZE`) scales it on in
proportion from there, so the text keeps the share of the window it has at this size (1.5 left text of ~3 mm on
a 4K screen's 3800x2070 window, in a corner of it before the window grew past this size)."""


def auto_ui_scale(size: tuple[int, int]) -> float:
    """The text scale for a window of `size` when --ui-scale is not given: text that grows with the window (a
    teacher's review: 13 px text on a 1920x1080 projector cannot be read from the back of the room), in steps of
    0.05, never below 1 nor above the --ui-scale range.

    >>> auto_ui_scale((1280, 800)), auto_ui_scale((1920, 1080)), auto_ui_scale((2560, 1600))
    (1.0, 1.35, 1.5)
    >>> auto_ui_scale((3800, 2070)), auto_ui_scale((3840, 2400)), auto_ui_scale((2520, 1350))
    (1.9, 2.25, 1.5)
    """
    ratio = min(size[0] / AUTO_SCALE_BASE[0], size[1] / AUTO_SCALE_BASE[1])
    scale = min(AUTO_SCALE_MAX, ratio)
    beyond = min(size[0] / AUTO_SCALE_FULL[0], size[1] / AUTO_SCALE_FULL[1])
    if beyond > 1:
        scale = AUTO_SCALE_MAX * beyond
    return max(1.0, min(UI_SCALE_RANGE[1], math.floor(scale * 20 + 1e-9) / 20))


def save_name(scenario: Path | None, load: Path | None) -> str:
    """The save dialog's default file: named after the scenario (a lesson's save no longer lands in
    shusha_save.json), or after the save the game was loaded from.

    >>> save_name(Path("scenarios/lessons/ambush.json"), None), save_name(None, Path("x/ambush_save.json"))
    ('ambush_save.json', 'ambush_save.json')
    >>> save_name(None, Path("wargame_autosave.json")), save_name(None, Path("wargame_autosave_ambush_seed3.json"))
    ('wargame_save.json', 'ambush_seed3_save.json')
    """
    stem = scenario.stem if scenario is not None else (load.stem if load is not None else "wargame")
    if stem.startswith(AUTOSAVE_PREFIX):  # (a game continued from an autosave is saved as a game, not as it)
        stem = stem.removeprefix(AUTOSAVE_PREFIX).lstrip("_") or "wargame"
    return f"{stem.removesuffix('_save')}_save.json"


def check_ui_scale(scale: float | None, fail: Callable[..., Any]) -> None:
    """Refuse a scale outside UI_SCALE_RANGE (10 or -1 made an unreadable window); None: by the window."""
    if scale is None:
        return
    lo, hi = UI_SCALE_RANGE
    if not lo <= scale <= hi:
        fail(f"--ui-scale must be between {lo:g} and {hi:g}, got {scale:g}")


OVERLAY_CHOICES = ", ".join(f"{n} {name}" for n, name in OVERLAYS.items())


def parse_overlays(values: list[str], fail: Callable[..., None]) -> list[int]:
    """--overlay values (a key, 1-9, or a name such as "supply" or "line of sight") as overlay numbers."""
    by_name = {name.replace(" ", "").replace("/", ""): n for n, name in OVERLAYS.items()}
    by_name.update({name.split()[0]: n for n, name in OVERLAYS.items()})  # "movement", "drone", "line", ...
    by_name.update(ambush=3, los=4, sight=4, drones=5, defense=2, cost=1, relief=8, elevation=8, key=9, legend=9)
    chosen: list[int] = []
    for v in values:
        key = v.strip().lower().replace(" ", "").replace("-", "").replace("_", "").replace("/", "")
        n = int(key) if key.isdigit() else by_name.get(key)
        if n not in OVERLAYS:
            fail(f"--overlay must be one of {OVERLAY_CHOICES}; got {v!r}")
        if n not in chosen:
            chosen.append(n)
    return chosen


def hotseat_side_warning(side: str, first: str) -> str:
    """Why `--side` does nothing in a hotseat game: both sides are human and the side to move, `first`, takes
    the screen first (the turn order is the game's, not the command's)."""
    return (f"warning: --side {side} is not used with --hotseat: both sides play here, and the {first} (the side to "
            "move) takes the screen first")


def hotseat_save_side_warning(side: str) -> str:
    """A hotseat save loaded with `--side`: it goes on as a game against the computer (a class rehearsal: the
    other half of the class found the computer playing its side, with no word)."""
    return (f"warning: this save is of a hotseat game; with --side {side} you play the {side} against the computer. "
            "To go on hotseat, leave out --side (or add --hotseat)")


def register(app: typer.Typer, fail: Callable[..., None]) -> None:
    @app.command(short_help="Play a game in a window (against the AI, or --hotseat).")
    def play(
        scenario: Annotated[Path | None, typer.Argument(help="Scenario JSON file (optional with --load)")] = None,
        side: Annotated[str | None, typer.Option(
            help="Your side: attacker or defender (default: defender; with --load, the side the game was saved "
                 "by). Not used with --hotseat: both sides play, the side to move takes the screen first")] = None,
        hotseat: Annotated[bool, typer.Option(help="Two players on one screen (both sides human)", metavar="")] = False,
        seed: Annotated[int, typer.Option(help="Game seed (non-negative integer)")] = 0,
        load: Annotated[Path | None, typer.Option(help="Continue a save file")] = None,
        weather: Annotated[str | None, typer.Option(
            help="Weather mode: historical, stochastic, clear, overcast or fog")] = None,
        sandbox: Annotated[bool, typer.Option(help="Educator sandbox: free placement, weather switch",
                                              metavar="")] = False,
        see_all: Annotated[bool, typer.Option(
            "--see-all", help="Educator view: every unit of both sides and the whole log on screen, hidden ambush "
            "parties included (the AI still plays on what its side sees)", metavar="")] = False,
        autoplay: Annotated[int, typer.Option(help="Let the AIs play N turns first (scripted use)")] = 0,
        screenshot: Annotated[Path | None, typer.Option(
            help="Render, save this image (.png, .jpg, .jpeg, .bmp or .tga) and exit")] = None,
        size: Annotated[str | None, typer.Option(
            help="Window size WIDTHxHEIGHT (default: fit the screen)")] = None,
        palette: Annotated[str, typer.Option(help="Colours: default or colorblind")] = "default",
        ui_scale: Annotated[float | None, typer.Option(help=UI_SCALE_HELP)] = None,
        set_: Annotated[list[str] | None, typer.Option(
            "--set", help="Scenario override PATH=VALUE, as for `wargame run` (repeatable)")] = None,
        overlay: Annotated[list[str] | None, typer.Option(
            help="Start with this overlay on, by key or name (repeatable): " + OVERLAY_CHOICES)] = None,
        no_briefing: Annotated[bool, typer.Option(
            "--no-briefing", help="Open a new game on the map, without its briefing or lesson window (L opens it; "
            "with no --side you play the defender): for a --screenshot of the start", metavar="")] = False,
    ) -> None:
        """Play a game in a window (you against the AI, or --hotseat). A game left with orders not saved is saved
        on the way out to wargame_autosave_<scenario>_seed<N>.json in the current folder (numbered _2, _3, ...
        rather than replace another game's autosave; elsewhere if the folder cannot be written: the console says
        where)."""
        from engine.errors import WargameError
        from engine.units import SIDES

        if side is not None and side not in SIDES:
            fail(f"--side must be attacker or defender, got {side!r}")
        if palette not in ("default", "colorblind"):
            fail(f"--palette must be default or colorblind, got {palette!r}")
        wh = None if size is None else parse_size(size)
        if size is not None and wh is None:
            fail(f"--size must look like 1280x800 (at least 640x480), got {size!r}")
        check_ui_scale(ui_scale, fail)
        if seed < 0:
            fail(f"--seed must be a non-negative integer, got {seed}")
        if autoplay < 0:
            fail(f"--autoplay must be >= 0, got {autoplay}")
        if scenario is None and load is None:
            fail("give a SCENARIO file or --load SAVE")
        overlays = parse_overlays(overlay or [], fail)
        if load is not None and set_:
            fail("--set changes a scenario before a new game; a save (--load) keeps the scenario it was played on")
        check_screenshot(screenshot, fail)
        if load is not None:
            from engine.savegame import load_game

            try:
                state = load_game(load, track_sightings=True)
            except WargameError as e:
                fail(str(e))
            if scenario is not None:  # (a save carries its scenario: SCENARIO is not used, so it must be that one)
                from engine.scenario import load_scenario

                try:
                    given = load_scenario(scenario)
                except WargameError as e:
                    fail(str(e))
                from ui.replay import scenario_mismatch

                wrong = scenario_mismatch(given, state.scenario.sha256, state.scenario.meta.name, str(load))
                if wrong is not None:
                    fail(f"{wrong}. A save continues on the scenario it holds: leave out SCENARIO "
                         f"(wargame play --load {load})")
        else:
            from engine.rules import new_game
            from engine.scenario import load_scenario

            try:
                scen = load_scenario(scenario)
                if set_:
                    from engine.batch import with_overrides

                    scen = with_overrides(scen, set_, str(scenario), weather)
                state = new_game(scen, seed, weather, sandbox=sandbox, track_sightings=True)
            except (WargameError, ValueError) as e:
                fail(str(e))
        if not have_display():
            fail(NO_DISPLAY)
        screen = open_window(wh, f"wargame — {state.scenario.meta.name}", fail)
        from ui.app import CHOOSE_SIDE, App, save_image, saved_players

        saved = saved_players(state) if load is not None else None
        if saved is not None and saved[1] and side is not None and not hotseat:  # (it went on against the AI,
            typer.echo(hotseat_save_side_warning(side), err=True)  # the other player's side now the computer's)
        saved = saved if side is None and not hotseat else None
        if saved is not None and saved[0]:  # a loaded game goes on with the sides it was saved with
            human, hotseat = saved
        else:
            human = {0, 1} if hotseat else {SIDES.index(side or "defender")}
        scale = auto_ui_scale(screen.get_size()) if ui_scale is None else ui_scale
        game = App(state, human, hotseat=hotseat, palette=palette, ui_scale=scale, size=screen.get_size(),
                   save_path=Path.cwd() / save_name(scenario, load),
                   autosave_path=Path.cwd() / autosave_name(scenario, load, state.seed),
                   autosave_fallbacks=autosave_fallbacks(), omniscient=see_all)
        for note in game.load_notes:  # (a hand-edited save's bad go-to orders: dropped, the game loads)
            typer.echo(f"warning: {load}: {note}", err=True)
        for note in game.see_all_notes() if load is not None else ():
            typer.echo(f"note: {load}: {note}", err=True)
        if no_briefing:  # (a scenario author's --screenshot of the start showed the briefing alone)
            game.show_lesson = False
        elif load is None and state.scenario.meta.briefing:  # a new game opens with its briefing (L closes it)
            game.show_lesson = True
            if hotseat:  # (for each player, when the curtain first lifts for them)
                game.brief_sides = {0, 1}
        # with no --side, the briefing or lesson window of a new game offers both sides (a player: the plain
        # command put them on the defender, watching the AI's first turn)
        game.side_choice = load is None and side is None and not hotseat and not autoplay and game.show_lesson
        if game.side_choice:  # (no unit to select until then: the screen shows no side's, `App.choosing`)
            game.status = CHOOSE_SIDE
        if autoplay:
            game.run_ai_until(state.turn + autoplay)
            game.status = game.autoplay_status()
            if hotseat:
                game.view_side = game.state.side
        if hotseat and side is not None:  # (it was silently ignored: the game's turn order says who goes first)
            typer.echo(hotseat_side_warning(side, SIDES[game.state.side]), err=True)
        if not hotseat:  # (a hotseat game fits the map for each player behind the curtain)
            game.open_on_own_forces()
            if load is not None:  # (or the view the game was saved with: overlays, zoom, selection)
                game.restore_view()
        elif not autoplay or screenshot is None:  # whoever started it may not be the side to move (a loaded
            # game's, or the attacker): that side takes the screen behind the curtain first, as at every hand-over
            # (after --autoplay too: a teacher jumping to turn 15 showed the class one side's map; a scripted
            # --screenshot shows the side to move's screen)
            game.raise_curtain()
            game.curtain_at = None  # (nobody is leaving the screen: no wait to lift it)
        if load is not None and not autoplay:
            game.show_loaded(load)
        for n in overlays:  # (after autoplay: a turn's start clears the overlays)
            game.overlays.add(n)
        note = None if screenshot is not None else game.autosave_note()
        if note is not None:  # (told before playing, not on quitting: on the console and the status line)
            typer.echo(f"warning: {note}", err=True)
            game.status = f"{note} | {game.status}"
        if game.pass_screen and (load is not None or note is not None):  # (lifting the first curtain sets the
            # status: what was said here is kept)
            game.status_after_curtain = game.status
        if screenshot is not None:
            game.settle(screen)  # (as the interactive loop would show it: empty phases autoskipped)
            import pygame

            pygame.display.flip()
            try:
                save_image(screen, screenshot)
            except (pygame.error, OSError) as e:
                fail(f"cannot write screenshot {screenshot}: {e}")
            typer.echo(f"screenshot written to {screenshot}")
            return
        from ui.app import NoWindowInput

        try:
            game.run(screen, refuse_headless=True)
        except NoWindowInput as e:  # (SDL_VIDEODRIVER=dummy without --screenshot: it ran unseen until killed)
            fail(NO_WINDOW_INPUT.format(driver=e.driver, how="--autoplay N --screenshot FILE",
                                        headless="`wargame run SCENARIO` to play headless (AI vs AI)"))
        finally:
            if game.autosaved is not None:
                then = ("replay it with: wargame replay" if game.state.outcome is not None
                        else "continue with: wargame play --load")  # (the save says who played which side)
                if game.autosaved.parent != Path.cwd():
                    typer.echo(f"warning: the autosave could not be written in {Path.cwd()}; it went elsewhere",
                               err=True)
                typer.echo(f"Game saved to {game.autosaved}; {then} {game.autosaved}", err=True)
            elif game.autosave_error is not None and game.unsaved():
                typer.echo(f"error: the game could not be saved ({game.autosave_error}): its orders since the last "
                           "save are lost. Next time save it with Save… (Ctrl+S) in a folder you can write",
                           err=True)
        if game.autosave_error is not None and game.unsaved():
            raise typer.Exit(1)

    @app.command(short_help="Step through a finished game, order by order, turn by turn.")
    def replay(
        log_or_save: Annotated[Path, typer.Argument(help="Save file (wargame run --save) or JSON-lines event log")],
        scenario: Annotated[Path | None, typer.Option(help="Scenario file (needed for an event log)")] = None,
        force_scenario: Annotated[bool, typer.Option(
            "--force-scenario", help="Replay an event log on --scenario even if it is not the scenario the log "
            "was played on (its sha256 differs: units may be missing or different)", metavar="")] = False,
        set_: Annotated[list[str] | None, typer.Option(
            "--set", help="Scenario override PATH=VALUE the event log's game was played with, as given to "
                          "`wargame run` (repeatable; event logs only)")] = None,
        side: Annotated[str | None, typer.Option(
            help="Show only what this side knew (saves only); default: everything")] = None,
        screenshot: Annotated[Path | None, typer.Option(
            help="Render, save this image (.png, .jpg, .jpeg, .bmp or .tga) and exit")] = None,
        step: Annotated[int, typer.Option(help="Start at this order/event number")] = 0,
        turn: Annotated[int | None, typer.Option(
            help="Start at the first order/event of this turn (a class shown one moment of a game)")] = None,
        size: Annotated[str | None, typer.Option(
            help="Window size WIDTHxHEIGHT (default: fit the screen)")] = None,
        palette: Annotated[str, typer.Option(help="Colours: default or colorblind")] = "default",
        ui_scale: Annotated[float | None, typer.Option(help=UI_SCALE_HELP)] = None,
    ) -> None:
        """Step through a finished game: Right/Left = next/previous order or event, PageDown/PageUp = turn."""
        from engine.errors import WargameError
        from ui.replay import ReplayModel

        check_ui_scale(ui_scale, fail)
        wh = None if size is None else parse_size(size)
        if size is not None and wh is None:
            fail(f"--size must look like 1280x800 (at least 640x480), got {size!r}")
        if palette not in ("default", "colorblind"):
            fail(f"--palette must be default or colorblind, got {palette!r}")
        if side is not None and side not in ("attacker", "defender"):
            fail(f"--side must be attacker or defender, got {side!r}")
        if step < 0:
            fail(f"--step must be 0 (the start) or more, got {step}")
        if turn is not None and step:
            fail("give --step or --turn, not both")
        if turn is not None and turn < 1:
            fail(f"--turn must be 1 or more, got {turn}")
        check_screenshot(screenshot, fail)
        try:
            model = ReplayModel.open(log_or_save, scenario, force_scenario=force_scenario, sets=set_ or ())
        except WargameError as e:
            fail(str(e))
        for note in model.notes:  # (a forced scenario, a hand-edited save's bad go-to orders)
            typer.echo(f"warning: {log_or_save}: {note}", err=True)
        if model.kind == "save" and not model.finished and side is None:  # (a hotseat player could peek unawares)
            typer.echo(f"note: {log_or_save}: the game is not finished, and this replay shows both sides' units, "
                       "hidden ones too, and the whole log; --side attacker or --side defender shows only what that "
                       "side knew", err=True)
        if turn is not None:
            first = model.first_of_turn(turn)
            if first is None:
                fail(f"--turn {turn}: the game in {log_or_save.name} ended on turn {model.turn_at[model.n]}")
            step = first
        if side is not None and model.kind == "log":
            fail(f"--side needs a save file: an event log does not record what each side saw. Save the game "
                 f"(wargame run --save FILE, or Save in the game) and replay that, or drop --side to see "
                 f"{log_or_save.name} whole")
        if not have_display():
            fail(NO_DISPLAY_REPLAY)
        screen = open_window(wh, f"wargame replay — {log_or_save.name}", fail, NO_DISPLAY_REPLAY)
        from ui.app import save_image
        from ui.replay import ReplayApp

        scale = auto_ui_scale(screen.get_size()) if ui_scale is None else ui_scale
        viewer = ReplayApp(model, palette=palette, ui_scale=scale, size=screen.get_size(), side=side)
        viewer.open_at(step)
        if screenshot is not None:
            import pygame

            viewer.render(screen)
            try:
                save_image(screen, screenshot)
            except (pygame.error, OSError) as e:
                fail(f"cannot write screenshot {screenshot}: {e}")
            typer.echo(f"screenshot written to {screenshot}")
            return
        from ui.app import NoWindowInput

        try:
            viewer.run(screen, refuse_headless=True)
        except NoWindowInput as e:
            fail(NO_WINDOW_INPUT.format(driver=e.driver, how="--step N --screenshot FILE",
                                        headless="`wargame run SCENARIO --seed S -v` to read a game's events"))
