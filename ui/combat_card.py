"""The last-fight card (key B): the most recent fight the viewing side saw, pinned over the map with every modifier,
the odds and the roll, in lines a class reads from the back of the room. At a projector's 1280x800 x1.5 the event
log kept two to five entries and the status line cut the modifiers off: nothing on screen showed a whole fight.

It shows the events as the log has them (`App.visible_events`: the engine's `visible_log`), never more, and reads
their fire results (`engine.events.FireResult`); nothing is re-derived. No game rule here."""

from __future__ import annotations

from typing import Any

import pygame

from engine.events import roll_percents
from ui import legend_place

KEY = pygame.K_b
"""Shows and hides the card (free in the help's key list: `ui.app.HELP`)."""
FIGHTS = frozenset({"AmbushSprung", "AssaultResolved", "ArtilleryFired", "SuspectedFire", "HiddenUnitShelled",
                    "AirDefenceEngaged", "DroneStrike"})
"""The events the card shows: fire and its dice (watch mode, `ui.app.FIGHT_EVENTS`, stops at the same)."""
TITLES = {"AmbushSprung": "AMBUSH", "AssaultResolved": "ASSAULT", "ArtilleryFired": "ARTILLERY",
          "SuspectedFire": "FIRE ON A SUSPECTED POSITION", "HiddenUnitShelled": "ARTILLERY ON A HIDDEN UNIT",
          "AirDefenceEngaged": "AIR DEFENCE", "DroneStrike": "DRONE STRIKE"}
MAX_RESULTS = 3
"""Fire results shown in full (an assault has one per unit on each side); the rest are counted, in the log."""
PX, HEAD_PX = 12, 14
INK, DIM, PLUS, MINUS = (235, 235, 235), (175, 180, 190), (120, 220, 130), (255, 140, 120)
PLATE = (22, 24, 30, 232)


def last_fight(app: Any) -> tuple[int, Any] | None:
    """(log index, event) of the newest fight in the viewing side's log, or None."""
    for k, ev in reversed(app.visible_events()):
        if ev.kind in FIGHTS:
            return k, ev
    return None


def _where(ev: Any) -> str:
    """Where the fight was, as its log line says it: the target's hex (an ambush's mover, an assault's defender),
    else the hex it names."""
    h = getattr(ev, "target_hex", None) or getattr(ev, "hex", None)
    return f" at ({h[0]},{h[1]})" if h is not None else ""


def card_lines(app: Any, ev: Any, limit: int = MAX_RESULTS) -> list[tuple[str, tuple[int, int, int], bool]]:
    """The card's lines (text, colour, bold): a heading, then for each fire result the firer and target, the
    firepower less the protection, each modifier with its source and sign, the net and the chance per shot, and
    each roll against it with the result (air defence's shots at a drone first), then what the fight decided
    (`_outcome`); an event without fire results has its log text."""
    name = app.names.short
    out = [(f"T{ev.turn} {TITLES.get(ev.kind, ev.kind)}{_where(ev)}", INK, True)]
    results = ev.fire_results()
    engaged = [ev] if ev.kind == "AirDefenceEngaged" else getattr(ev, "engagements", [])
    for e in engaged:  # (air defence fires before the strike)
        out.append((f"{name(e.ad_unit)} engages {name(e.drone)}: {e.p_kill:.0%} to shoot it down, roll "
                    f"{roll_percents([e.roll], e.p_kill)} (a hit below {e.p_kill * 100:g}): "
                    f"{'SHOT DOWN' if e.shot_down else 'missed'}", MINUS if e.shot_down else INK, False))
    if not results:
        return out if engaged and not getattr(ev, "aborted", False) else [*out, (app.names(ev.text()), INK, False)]
    for f in results[:limit]:
        out.append((f"{name(f.firer)} fires at {name(f.target)}", INK, True))
        vs = f" ({f.firepower_vs})" if f.firepower_vs else ""
        out.append((f"  firepower {f.firepower}{vs}, less protection {f.protection}", DIM, False))
        for m in f.modifiers:
            out.append((f"  {m.source}  {m.value:+d}", PLUS if m.value > 0 else MINUS, False))
        if not f.modifiers:
            out.append(("  no modifiers", DIM, False))
        out.append((f"  = {f.net}: {f.p_hit:.0%} a shot, {f.shots} shot{'s' if f.shots != 1 else ''}", INK, True))
        if f.rolls:
            pct = f.p_hit * 100
            rolls = roll_percents(f.rolls, f.p_hit)
            out.append((f"  roll{'s' if len(f.rolls) > 1 else ''} {rolls} (a hit below {pct:g}): "
                        f"{f.hits} hit{'s' if f.hits != 1 else ''}, {f.losses} step{'s' if f.losses != 1 else ''} "
                        f"lost", INK, False))
    if len(results) > limit:
        more = len(results) - limit
        out.append((f"+{more} more fire result{'s' if more > 1 else ''}: in the log (click the card)", DIM, False))
    return out + [(text, INK, True) for text in _outcome(app, ev)]


def _outcome(app: Any, ev: Any) -> list[str]:
    """What the fight decided beyond the steps lost, as the event records it (the log line's own words): an
    assault's result and the rule behind it, who spotted for the guns, an ambushed mover stopping, a drone's
    munitions, a hidden unit staying hidden."""
    name = app.names.short
    if ev.kind == "AssaultResolved":
        return [app.names(f"Result: {ev.result}" + (f" ({ev.why})" if ev.why else ""))]
    if ev.kind == "AmbushSprung":
        return [f"Result: {name(ev.target)} stops"]
    if ev.kind == "HiddenUnitShelled":
        return [f"Result: {name(ev.unit)} stays hidden"]
    out = []
    if getattr(ev, "spotter", ""):
        seen = f"last seen T{ev.mark_turn}; " if getattr(ev, "mark_turn", None) is not None else ""
        out.append(f"On a suspected position ({seen}spotter: {app.names(ev.spotter)})" if ev.kind == "SuspectedFire"
                   else f"Spotter: {app.names(ev.spotter)}")
    if ev.kind == "DroneStrike" and ev.expended:
        out.append(f"{name(ev.unit)}: its last munition, used up" if ev.munitions_left == 0
                   else f"One munition expended, {ev.munitions_left} left" if ev.munitions_left > 0 else "")
    return [text for text in out if text]


def draw(app: Any, screen: pygame.Surface) -> pygame.Rect | None:
    """The card over the map where it hides least (`legend_place`, clear of the overlay legend and the SANDBOX
    tag), or None when it is off (it shows by itself while watch mode stops at a fight: a playtest found only the
    one-line status telling the fight there) or there is no fight yet. A click on it shows the fight on the map
    (`App.show_event`)."""
    watching = getattr(app, "watching", None) is not None  # (watch mode's stop shows its fight: key W)
    if not (getattr(app, "show_fight_card", False) or watching) or app.pass_screen or app.choosing:
        return None
    got = last_fight(app)
    if got is None:
        return None
    k, ev = got
    t = app.ui_text
    mr = app.map_rect
    avoid = [r for r in (getattr(app, "legend_rect", None), getattr(app, "sandbox_tag_rect", None)) if r]
    key = (k, id(app.state), app.view_side, getattr(app, "show_fight_card", False), tuple(mr), int(app.vx),
           int(app.vy), app.hex_size, app.status_cover,
           tuple(tuple(r) for r in avoid), len(getattr(app, "counter_boxes", [])), id(t))
    cached = getattr(app, "_fight_card_cache", None)
    if cached is not None and cached[0] == key:  # (laid out and placed again only when something moved)
        spot, plate = cached[1], cached[2]
    else:
        spot, plate = _layout(app, ev, avoid)
        app._fight_card_cache = (key, spot, plate)
    screen.blit(plate, spot)
    regions = getattr(app, "click_regions", None)
    if regions is not None:
        regions.insert(0, (spot, lambda: app.show_event(k)))
    return spot


def _rows(app: Any, ev: Any, width: int, limit: int) -> list[pygame.Surface]:
    """The card's lines (`card_lines`, `limit` fire results in full) wrapped to `width` and rendered."""
    t = app.ui_text
    rows: list[pygame.Surface] = []
    for text, colour, bold in card_lines(app, ev, limit):
        px = HEAD_PX if not rows else PX
        indent = "    " if text.startswith("  ") else ""
        for n, piece in enumerate(t.wrap(text.strip(), px, width - 16 - t.font(px).size(indent)[0], bold)):
            rows.append(t.render(("  " if n else "") + indent + piece, px, colour, bold))
    how = "B: hide this card" if getattr(app, "show_fight_card", False) else "Space: go on (B keeps the card)"
    rows.append(t.render(f"{how} - a click: show it on the map", 10, DIM))
    return rows


def _layout(app: Any, ev: Any, avoid: list[pygame.Rect]) -> tuple[pygame.Rect, pygame.Surface]:
    """The card's place and picture. It fits the map area: where its lines would run taller (an assault's three
    fire results at a projector's 1280x800 x1.5 took 1,000 px), it widens to two thirds of the map, then shows
    fewer results in full (the rest counted, in the log). Where every place for it covers the fight, it shows fewer
    results in full, down to one, if that finds a place clear of the fight: at 1280x800 x1.5 the card of the cliff
    assault covered the town it told of."""
    t = app.ui_text
    mr = app.map_rect
    room = mr.h - legend_place.TOP - app.status_cover - 16
    width = max(220, min(mr.w // 2, t.font(PX).size("x" * 56)[0]))
    wide = max(width, min(mr.w * 2 // 3, t.font(PX).size("x" * 84)[0]))
    area = pygame.Rect(mr.x, mr.y + legend_place.TOP, mr.w, mr.h - legend_place.TOP - app.status_cover)
    m, rad = app.state.map, max(8, int(app.hex_size))
    fight = [pygame.Rect(int(x) - rad, int(y) - rad, 2 * rad, 2 * rad)  # (the fight's hexes and their counters)
             for x, y in (app.hex_to_screen(m.idx(hx)) for hx in ev.hexes() if m.on_map(hx))]
    centres, busy = legend_place.hex_centres(app), legend_place.busy_boxes(app)
    first: tuple[pygame.Rect, list[pygame.Surface]] | None = None
    tried: set[tuple[int, int]] = set()
    for limit, wrap_at in [(n, x) for n in range(MAX_RESULTS, 0, -1) for x in dict.fromkeys((width, wide))]:
        rows = _rows(app, ev, wrap_at, limit)
        h = sum(r.get_height() for r in rows) + 12
        if h > room:
            continue
        w = max(r.get_width() for r in rows) + 16
        if (w, h) in tried:
            continue
        tried.add((w, h))
        spot = _spot(area, w, h, avoid, fight, centres, busy)
        if first is None:
            first = (spot, rows)
        if spot.collidelist(fight) < 0 or not fight:
            break
    else:
        if first is None:  # (not even one result in full fits: the fewest, cut at the bottom)
            rows = _rows(app, ev, wide, 1)
            w, h = max(r.get_width() for r in rows) + 16, sum(r.get_height() for r in rows) + 12
            first = (_spot(area, w, h, avoid, fight, centres, busy), rows)
        spot, rows = first
    plate = pygame.Surface(spot.size, pygame.SRCALPHA)
    plate.fill(PLATE)
    pygame.draw.rect(plate, app.palette.accent, plate.get_rect(), 1)
    y = 6
    for r in rows:
        plate.blit(r, (8, y))
        y += r.get_height()
    return spot, plate


def _spot(area: pygame.Rect, w: int, h: int, avoid: list[pygame.Rect], fight: list[pygame.Rect],
          centres: Any, busy: Any) -> pygame.Rect:
    """Where a card of `w` x `h` goes in `area`, clear of `avoid`: over the fewest of the fight's hexes, then what
    it hides least (`legend_place.costs`), the first such."""
    spots = [s for s in legend_place.spots(area, w, h) if not any(s.colliderect(r) for r in avoid)]
    spots = spots or [pygame.Rect(area.x + 8, area.bottom - h - 8, w, h)]
    hidden = legend_place.costs(spots, centres, busy)  # (all at once)
    return spots[min(range(len(spots)), key=lambda k: (len(spots[k].collidelistall(fight)), int(hidden[k])))]
