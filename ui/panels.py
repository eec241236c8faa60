"""Side panel, status line, legends, help, pass-the-screen and game-over screens (plain pygame drawing)."""

from __future__ import annotations

from typing import Any

import pygame

from engine.units import SIDES

FS = 13  # base text size (scaled by --ui-scale)


class Writer:
    """Draws lines of text down a column, wrapping to the width."""

    def __init__(self, app: Any, surf: pygame.Surface, rect: pygame.Rect) -> None:
        self.app, self.surf, self.rect = app, surf, rect
        self.x = rect.x + 10
        self.y = rect.y + 8
        self.w = rect.w - 20

    def line(self, s: str, colour: tuple[int, int, int] | None = None, px: int = FS, bold: bool = False,
             wrap: bool = True, indent: int = 0) -> pygame.Rect:
        t = self.app.text
        col = colour or self.app.palette.panel_fg
        y0 = self.y
        for k, part in enumerate(t.wrap(s, px, self.w - indent) if wrap else [s]):
            img = t.render(part, px, col, bold=bold)
            self.surf.blit(img, (self.x + indent + (10 if k else 0), self.y))
            self.y += t.line_height(px)
        return pygame.Rect(self.rect.x, y0, self.rect.w, self.y - y0)

    def gap(self, n: int = 5) -> None:
        self.y += n

    def rule(self) -> None:
        pygame.draw.line(self.surf, (70, 75, 85), (self.x, self.y + 2), (self.x + self.w, self.y + 2))
        self.y += 6


def draw_panel(app: Any, screen: pygame.Surface, rect: pygame.Rect) -> None:
    st = app.state
    v = app.view
    p = app.palette
    scen = st.scenario
    pygame.draw.rect(screen, p.panel_bg, rect)
    w = Writer(app, screen, rect)
    w.line(scen.meta.name, p.accent, px=15, bold=True)
    when = scen.turn_start(st.turn)
    w.line(f"Turn {st.turn}/{scen.turns} — {when:%a %d %b %H:%M} — {'NIGHT' if st.night else 'day'}",
           bold=True)
    side_col = p.side[st.side]
    to_move = f"{SIDES[st.side]} ({scen.sides[SIDES[st.side]].name})"
    w.line(f"To move: {to_move}", side_col, bold=True)
    w.line(f"Phase: {st.phase.upper()}   (air › artillery › movement › assault)")
    me = f"You see as: {SIDES[app.view_side]}" + (" (hotseat)" if app.hotseat else "")
    if st.sandbox:
        me += " — SANDBOX"
    w.line(me, p.panel_dim)
    wx = v.weather
    w.line(f"Weather: ceiling {wx.ceiling_m:.0f} m, visibility {wx.visibility_km:g} km, fog {wx.fog}, "
           f"{wx.precipitation}", p.panel_fg)
    # air and off-map units with grounded status (clickable)
    table = scen.unit_table
    extra = [u for u in v.own if u.active and (table[u.type].domain == "air" or u.offmap)]
    if extra:
        w.line("Air & off-map units (click to select):", p.panel_dim)
        for u in extra:
            ut = table[u.type]
            if ut.domain == "air":
                g = v.grounded.get(u.id)
                status = f"GROUNDED: {g}" if g else ("flown" if u.fired else "can fly")
            else:
                status = "fired" if u.fired else f"off-map guns, range {ut.range_hexes}"
            col = p.bad if (ut.domain == "air" and v.grounded.get(u.id)) else p.good
            mark = "▶ " if u.id == app.selected else "  "
            r = w.line(f"{mark}{u.id} ({ut.label.split(' (')[0]}, {u.strength}): {status}", col, px=12,
                       indent=4)
            app.click_regions.append((r, (lambda uid=u.id: app.select(uid))))
    # victory status
    obj_hexes = list(app.renderer.objective)
    held = sum(1 for i in obj_hexes if v.control[i] == 0)
    vic = scen.victory
    w.line(f"Objective {vic.objective}: attacker holds {held}/{len(obj_hexes)} hexes; "
           f"road {'CUT' if st.road_cut else 'open'}", p.accent)
    w.rule()
    # selected unit / pending order
    if app.pending is not None:
        for s in app.pending[1]:
            bad = s.startswith("NOT") or s.startswith("NO ")
            w.line(s, p.bad if bad else p.panel_fg, px=12)
        w.rule()
    elif app.selected:
        u = st.unit(app.selected)
        ut = st.utype(u)
        w.line(f"{u.name} — {ut.label}", p.side[u.side], bold=True)
        flags = [f"strength {u.strength}/{ut.max_steps}", f"cohesion {u.cohesion}",
                 f"{ut.mobility} {ut.move_points:g} MP"]
        if u.moved:
            flags.append("moved")
        if u.fired:
            flags.append("fought/fired")
        if u.hidden:
            flags.append("HIDDEN")
        if not u.supplied:
            flags.append("OUT OF SUPPLY")
        w.line(", ".join(flags), px=12)
        hint = {"movement": "click a highlighted hex to move (number = MP cost)",
                "assault": "click an adjacent enemy to preview an assault",
                "artillery": "click a spotted enemy to preview a fire mission",
                "air": "click a hex: recon sortie, or strike a spotted enemy"}[st.phase]
        w.line(hint, p.panel_dim, px=12)
        w.rule()
    # hovered hex
    if app.hover is not None:
        hover_info(app, w, app.hover)
        w.rule()
    # buttons at the bottom
    lh = app.text.line_height(FS) + 8
    by = rect.bottom - lh - 6
    bx = rect.x + 8
    buttons = [("End phase", app.end_phase), ("Undo", app.undo), ("Save", app.save),
               ("Help (H)", lambda: setattr(app, "show_help", True))]
    bw = (rect.w - 16 - 6 * (len(buttons) - 1)) // len(buttons)
    for label, action in buttons:
        r = pygame.Rect(bx, by, bw, lh)
        active = app.my_turn() or label.startswith(("Save", "Help"))
        pygame.draw.rect(screen, (70, 90, 120) if active else (55, 58, 66), r, border_radius=4)
        img = app.text.render(label, 13, p.panel_fg if active else p.panel_dim, bold=True)
        screen.blit(img, img.get_rect(center=r.center))
        app.click_regions.append((r, action))
        bx += bw + 6
    # event log fills the rest
    draw_log(app, screen, pygame.Rect(rect.x, w.y, rect.w, by - w.y - 4))


def hover_info(app: Any, w: Writer, idx: int) -> None:
    st = app.state
    gm = st.map
    p = app.palette
    t = gm.terrain_at(idx)
    place = gm.place_name(idx)
    c, r = gm.hex_of(idx)
    w.line(f"Hex ({c},{r}){' ' + place if place else ''}: {t.name}, {gm.elevation[idx]:.0f} m", p.accent,
           bold=True)
    w.line(f"defence {t.defence:+d}, concealment {t.concealment}, ambush {t.ambush}", px=12)
    costs = ", ".join(f"{k} {'—' if v is None else f'{v:g}'}" for k, v in t.move_cost.items())
    w.line(f"move cost: {costs}", px=12)
    feats = []
    for name, kind, path in gm.roads:
        if idx in path:
            feats.append(f"{kind} road ({name})")
    if gm.river[idx].any():
        feats.append("river on edge")
    if gm.cliff_down[idx].any():
        feats.append("cliff top (fires down +)")
    if gm.cliff_up[idx].any():
        feats.append("below a cliff")
    ctl = int(app.view.control[idx])
    if ctl >= 0:
        feats.append(f"held by {SIDES[ctl]}")
    if feats:
        w.line("; ".join(feats), px=12)
    here = []
    for u in app.own_units_at(idx):
        here.append(f"{u.id} ({u.type}, {u.strength}{', hidden' if u.hidden else ''})")
    for cv in app.contacts_at(idx):
        here.append(f"ENEMY {cv.id} ({cv.type}, {cv.strength})")
    if here:
        w.line("Here: " + "; ".join(here), px=12)
    dest = app.destinations()
    if idx in dest:
        w.line(f"Move here: {dest[idx][0]:g} MP", p.good, px=12)


def draw_log(app: Any, screen: pygame.Surface, rect: pygame.Rect) -> None:
    if rect.h < 30:
        return
    p = app.palette
    t = app.text
    px = 12
    lh = t.line_height(px)
    title = t.render("Event log (click: show on map; wheel scrolls)", px, p.panel_dim)
    screen.blit(title, (rect.x + 10, rect.y))
    area = pygame.Rect(rect.x + 6, rect.y + lh + 2, rect.w - 12, rect.h - lh - 2)
    pygame.draw.rect(screen, (22, 24, 30), area)
    events = app.visible_events()
    rows: list[tuple[str, Any, int]] = []
    # newest at the bottom; take enough events from the end, honouring the scroll
    n_rows = area.h // lh
    end = max(0, len(events) - app.log_scroll)
    app.log_scroll = min(app.log_scroll, max(0, len(events) - 1))
    k = end - 1
    while k >= 0 and len(rows) < n_rows:
        _, ev = events[k]
        lines = t.wrap(f"T{ev.turn} {ev.text()}", px, area.w - 8)
        for j, s in enumerate(reversed(lines)):
            rows.append((("   " if j < len(lines) - 1 else "") + s, ev, k))
        k -= 1
    rows = rows[:n_rows][::-1]
    y = area.bottom - lh * len(rows)
    for s, ev, _ in rows:
        col = p.panel_fg
        side = getattr(ev, "side", None)
        if side in SIDES:
            col = tuple(min(255, c + 70) for c in p.side[SIDES.index(side)])
        if ev.kind in ("TurnStarted", "GameOver"):
            col = p.accent
        elif ev.kind == "AirStatus" and getattr(ev, "grounded", False):
            col = p.bad
        img = t.render(s, px, col)
        screen.blit(img, (area.x + 4, y))
        r = pygame.Rect(area.x, y, area.w, lh)

        def act(ev: Any = ev) -> None:
            app.highlight = [app.state.map.idx(h) for h in ev.hexes()]
            app.status = ev.text()
            if app.highlight:
                app.center_on(app.highlight[0])

        app.click_regions.append((r, act))
        y += lh


def draw_status(app: Any, screen: pygame.Surface) -> None:
    p = app.palette
    mr = app.map_rect
    t = app.text
    lines = t.wrap(app.status, FS, mr.w - 20)[:2]
    lh = t.line_height(FS)
    h = lh * len(lines) + 8
    bar = pygame.Surface((mr.w, h), pygame.SRCALPHA)
    bar.fill((20, 22, 28, 210))
    screen.blit(bar, (mr.x, mr.bottom - h))
    for k, s in enumerate(lines):
        col = p.bad if app.status.startswith(("Not allowed", "Cannot", "Error")) else p.panel_fg
        screen.blit(t.render(s, FS, col), (mr.x + 10, mr.bottom - h + 4 + k * lh))
    # top-left hint: turn owner
    st = app.state
    if st.outcome is None and app.human and st.side not in app.human:
        s = f"{SIDES[st.side]} is playing…"
        img = t.halo(s, 15, (0, 0, 0), (255, 255, 255), bold=True)
        screen.blit(img, (mr.x + 8, mr.y + 6))


def draw_legends(app: Any, screen: pygame.Surface, results: list[Any]) -> None:
    t = app.text
    px = 12
    lh = t.line_height(px)
    rows: list[tuple[Any, str, bool]] = []
    for res in results:
        rows.append((None, res.title, True))
        for col, label in res.legend:
            rows.append((col, label, False))
    if not rows:
        return
    width = max(t.font(px, bold=True).size(s)[0] for _, s, _ in rows) + 36
    height = lh * len(rows) + 10
    box = pygame.Surface((width, height), pygame.SRCALPHA)
    box.fill((20, 22, 28, 215))
    y = 5
    for col, label, bold in rows:
        x = 8
        if col is not None:
            if col[3] > 0:
                pygame.draw.rect(box, col, (x, y + 2, 14, lh - 4))
                pygame.draw.rect(box, (200, 200, 200), (x, y + 2, 14, lh - 4), 1)
            x += 20
        box.blit(t.render(label, px, (240, 240, 240), bold=bold), (x, y))
        y += lh
    screen.blit(box, (app.map_rect.x + 8, app.map_rect.bottom - height - 50))


def _modal(app: Any, screen: pygame.Surface, lines: list[tuple[str, int, tuple[int, int, int], bool]],
           dim: int = 170) -> None:
    t = app.text
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


def draw_help(app: Any, screen: pygame.Surface, entries: list[tuple[str, str]]) -> None:
    fg = app.palette.panel_fg
    lines = [("Keys and mouse", 18, app.palette.accent, True)]
    for k, d in entries:
        lines.append((f"{k:<28}{d}", 13, fg, False))
    lines.append(("", 13, fg, False))
    lines.append(("Counters: red-ish = attacker, blue-ish = defender; pips = strength steps; faded = your hidden"
                  " unit.", 13, fg, False))
    lines.append(("Map: heavy black hachured lines = cliffs (ticks point downhill), blue edges = rivers, red road ="
                  " Lachin corridor, gold outline = objective.", 13, fg, False))
    lines.append(("Click or press Esc to close.", 13, app.palette.panel_dim, False))
    _modal(app, screen, lines, dim=120)


def draw_pass_screen(app: Any, screen: pygame.Surface) -> None:
    side = app.state.side
    lines = [(f"Pass the screen to the {SIDES[side].upper()}", 24, app.palette.side[side], True),
             (f"({app.state.scenario.sides[SIDES[side]].name}) — turn {app.state.turn}, {app.state.phase} phase",
              15, app.palette.panel_fg, False),
             ("Click or press Enter when ready.", 15, app.palette.panel_dim, False)]
    _modal(app, screen, lines, dim=255)


def draw_game_over(app: Any, screen: pygame.Surface) -> None:
    st = app.state
    sc = st.score.to_dict()
    p = app.palette
    o = st.outcome
    lines = [(f"GAME OVER — {o.winner} wins on turn {o.turn}", 22, p.accent, True), (o.reason, 14, p.panel_fg, False),
             ("", 10, p.panel_fg, False)]
    for k, v in sc.items():
        if isinstance(v, dict):
            v = "; ".join(f"{a}: {b}" for a, b in v.items())
        lines.append((f"{k}: {v}", 12, p.panel_fg, False))
    lines.append(("Ctrl+S saves the game (replay with `wargame replay FILE`); close the window to quit.", 12,
                  p.panel_dim, False))
    _modal(app, screen, lines, dim=140)
