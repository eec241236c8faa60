"""The educator sandbox in the window (`wargame play --sandbox`): which units a teacher may pick for a placement (any
side's the screen shows), the place mode (key P: a click puts the picked unit on a hex), and the on-screen tag that
says the game is a sandbox.

No game rule here: a placement is an `engine.orders.SandboxPlace` the engine checks (`engine.rules._check_sandbox`);
this module only chooses the unit and the hex, and says what happened. A unit of the other side is picked for a
placement only: the order code gives orders to the viewing side's own units alone (`App.click_hex`)."""

from __future__ import annotations

from typing import Any

import pygame

from engine.orders import SandboxCloudBase, SandboxHide, SandboxPlace, SandboxStrength, SandboxWeather
from engine.rules import SANDBOX_ORDERS
from engine.units import SIDES
from ui.status import order_summary

PLACE_KEY = pygame.K_p
"""The key that switches the place mode on and off (free in the help's key list: `ui.app.HELP`)."""
TAG = "SANDBOX"
"""The tag on the map's top right corner while the game is a sandbox (`draw_tag`)."""
PLACE_TAG = "SANDBOX - PLACE MODE"
"""The tag while the place mode is on."""
TAG_HINT = "P: place units - [ ]: strength - Ctrl+H: hide - F5-F8: weather - F9: cloud base"
"""Under the tag, with the place mode off: how to use the sandbox (nothing else on screen said it)."""
TAG_HINT_SHORT = "H: the sandbox keys"
"""The hint where `TAG_HINT` would take more than a line of the tag (a narrow map area: the help lists the keys)."""
TAG_INK = (20, 20, 20)
FRAME_W = 3
"""The place mode's frame round the map area (px): a click there places, so the mode must not go unseen."""


def on(app: Any) -> bool:
    """The game on screen is a sandbox the player may edit (not a replay of one: `App.read_only`)."""
    return bool(app.state.sandbox and not getattr(app, "read_only", False))


def shown_at(app: Any, idx: int) -> list[Any]:
    """The units the screen shows on hex `idx`, both sides (the counters drawn there, `App.counter_sprites`): with
    --see-all every unit, hidden ones too; else the side's own and the enemies it sees (its contacts)."""
    st = app.state
    if app.choosing:
        return []
    table = st.scenario.unit_table
    if app.omniscient:
        return [u for u in st.units if u.idx == idx and u.active and not u.offmap and table[u.type].domain == "ground"]
    seen = [st.unit(c.id) for c in app.contacts_at(idx) if table[c.type].domain == "ground"]
    return app.own_units_at(idx) + seen


def edits_others(app: Any) -> bool:
    """May this player pick the other side's units to place, weaken or hide? Not in a hotseat game without
    --see-all: there they are the other player's (a playtest: each player could move, weaken or hide the other's
    seen units, by a click, from the roster or in the place mode)."""
    return not (app.hotseat and not app.omniscient)


def others_at(app: Any, idx: int) -> list[Any]:
    """The other side's units the screen shows on hex `idx` (`shown_at`), in sandbox mode when the player may edit
    them (`edits_others`); none otherwise."""
    if not on(app) or app.state.outcome is not None or not edits_others(app):
        return []
    return [u for u in shown_at(app, idx) if u.side != app.view_side]


def pick_in_stack(app: Any, ids: list[str]) -> str:
    """Which of a hex's units (`ids`, top first) a click selects: the one after the selected unit (a click again
    goes through the stack), else the top one."""
    return ids[(ids.index(app.selected) + 1) % len(ids)] if app.selected in ids else ids[0]


def is_other(app: Any, uid: str | None) -> bool:
    """`uid` is a unit of the side the player does not play (selectable for a sandbox placement only)."""
    return uid is not None and app.state.unit(uid).side != app.view_side


def how_to_place(app: Any) -> str:
    """The status line's words on how to place the selected unit, by the place mode's state."""
    if app.place_mode:
        return "click a hex to place it (Ctrl+click: onto a stack; P or Esc: leave the place mode)"
    return "P, then a click on a hex places it"


def selected_words(app: Any, uid: str) -> str:
    """The status line for a unit selected in the sandbox: what it is (as the screen shows it: an enemy the side
    only sees, by its contact's type and strength) and how to place it; an enemy takes no other order."""
    st = app.state
    u = st.unit(uid)
    table = st.scenario.unit_table
    if not u.arrived:
        return (f"Selected {app.names.name(uid)}: not on the map yet (arrives on turn {u.arrives_turn}) - sandbox: "
                f"{how_to_place(app)} now")
    if u.side == app.view_side:
        return f"Selected {app.names.name(uid)}: {table[u.type].label}, strength {u.strength} - sandbox: " \
               f"{how_to_place(app)}"
    seen = next((c for c in app.view.contacts if c.id == uid), None)
    # (without --see-all only what the side sees: an enemy placed out of its sight is not in sight, its strength
    # not known)
    strength = (f"strength {u.strength}" if app.omniscient else f"strength {seen.strength}" if seen is not None
                else "not in sight now")
    whose = f"the {SIDES[u.side]}'s " if app.omniscient else ""  # (else its name says "enemy")
    hidden = ", hidden from you" if app.omniscient and u.hidden else ""
    return (f"Selected {whose}{app.names.name(uid)}, {strength}{hidden}, to place (it takes no other "
            f"order): {how_to_place(app)}")


def panel_lines(app: Any, uid: str) -> tuple[str, list[str]] | None:
    """(title, lines) for the side panel's selected-unit section when the selected unit is the other side's
    (picked for a sandbox placement), None for an own unit: what the screen may show of it (without --see-all only
    what the side sees: its contact's type and strength, not its name, cohesion or supply) and how to place it, in
    place of the own unit's flags and move hint."""
    if not on(app) or not is_other(app, uid):
        return None
    st = app.state
    u = st.unit(uid)
    ut = st.utype(u)
    if app.omniscient:
        flags = [f"strength {u.strength}/{ut.max_steps}", f"cohesion {u.cohesion}"]
        if u.hidden:
            flags.append("HIDDEN from you")
        head = f"The {SIDES[u.side]}'s {u.name or u.id} - {ut.label}"
    else:
        seen = next((c for c in app.view.contacts if c.id == uid), None)
        flags = [f"strength {seen.strength}/{ut.max_steps}, seen at {st.map.describe(seen.idx)}" if seen is not None
                 else "not in sight now"]
        head = f"{app.names.name(uid)} - {ut.label}"
    return head, [", ".join(flags), f"Sandbox: picked to place, it takes no other order; {how_to_place(app)}."]


def toggle_place_mode(app: Any) -> None:
    """Key P: the place mode on (a click on a hex then places the selected unit) or off."""
    if not on(app):
        app.status = "P (place units) needs a sandbox game: wargame play SCENARIO --sandbox"
        return
    if app.state.outcome is not None:
        app.status = "The game is over: nothing more is placed"
        return
    if app.place_mode:
        leave_place_mode(app)
        return
    app.place_mode = True
    app.drop_preview()
    if app.selected is None:
        app.status = ("Place mode on: click a counter (either side's) to choose the unit, then a hex to place it "
                      "there (P or Esc leaves the place mode)")
    else:
        app.status = f"Place mode on: {app.names.name(app.selected)} selected - {how_to_place(app)}"


def change_strength(app: Any, delta: int) -> None:
    """Keys [ and ]: the selected unit (either side's) a step weaker or stronger (`SandboxStrength`, undoable)."""
    uid = _edit_target(app, "[ and ] (a unit's strength)")
    if uid is None:
        return
    u = app.state.unit(uid)
    top = app.state.utype(u).max_steps
    want = u.strength + delta
    if not 1 <= want <= top:
        app.status = f"{app.names.name(uid)} has {u.strength} of {top} steps: [ and ] set 1 to {top}"
        return
    if app.issue(SandboxStrength(uid, want)) is not None:
        app.status = f"{app.names.name(uid)}: strength {want}/{top} (Ctrl+Z takes it back)"


def toggle_hidden(app: Any) -> None:
    """Ctrl+H: the selected unit (either side's) hidden, or revealed if it is hidden (`SandboxHide`, undoable): an
    ambush set up again after it was sprung."""
    uid = _edit_target(app, "Ctrl+H (hide a unit)")
    if uid is None:
        return
    u = app.state.unit(uid)
    if app.issue(SandboxHide(uid, not u.hidden)) is not None:
        app.status = (f"{app.names.name(uid)} {'hidden' if u.hidden else 'revealed'} at "
                      f"{app.state.map.describe(u.idx)} (Ctrl+Z takes it back)")


def _edit_target(app: Any, what: str) -> str | None:
    """The unit a strength or hide key edits (the selected one), or None with the status line saying why."""
    if not on(app):
        app.status = f"{what} needs a sandbox game: wargame play SCENARIO --sandbox"
        return None
    if app.state.outcome is not None:
        app.status = "The game is over: nothing more is edited"
        return None
    if app.selected is None:
        app.status = f"{what}: select a unit first (click its counter, either side's)"
        return None
    if is_other(app, app.selected) and not edits_others(app):
        app.status = f"{what}: the other side's units are the other player's to edit (hotseat)"
        return None
    return app.selected


def leave_place_mode(app: Any) -> None:
    """Esc or P again: the place mode off, the selection kept."""
    app.place_mode = False
    app.status = "Place mode off: clicks give orders again (P: place mode)"


def place_click(app: Any, idx: int, ctrl: bool = False) -> None:
    """A click (or Enter on the keyboard cursor's hex) in the place mode: on a counter, the unit to place is chosen
    (a click again goes through the stack); elsewhere, or with Ctrl on a stack, the selected unit is placed there.
    A refusal is the engine's (`engine.rules._check_sandbox`: its words do not tell a hidden enemy from terrain)."""
    here = [u.id for u in shown_at(app, idx) if u.side == app.view_side or edits_others(app)]
    if here and not (ctrl and app.selected is not None):
        app.select(pick_in_stack(app, here))
        return
    if app.selected is None:
        app.status = "Place mode: click a counter first (either side's) to choose the unit to place (P or Esc leaves)"
        return
    place(app, app.selected, idx)


def place(app: Any, uid: str, idx: int) -> bool:
    """Place unit `uid` on hex `idx` (a sandbox order, undoable with Ctrl+Z: `App.issue`); whether it was."""
    st = app.state
    if is_other(app, uid) and not edits_others(app):
        app.status = "The other side's units are the other player's to place (hotseat)"
        return False
    was = st.unit(uid).idx if st.unit(uid).arrived else None
    events = app.issue(SandboxPlace(uid, st.map.hex_of(idx)))
    if events is None:
        return False
    frm = f" from {st.map.describe(was)}" if was is not None and was != idx else ""
    said = f"Placed {app.names.name(uid)}{frm} at {st.map.describe(idx)} (Ctrl+Z takes it back)"
    # (what else the side saw of it, a hex taken, summed up as after any order; the edit's own line is `said`)
    more = [ev for ev in app.seen_events(events) if ev.kind != "SandboxEdit"]
    rest = order_summary(more, st, "", None if app.omniscient else app.view, None, app.names) if more else ""
    app.status = f"{said} | {rest}" if rest else said
    app.highlight = [idx] + ([was] if was is not None and was != idx else [])
    return True


def undone_words(app: Any, before: Any, orders: list[Any]) -> str | None:
    """What an undo took back when it was a sandbox edit (`orders`: the orders undone, the last one last; `before`:
    the state it returns to), for the status line; None for a move."""
    if not orders or not isinstance(orders[-1], SANDBOX_ORDERS):
        return None
    o = orders[-1]
    if isinstance(o, SandboxStrength):
        u = before.unit(o.unit)
        return f"Sandbox strength change undone: {app.names.name(o.unit)} has {u.strength} steps again"
    if isinstance(o, SandboxHide):
        u = before.unit(o.unit)
        return f"Sandbox {'hiding' if o.hidden else 'reveal'} undone: {app.names.name(o.unit)} is " \
            f"{'hidden' if u.hidden else 'in the open'} again"
    if isinstance(o, (SandboxWeather, SandboxCloudBase)):
        w = before.weather
        what = o.preset if isinstance(o, SandboxWeather) else f"cloud base {o.ceiling_m} m"
        return (f"Sandbox weather change ({what}) undone: cloud base {w.ceiling_m:g} m, visibility "
                f"{w.visibility_km:g} km, fog {w.fog} again")
    u = before.unit(o.unit)
    where = f"back at {before.map.describe(u.idx)}" if u.arrived else \
        f"off the map again (arrives on turn {u.arrives_turn})"
    return f"Sandbox placement undone: {app.names.name(o.unit)} is {where}, hex control as it was"


def roster_rows(app: Any) -> list[tuple[str, str]]:
    """The roster's rows for the other side's units in the sandbox (after the player's own): those the screen shows
    (with --see-all every one, those still to arrive too; else the enemies the side sees), so a teacher can pick
    one to place. A heading row first (its id "": a click on it selects nothing)."""
    if not on(app) or app.choosing or not edits_others(app):
        return []
    st = app.state
    table = st.scenario.unit_table
    other = 1 - app.view_side
    nm = app.names
    rows: list[tuple[str, str]] = []
    if app.omniscient:
        for u in st.units:
            ut = table[u.type]
            if u.side != other or u.strength <= 0 or ut.domain != "ground" or u.offmap:
                continue
            if not u.arrived:
                rows.append((f"   arrives on turn {u.arrives_turn}: {nm.name(u.id)}, {ut.label.split(' (')[0]}", u.id))
                continue
            flag = "[hidden] " if u.hidden else ""
            rows.append((f"   {flag}{u.strength}/{ut.max_steps} {nm.name(u.id)} - {ut.label.split(' (')[0]}", u.id))
    else:
        for c in app.view.contacts:
            ut = table[c.type]
            if ut.domain != "ground":
                continue
            rows.append((f"   {c.strength}/{ut.max_steps} {nm.name(c.id)} - seen at {st.map.describe(c.idx)}", c.id))
    if not rows:
        return []
    whose = "all" if app.omniscient else "those you see"
    head = f"The {SIDES[other]}'s units ({whose}) - sandbox: click one, then P and a hex to place it"
    return [(head, ""), *rows]


def tag_lines(app: Any, compact: bool = False) -> list[str]:
    """The tag's lines: SANDBOX, or SANDBOX - PLACE MODE with what a click does now; a weather setting the sandbox
    holds from turn to turn (`GameState.weather_held`) is named, as a reminder that the weather is not history's.
    `compact`: for a narrow map area, the keys left to the help (H), the held weather said short."""
    if not app.place_mode:
        held = app.state.weather_held
        hint = TAG_HINT_SHORT if compact else TAG_HINT
        if held is None:
            return [TAG, hint]
        if compact:
            return [TAG, f"{hint} - weather held: {held[0]} (F5 ends it)"]
        return [TAG, f"{hint} - weather held: {held[0]}, since turn {held[1]} (F5: the scenario's again)"]
    if app.selected is None:
        return [PLACE_TAG, "click a counter to choose the unit - P or Esc: leave"]
    return [PLACE_TAG, f"click a hex: put {app.names.short(app.selected)} there - P or Esc: leave"]


def draw_tag(app: Any, screen: pygame.Surface) -> pygame.Rect | None:
    """The SANDBOX tag at the map area's top right (and, in the place mode, a frame round the map area): a game
    that plays by other rules says so at every size. A click on the tag switches the place mode (`App.render`
    adds the click region). Its rectangle on the screen, or None outside a sandbox."""
    if not on(app) or app.pass_screen or app.choosing:
        return None
    p = app.palette
    t = app.ui_text
    mr = app.map_rect
    if app.place_mode:
        frame = pygame.Rect(mr.x, mr.y, mr.w, mr.h - app.status_reserve)
        pygame.draw.rect(screen, p.accent, frame, FRAME_W)
    head, hint = tag_lines(app)
    big = t.render(head, 13, TAG_INK, bold=True)
    width = max(120, mr.w // 3)  # (a third of the map at most: at a projector's 1280x800 x1.5 half the map's width
    lines = t.wrap(hint, 10, width)  # and three lines of keys covered Shusha's name and the places by it)
    if len(lines) > 2 and not app.place_mode:
        head, hint = tag_lines(app, compact=True)
        lines = t.wrap(hint, 10, width)
    small = [t.render(s, 10, TAG_INK) for s in lines]
    w = max([big.get_width(), *(i.get_width() for i in small)]) + 12
    h = big.get_height() + sum(i.get_height() for i in small) + 8
    from ui.panels import TOP_HINT_Y, top_hint, top_hint_image

    y = mr.y + TOP_HINT_Y
    hint_s = top_hint(app)  # (whose turn it is, top left: the tag keeps clear of it, below it if they would meet)
    if hint_s and mr.x + 8 + top_hint_image(app, hint_s).get_width() + 8 > mr.right - 8 - w:
        y += top_hint_image(app, hint_s).get_height() + 2
    box = pygame.Rect(mr.right - 8 - w, y, w, h)
    screen.fill(p.accent, box)  # (opaque: a label under it showed through)
    pygame.draw.rect(screen, TAG_INK, box, 1)
    screen.blit(big, (box.x + 6, box.y + 3))
    yy = box.y + 3 + big.get_height()
    for img in small:
        screen.blit(img, (box.x + 6, yy))
        yy += img.get_height()
    return box
