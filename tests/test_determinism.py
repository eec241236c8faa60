"""Determinism: same scenario + seed ⇒ identical event log; saves replay byte for byte; golden hashes."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest
from conftest import shusha_scenario, tiny_game, tiny_scenario
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.ai.base import make_agent
from engine.events import event_to_json
from engine.game import play_game, run_agents
from engine.rules import seed_streams
from engine.savegame import game_from_save_dict, save_dict


def log_lines(state) -> list[str]:
    return [event_to_json(e) for e in state.log]


def log_hash(state) -> str:
    return hashlib.sha256("\n".join(log_lines(state)).encode("utf-8")).hexdigest()


# Golden hashes: sha256 of the "\n"-joined `event_to_json` lines of a full Shusha game (doctrine vs doctrine,
# historical weather) for seeds 1, 2, 3; last updated for the scenario sha256 d77f1f663c92 (of the file's bytes;
# 6614c5875877 of its canonical JSON; session 42: the GameStarted line only; the briefing says how to switch the
# overlays where it first names one, and that fog grounds the armed drones too; seeds 1-20 give the same logs with the
# GameStarted line left out). Before that, the scenario sha256 3586cf697fd7 (of the file's bytes; 259e67b45a02 of its
# canonical JSON; session 41: the Shusha attacker's doctrine sets the new `follow_up` 0.5, assaulting at half the odds
# a hex its fire or assaults hit that turn: a playtester's packed town held in 65% of games, 53% with it; with the
# GameStarted line left out, 15 of seeds 1-20 give new logs, the attacker winning 18 of the 20 (16), seed 7, the class
# plan's game, from turn 19, its steps 161-427 the same; 400 games: attacker wins 79.8%, was 78.8%). Before that,
# ENGINE_VERSION 0.30.0 with the scenario sha256 692035818270 (of the file's bytes; f04751508244 of its canonical
# JSON; session 41: an assault that destroys the main defender, others stacked with it still there, breaks the
# defence, where it was "repulsed" with the unit said to have held: 497 of 6,815 assaults in seeds 1-200; the briefing
# says vehicles cannot enter a ravine off the road and no unit climbs a cliff by moving. With the GameStarted line
# left out, 17 of seeds 1-20 give new logs, some by a retreat's reason only (seed 7, the class plan's game: "arm_res_1
# was destroyed" where it said it lost 2 or more steps, the same game); the attacker wins 16 of the 20, as before; 400
# games: attacker wins 78.8%, was 77.3%). Before that, the scenario sha256 d6a6d1fac694 (of the file's bytes; session
# 40: the GameStarted line only; the record's note names the cloud cleared on turn 23, and the file is what
# scenarios/build_shusha.py builds, byte for byte; seeds 1-20 give the same logs with the GameStarted line left out).
# Before that, the scenario sha256 225f8a0c9dc9 (session 40: the GameStarted line only; meta.record gains a note on
# what the model was fitted to; seeds 1-20 give the same logs byte for byte with the GameStarted line left out).
# Before that, ENGINE_VERSION 0.29.0 (session 40: the GameStarted line only; a hidden unit found by a hidden enemy is
# not told the observer's id, distance and detection; no game of seeds 1-20 has one, and with the GameStarted line
# left out they give the same logs byte for byte). Before that, the scenario sha256 7ed5be37794d (session 40: the
# GameStarted line only; the scenario's meta.record gives the record's winner and turns as numbers; with the
# GameStarted line left out, seeds 1-20 give the same logs byte for byte). Before that, ENGINE_VERSION 0.28.0 with the
# scenario sha256 6837ad152a72 (session 39: the doctrine attacker's units out of contact make for different empty
# hexes of the objective not held, one each; the briefing says "low cloud base"; the games change: with the
# GameStarted line left out, Shusha seeds 1-20 give 15 new logs, the attacker winning 16 of the 20 against 13, and the
# town falling up to two turns sooner). Before that, ENGINE_VERSION 0.27.0 (session 39: the log's words only: "cloud
# base" in the weather and flight reasons, where it said "cloud ceiling" or "ceiling", and the ambush party's
# withdrawal said in words; with the GameStarted line left out and the old words mapped to the new, seeds 1-20 give
# 0.26.0's logs byte for byte). Before that, the scenario sha256 30753baf75dc (session 38: the GameStarted line only;
# the Shusha briefing and notes say the drones' cloud limits are the model's, the record's lines keep their accounts'
# tags and add the cloud; with the GameStarted line left out, seeds 1-20 give 0.26.0's logs byte for byte). Before
# that, ENGINE_VERSION 0.26.0 (session 37: the version in the GameStarted line only; a scenario's weather.cloud_base_m
# holds the cloud base, which Shusha does not set; with the GameStarted line left out, seeds 1-20 give 0.25.0's logs
# byte for byte). Before that, ENGINE_VERSION 0.25.0 (session 36: the version in the GameStarted line only; a sandbox
# order sets the cloud base alone, which no AI game makes; with the GameStarted line left out, seeds 1-20 give
# 0.24.0's logs byte for byte). Before that, ENGINE_VERSION 0.24.0 and a new scenario sha256 (session 35: the
# GameStarted line only; a sandbox weather setting holds from turn to turn, which no AI game makes, and the briefing
# gives the march's pace; with the GameStarted line left out, seeds 1-20 give 0.23.0's logs byte for byte). Before
# that, ENGINE_VERSION 0.23.0 (session 34: the version in the GameStarted line only; a sandbox placement is seen as a
# move is, which no AI game makes; with the GameStarted line left out, seeds 1-20 give 0.22.0's logs byte for byte).
# Before that, ENGINE_VERSION 0.22.0 (session 33: a unit that retreats into a hex takes it, as any unit entering a hex
# does: seeds 2, 5, 18 and 19 of 1-20 change, none its winner or last turn; seeds 1 and 3 only by the version in the
# GameStarted line; docs/fidelity regenerated, 13/13 checks). Before that, ENGINE_VERSION 0.21.0 (session 32, last: a
# hidden party found next to a mover because its ground gives no ambush says so in its reveal's reason, '; no ambush:
# town gives none', text only, the same games; before that: an ambush party breaking contact takes a hex within its
# side's supply range first, which changes every game (seeds 1-20: 13 attacker wins against 12; docs/fidelity
# regenerated, 13/13 checks, 67% either way); before that in the session, a unit destroyed by the ambush it runs into
# as it enters a hex no longer takes the hex, and a surviving one takes it after the ambush, so its ControlChanged
# follows the ambush's events: 5 of seeds 1-20 change beyond that order (seed 1 ends on turn 24 rather than 26), none
# changes its winner; a last-seen mark remembers whether its side saw the unit leave the hex, which the AIs read only
# with fire_on_suspected). Before that, ENGINE_VERSION 0.20.0 (session 31: a unit revealed with a stack- mate names
# it, `UnitRevealed.stack_of`, whatever the reason, where only fire on a suspected position did: 3-13 lines a game
# gain the field; with `stack_of` taken out of every line and the GameStarted line left out, seeds 1-6 give 0.19.0's
# logs byte for byte, with and without both AIs firing on suspected positions). Before that, ENGINE_VERSION 0.19.0 and
# the scenario sha256 5dc492158776 (session 30: the version and the sha256 in the GameStarted line only; the Shusha
# defender's briefing says where its supply comes from and that ambushes fight worse at night, and the record's lines
# are in date order; with the GameStarted line left out the three logs are byte for byte those of 0.18.0, and so are
# three games with both AIs firing on suspected positions). Before that, ENGINE_VERSION 0.18.0 (session 29: the
# version in the log only; with the version string put back to 0.17.0 the three logs hash to the values below it
# replaced) and the scenario sha256 e342e99e425e (of its canonical JSON, as `wargame validate` prints it) (session 29:
# Shusha turns on fire on suspected positions, `combat.suspected_fire`, which the AIs do not use: the same games, only
# the GameStarted line, which records the sha256, changed; with the old sha put back the three logs hash to the values
# below it replaced, and seeds 4 and 5 are the same games too). Before that, the scenario sha256 b4b2dbb60c7a (session
# 28: Shusha gets a `weather_movement` table, its first three special-forces groups start a hex further north and the
# later waves arrive a turn earlier: the road is cut by the town on turn 15 in dry going, a turn later in the snow;
# calibration in the scenario's notes; the snow turns' weather report names terrain by name, "in hills"). Before that,
# ENGINE_VERSION 0.16.0 (session 27: the version in the log only; with the version string put back to 0.15.1 the three
# logs hash to 0.15.1's values: the games and every other line are unchanged; the new `weather_movement` table was
# absent from the shipped scenarios). Before that, ENGINE_VERSION 0.15.1 (session 26: the version in the log; a road
# cut's reason names the place next to its hex; the games are 0.15.0's) and the scenario sha256 6a5a4e92618a (session
# 26, an educator's review: the artillery "from Armenia proper" had range 12 from the W edge and fired in no game,
# since the attacker no longer goes near Lachin; its own unit type `border_artillery` has 15 hexes (~19 km from guns
# ~4 km behind the map's edge) and reaches the fight for the road at Lisagor; the briefing, notes and a unit's name
# corrected (Jidir Duzu is a cliff climb; Dashalti is Karin Tak; Lisagor's distance); and the RoadCut reason names the
# place next to its hex, "(11,21) by Lisagor"; 1000 games: attacker wins 68% [66-71], was 70%; all 13 checks hold, the
# road checks now measured on the cut by the town). Before that, the scenario sha256 c92a30d2dfd2 (session 25, an AI
# rule from a calibration study of the late fall: the doctrine's new `infiltrate_objective` parameter, off by default,
# set by Shusha's attacker: once the road is cut, its steady units in the town and in contact, leaving another unit in
# their hex, slip into the town's empty hexes instead of sitting next to a held hex they would not assault, and once
# the whole town is held its units sweep it for the defenders contesting the win; 1000 games: attacker wins 70%
# [67-73], was 67%; clean captures 557 (542); the town has fallen by turn 23 in 28% of all games (25%); all 13 checks
# hold). Before that, the scenario sha256 4c36b454fdb0 (session 24: two small local ambush parties, 1 step, by the
# forest track at Chanakchi and Sighnaq; a calibration study found the first ambush came on turn 12, at the foot of
# the town, in every game; now 4 a game on turns 5-11; 1000 games: attacker wins 67% [64-70], was 70%; all 13 checks
# hold). Before that, ENGINE_VERSION 0.14.0 (session 24, an AI change from a calibration study: the doctrine attacker
# keeps a unit alone in an objective hex there, as the defender does; it assaulted out of the town into the open and
# left the hex empty; holding the whole town it still assaults a defender that contests the win: seed 1 changed with
# that). Results changed: attacker wins 70% [67-73] of 1000 historical games, as before; the town has fallen by turn
# 23 in 35% of all games (32%). Before that, a move's stop text ("ran into X, unseen until then": it said "hidden" of
# a party seen firing a moment before; seed 1's log text only). Before that, the scenario sha256 e485e30f98fd (its
# notes' numbers restated) and a review of the ambush withdrawal: it now brings what a move's step brings (the hex
# taken for its side, seen hidden friends there revealed, an unseen enemy next to it met; an unseen enemy in the hex
# stops it), its hex is chosen on what its side knows only, and an ambusher firing as the mover runs into a hidden
# unit is revealed as other ambushers are (seeds 1 and 3 changed). Before that, the scenario sha256 b890bed3f984
# (session 23: the western group fights for the corridor road at Lisagor, as the record has it, instead of driving on
# Lachin: the doctrine's new `detachment`/`detachment_goal` parameters (off by default), a no-go area over Lachin and
# the Hakari valley, the group arriving on turns 9-11; 300 games: Lachin falls in none (15% before), the group reaches
# the road by Lisagor on a median turn 15 and fights there in every game; attacker wins 69%, as before). Before that,
# ENGINE_VERSION 0.13.0 and the scenario sha256 a9d4757af032 (session 23: ambushes set daily, as the record has them;
# a historian found the parties fired once and were destroyed where they stood). Rule (off by default): a unit type
# with `ambush_withdraw` breaks contact after firing from ambush, one hex into cover, and can go to ground and ambush
# again (`UnitMoved.why` says so); the scenario sets it for infantry. Results changed (300 games, seed 1): ambushes
# cost the attacker 5.1 steps a game (3.1), 6.5 ambushes a game (3.6), attacker wins 69% (74%), the road is cut a
# median turn 15 (14). Before that, the scenario sha256 921f9ed5e246 (its notes: the counter-attack's failure and the
# supply range told as calibration choices, with a reviewer's measurements; the same games). Before that, the scenario
# sha256 4eff67a9a378 (its notes: the turns the AI cuts the road and takes the town) and a repulsed assault's reason
# ("lost fewer than 2 steps" / "no more steps than the attacker": the same games, the log's texts only). Before that,
# ENGINE_VERSION 0.12.0 and the scenario sha256 790867bd577f (session 22: a historian's, an AI author's and a player's
# reviews). Rules: the assault preview the doctrine AI weighs counts only the defenders its side sees; a unit joining
# a hidden friend reveals it only where the enemy sees the hex; `AssaultResolved` says why (`main_defender`, `why`);
# log texts (night modifiers marked as an assumption, drones shot down, infiltration). AI: the attacker's searching
# recon sorties also cover the roads 2-5 hexes from the town; the defender's new `reserve`/`road_counterattack`
# parameters (off by default). Scenario: the defender's tank and BMP companies are held back until the town is entered
# and counter-attack the road cut, the corridor arrivals attack the cut from the west, the air-defence battery stays
# out of the town; special forces' firepower against armour 5 (anti-tank weapons), the tank company 2 steps, the
# attacker's supply range 28, the Orbiter needs an 800 m cloud base (the record: only the defenders' drones flew under
# the cloud). Results changed: attacker wins 73% [70-75] of 1000 historical games (69%), the road is cut on a median
# turn 14 (15), the town falls a median turn 24 (22), 9 turns after the cut (8); counter-attacks on the cut are made
# in 65% of games and fail in 70% of those (were made in 31%). Before that, ENGINE_VERSION 0.11.0 (session 21), an AI
# change from a scenario author's review of the doctrine AI on a new map: with no `victory.road_watch` the attacker
# goes for the objective at once; once the road is cut a follower enters an objective hex next to a known enemy (it
# stopped one hex short, for good); a defender unit alone in an objective hex does not assault out of it (its win
# advanced it into the open and left the hex empty). Results changed: attacker wins 69% [66-72] of 1000 historical
# games (63%), the town falls a median 8 turns after the cut (9). Before that, the scenario sha256 8edc37cca88b: its
# `meta.history` only (the record the game-over window sets the game beside), the same games (only the GameStarted
# line changed). Before that, ENGINE_VERSION 0.10.0, an AI change: the doctrine defender keeps its units within the
# contest radius while the attacker holds the whole objective (a player saw two units walk away from Shusha and hand
# over the game). Seed 1's game changed (it ends a turn later); seeds 2 and 3 only in the GameStarted line (the
# version). Attacker wins 63% [60-66] of 1000 historical games, as before. Before that, the scenario sha256
# 9a82ab465847: its briefing only (`meta.briefing`), the same games (only the GameStarted line, which records the
# sha256, changed; checked on 5 seeds). Before that, the scenario sha256 e035e3f278c7 (session 20, the tempo
# recalibration, scenario data only): special forces march 2.5 MP a turn, the attacker's supply range is 24 (was 20),
# Shosh and the slopes east of Shusha are closed to the attacker, the later special-forces waves arrive one a turn on
# turns 2-7 at (31,23) (were turns 3-13 at (32,26)). The road was cut on turn ~11 (record: 4 Nov, turn 15) and Shosh
# fell in every game; now the median cut is turn 15, the town falls a median 9 turns later, Shosh holds. Results
# changed: attacker wins 63% [60-66] of 1000 historical games (was 62%). Before that, the scenario sha256
# 59841fdeffda: its notes only (the attacker's nine special-forces groups, the road-cut turn the doctrine AI gives),
# the same games (only the GameStarted line, which records the sha256, changed; checked on 5 seeds). Before that, in
# session 19, ENGINE_VERSION 0.9.0, an AI change: the doctrine AI flies its recon sorties before its drone strikes and
# plans the strikes on what they found, and half of the attacker's searching sorties go over the road that feeds the
# town (the armed drones struck almost nothing on the clear days of 28 Oct - 2 Nov). Results changed: attacker wins
# 62% [59-65] of 1000 historical games (60%). Before that, ENGINE_VERSION 0.8.0 (the log only: why units are out of
# supply, night in the weather report, a mover's reveal says it set out, objective hexes named, munitions a loitering
# drone has left, the step a second rout costs, which firepower applied; the games are those of 0.7.0, checked on 12
# seeds). Before that, in the same session, the scenario sha256 54aa81a8ae5d (as the log records it): the attacker may
# no longer enter Stepanakert and the Karkar valley, nor the border strip where the corridor enters from Goris (new
# no-go boxes); a battalion holds Lachin and a hidden party the Hakari valley; the western group arrives on turns
# 11-13 (was 8-10); two special-forces groups have 3 steps (were 2). Before these, Lachin fell and every defender unit
# was out of supply from 2 Nov in every game, and Stepanakert fell in a third of them. Results changed. Before that,
# in the same session: ENGINE_VERSION 0.7.0 and the scenario sha256 2a8ed37275da (the front line of 28 Oct,
# `map.start_control`; four units moved a hex to start in supply). Before that: 0.6.0 (artillery fires at the seen
# units of the target hex only), 0.5.0 (the log alone) and the scenario sha256 85373407f974 (the attacker's Orbiter
# recon drone reaches the battle from its base). Any change that alters them
# changes the game's results: its commit message MUST say why (rule change, scenario data change, AI change, ...).
# The lead updates these values when rules change; do not "fix" this test by pasting new hashes without that
# explanation.
GOLDEN = {
    1: "b4d6c1b40c207dc9f583624ee4fcd0b405348428040f6ca51bc6db657edf620c",
    2: "a06996551f8b573d3de5e3851fd4c49a469612a2025f222e241e5499168f7afc",
    3: "c8b24097a01cab6181d41f4ea2f63520b9f2ceb7dd62ffa0aa691a64a62e9fb9",
}


@pytest.mark.parametrize("seed", sorted(GOLDEN))
def test_golden_shusha_logs(seed):
    state = play_game(shusha_scenario(), seed)
    assert log_hash(state) == GOLDEN[seed], (
        f"Shusha seed {seed} event log changed (sha256 {log_hash(state)}); if intended, say why in the commit "
        "and update tests/test_determinism.py::GOLDEN")


@pytest.mark.parametrize("scen_name", ["tiny", "shusha"])
def test_same_seed_same_log(scen_name):
    scen = tiny_scenario() if scen_name == "tiny" else shusha_scenario()
    a = play_game(scen, 7)
    b = play_game(scen, 7)
    assert log_lines(a) == log_lines(b)
    assert a.fingerprint() == b.fingerprint()
    assert a.score.to_dict() == b.score.to_dict()


def test_different_seeds_give_different_logs():
    scen = tiny_scenario()
    hashes = {log_hash(play_game(scen, s)) for s in range(5)}
    assert len(hashes) > 1


def test_seed_streams_are_independent_and_reproducible():
    a = [g.random(4).tolist() for g in seed_streams(3)]
    b = [g.random(4).tolist() for g in seed_streams(3)]
    assert a == b
    assert len({tuple(x) for x in a}) == len(a)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.integers(0, 2**32 + 5), st.integers(0, 2**200)))
def test_seed_streams_are_numpys_spawned_generators(seed):
    """`seed_streams` seeds its generators itself (a compiled SeedSequence with numba): bit for bit what
    `default_rng(SeedSequence(seed).spawn(4)[i])` gives, for one-word seeds and long ones alike."""
    got = seed_streams(seed)
    want = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(got))]
    assert [g.bit_generator.state for g in got] == [g.bit_generator.state for g in want]
    ss = got[1].bit_generator.seed_seq  # other requests of the child answer as numpy's child does
    assert ss.generate_state(3).tolist() == want[1].bit_generator.seed_seq.generate_state(3).tolist()
    assert got[3].random(5).tolist() == want[3].random(5).tolist()
    assert [g.random(2).tolist() for g in got[0].spawn(2)] == [g.random(2).tolist() for g in want[0].spawn(2)]
    assert [g.random(2).tolist() for g in got[0].spawn(1)] == [g.random(2).tolist() for g in want[0].spawn(1)]


@pytest.mark.parametrize("scen_name,seed", [("tiny", 2), ("tiny", 9), ("shusha", 1)])
def test_save_replays_byte_for_byte(scen_name, seed):
    scen = tiny_scenario() if scen_name == "tiny" else shusha_scenario()
    state = play_game(scen, seed)
    doc = json.loads(json.dumps(save_dict(state)))  # through real JSON
    again = game_from_save_dict(doc)
    assert "\n".join(log_lines(again)) == "\n".join(log_lines(state))
    assert again.fingerprint() == state.fingerprint()


def test_midgame_save_resumes_identically():
    """Save after turn 3, reload, continue with the same agents: same result as playing straight through."""
    scen = tiny_scenario()
    seed = 5

    def players():
        names = {s: scen.sides[s].agent for s in ("attacker", "defender")}
        return [make_agent(names[s], {}) for s in ("attacker", "defender")]

    straight = tiny_game(seed, scen, agents=None)
    _, _, ra, rd = seed_streams(seed)
    run_agents(straight, players(), [ra, rd], until_turn=3)
    reloaded = game_from_save_dict(json.loads(json.dumps(save_dict(straight))))
    assert reloaded.fingerprint() == straight.fingerprint()
    assert log_lines(reloaded) == log_lines(straight)


def test_sightings_do_not_change_the_game_and_hide_hidden_moves():
    """Tracking who saw what is annotation only: same log; and a side's visible log never shows the
    enemy going to ground or the enemy's supply and air bookkeeping."""
    from engine.ai.base import make_agent
    from engine.game import run_agents
    from engine.rules import new_game, seed_streams
    from engine.view import visible_log

    scen = shusha_scenario()
    plain = play_game(scen, 4)
    tracked = new_game(scen, 4, track_sightings=True)
    rngs = seed_streams(4)[2:]
    # (the scenario's agents with their parameters, as play_game makes them)
    agents = [make_agent(scen.sides[s].agent, dict(scen.sides[s].agent_params)) for s in ("attacker", "defender")]
    run_agents(tracked, agents, rngs)
    assert log_lines(tracked) == log_lines(plain)
    assert len(tracked.sightings) == len(tracked.log)
    for side, name in ((0, "attacker"), (1, "defender")):
        shown = visible_log(tracked, side)
        assert 0 < len(shown) < len(tracked.log)
        for _, ev in shown:
            if ev.kind in ("UnitHidden", "SupplyReport", "AirStatus"):
                assert ev.side == name
        own_moves = [ev for ev in tracked.log if ev.kind == "UnitMoved" and ev.side == name]
        assert all(any(e is ev for _, e in shown) for ev in own_moves)
