"""Objects at scale: 10,000 objects from three partners, timed.

- import of the three files on SQLite and on PostgreSQL (target: under 10 s each);
- object matching per report (the confirmation's `Bekend object` step), p95 over
  realistic reports, beside the report parser on the same reports as a baseline in the
  same run (target: matching p95 under 5 ms);
- optionally (`--roundtrip`) `!object` through a real Synapse beside `!hulp`
  (target: within 1.2x).

    .venv/bin/python -m bench.objects [--objects 10000] [--reports 1000] [--roundtrip]

`write_partner_files` is also what the integration test imports.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import random
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from storage.regions import RegionTable

STEMS = tuple(
    [
        "Linde",
        "Merwe",
        "Eiken",
        "Beuken",
        "Horst",
        "Weide",
        "Zonne",
        "Hooge",
        "Vijver",
        "Molen",
        "Berken",
        "Dijk",
        "Rozen",
        "Park",
        "Heide",
        "Veld",
        "Bosch",
        "Water",
        "Haven",
        "Kastanje",
        "Wilgen",
        "Essen",
        "Iepen",
        "Duinen",
        "Polder",
        "Sterre",
        "Mare",
        "Vliet",
        "Brug",
        "Toren",
        "Kade",
        "Burcht",
        "Lage",
        "Hoven",
        "Akker",
        "Goude",
        "Zilver",
        "Appel",
        "Kersen",
        "Perzik",
    ]
)
SUFFIXES = ("hof", "staete", "oord", "borgh", "hage", "stein", "rode", "wijk", "dael", "heem")
SPAARNE = {
    "id": "kk-spaarne-gasthuis",
    "name": "Spaarne Gasthuis",
    "aliases": "Spaarne Ziekenhuis|SG Haarlem",
    "kind": "ziekenhuis",
    "address": "Boerhaavelaan 22",
    "municipality": "Haarlem",
    "tlp": "AMBER",
    "facts": {"noodstroom": "48 uur", "bedden": "600"},
}


def _name(rng: random.Random, used: set[str], kind_word: str) -> str:
    while True:
        name = f"{kind_word} {rng.choice(STEMS)}{rng.choice(SUFFIXES)}"
        if rng.random() < 0.5:
            name += f" {rng.choice(STEMS)}"
        if name not in used:
            used.add(name)
            return name


def generate(count: int, seed: int = 7) -> dict[str, list[dict[str, Any]]]:
    """Objects of three partners: care (hospitals, care homes), municipalities (sports
    halls, schools), the water board (pumping stations, BRZO plants); one AMBER
    hospital 'Spaarne Gasthuis' in Haarlem with noodstroom 48 uur."""
    rng = random.Random(seed)
    towns = RegionTable().municipalities
    used: set[str] = {SPAARNE["name"]}
    partners: dict[str, list[dict[str, Any]]] = {
        "GHOR": [dict(SPAARNE)],
        "Gemeenten": [],
        "Waterschap": [],
    }
    plan = (
        ("GHOR", 0.4, (("ziekenhuis", "Ziekenhuis"), ("verpleeghuis", "Verpleeghuis"))),
        ("Gemeenten", 0.3, (("sporthal", "Sporthal"), ("school", "School"))),
        ("Waterschap", 0.3, (("gemaal", "Gemaal"), ("bedrijf-brzo", "Chemie"))),
    )
    for owner, share, kinds in plan:
        target = int(count * share) - len(partners[owner])
        for n in range(target):
            kind, word = kinds[0] if rng.random() < 0.7 else kinds[1]
            power = rng.choice(["24 uur", "48 uur", "72 uur", "nee", "12 uur", ""])
            partners[owner].append(
                {
                    "id": f"{owner.lower()}-{n}",
                    "name": _name(rng, used, word),
                    "aliases": "",
                    "kind": kind,
                    "address": f"{rng.choice(STEMS)}straat {rng.randint(1, 200)}",
                    "municipality": rng.choice(towns),
                    "tlp": rng.choice(["GREEN", "GREEN", "GREEN", "AMBER"]),
                    "facts": {
                        "noodstroom": power,
                        "capaciteit": f"{rng.randint(20, 900)} personen",
                    },
                }
            )
    return partners


def write_partner_files(
    folder: Path, partners: dict[str, list[dict[str, Any]]], updated: str = "2026-11-20"
) -> dict[str, Path]:
    """One file per partner in each format: GHOR as CSV, municipalities as YAML, the
    water board as GeoJSON points."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "GHOR": folder / "ghor.csv",
        "Gemeenten": folder / "gemeenten.yaml",
        "Waterschap": folder / "waterschap.geojson",
    }
    with paths["GHOR"].open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        head = [
            "id",
            "naam",
            "aliassen",
            "soort",
            "adres",
            "gemeente",
            "eigenaar",
            "bijgewerkt",
            "tlp",
        ]
        writer.writerow([*head, "feit:noodstroom", "feit:capaciteit"])
        for o in partners["GHOR"]:
            writer.writerow(
                [o["id"], o["name"], o["aliases"], o["kind"], o["address"], o["municipality"],
                 "GHOR", updated, o["tlp"], o["facts"]["noodstroom"], o["facts"].get("capaciteit", "")]
            )  # fmt: skip
    yaml_objects = [{k: v for k, v in o.items() if v != ""} for o in partners["Gemeenten"]]
    paths["Gemeenten"].write_text(
        yaml.safe_dump(
            {"owner": "Gemeenten", "updated": updated, "objects": yaml_objects},
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [4.5 + i % 100 / 100, 51.5 + i % 50 / 100],
            },
            "properties": {k: v for k, v in o.items() if v != ""},
        }
        for i, o in enumerate(partners["Waterschap"])
    ]
    paths["Waterschap"].write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "owner": "Waterschap",
                "updated": updated,
                "features": features,
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return paths


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def reports(partners: dict[str, list[dict[str, Any]]], count: int, seed: int = 11) -> list[str]:
    """Reports as liaisons type them: a third name an object (some with a typo), the rest
    a street, a town or 'Spaarndam'."""
    rng = random.Random(seed)
    everything = [o for objects in partners.values() for o in objects]
    texts = []
    for n in range(count):
        obj = rng.choice(everything)
        roll = n % 3
        if roll == 0:
            name = obj["name"]
            if rng.random() < 0.3:
                i = rng.randrange(len(name) - 1)
                name = name[:i] + name[i + 1 :]  # one letter lost
            location = f"locatie: {name}\n"
        elif roll == 1:
            location = "locatie: Spaarndam\n"
        else:
            location = f"locatie: {rng.choice(STEMS)}straat {rng.randint(1, 90)}\n"
        texts.append(
            f"gemeente: {obj['municipality']}\n{location}bedden beschikbaar: {rng.randint(1, 90)}\n"
            "Situatie stabiel, ambulances rijden af en aan; noodstroom getest, "
            "bewoners blijven binnen tot nader bericht van de veiligheidsregio."
        )
    return texts


async def bench_import(folder: Path, url: str) -> float:
    from knowledge import object_service
    from storage.engine import Database

    db = Database(url)
    await db.migrate()
    try:
        start = time.perf_counter()
        report = await object_service.import_path(db, folder, "bench")
        elapsed = time.perf_counter() - start
        assert report.ok, report.problems[:3]
        return elapsed
    finally:
        await db.close()


async def bench_matching(
    url: str, texts: list[str]
) -> tuple[list[float], list[float], list[float], int]:
    """(parser ms, matcher ms, matcher + database link ms, reports linked) per report."""
    from commands.objects import MATCHERS
    from commands.report_parser import Vocabulary, parse_report
    from storage import objects as store
    from storage.engine import Database

    db = Database(url)
    vocabulary = Vocabulary(RegionTable())
    now = datetime.now(UTC)
    parse_ms: list[float] = []
    match_ms: list[float] = []
    full_ms: list[float] = []
    linked = 0
    try:
        async with db.transaction() as session:
            matcher = await MATCHERS.matcher(session)
            for n, text in enumerate(texts):
                lines = text.splitlines()
                start = time.perf_counter()
                parse_report("zorg", lines, now, vocabulary)
                parse_ms.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                found = matcher.find(text, limit=3)
                match_ms.append((time.perf_counter() - start) * 1000)
                # What the confirmation does on top: the version check, the rows, the links.
                start = time.perf_counter()
                matcher = await MATCHERS.matcher(session)
                found = matcher.find(text, limit=3)
                rows = await store.by_ids(session, [m.object_id for m in found])
                await store.link(session, 1_000_000 + n, [r.id for r in rows])
                await session.flush()
                full_ms.append((time.perf_counter() - start) * 1000)
                linked += bool(found)
            await session.rollback()
    finally:
        await db.close()
    return parse_ms, match_ms, full_ms, linked


def _summary(name: str, values: list[float]) -> str:
    return f"  {name:<28} median {statistics.median(values):6.3f} ms   p95 {p95(values):6.3f} ms"


async def main(count: int, report_count: int, roundtrip: bool) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="knooppunt-bench-objects-"))
    try:
        partners = generate(count)
        folder = workdir / "partners"
        write_partner_files(folder, partners)
        total = sum(len(v) for v in partners.values())
        sqlite_url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        seconds = await bench_import(folder, sqlite_url)
        print(f"import of {total} objects from 3 partner files (CSV, YAML, GeoJSON)")
        print(f"  SQLite     : {seconds:5.2f} s   (target < 10 s)")
        try:
            from tests.support.postgres import Postgres

            pg = Postgres()
            pg.start()
        except Exception as exc:  # bench only: say why and go on
            print(f"  PostgreSQL : not measured ({exc})")
        else:
            try:
                seconds = await bench_import(folder, pg.create_database())
                print(f"  PostgreSQL : {seconds:5.2f} s   (target < 10 s)")
            finally:
                pg.stop()
        seconds = await bench_import(folder, sqlite_url)
        print(f"  SQLite, re-import over the same objects: {seconds:5.2f} s")
        texts = reports(partners, report_count)
        parse_ms, match_ms, full_ms, linked = await bench_matching(sqlite_url, texts)
        print(f"matching {len(texts)} reports against {total} objects ({linked} linked)")
        print(_summary("baseline: report parser", parse_ms))
        print(_summary("object matching", match_ms) + "   (target p95 < 5 ms)")
        print(_summary("matching + rows + links", full_ms))
        if roundtrip:
            await bench_roundtrip(workdir, folder)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def bench_roundtrip(workdir: Path, folder: Path, rounds: int = 40) -> None:
    """`!object Spaarne Gasthuis` beside `!hulp`, the same bot, room and homeserver."""
    from tests.conftest import World
    from tests.support.synapse import Synapse

    server = Synapse(workdir / "synapse")
    server.start()
    world = World(server, workdir)
    try:
        human = await world.human("bench")
        bot = world.bot(KNOOPPUNT_ENCRYPTION="false", KNOOPPUNT_ADMINS=human.client.user_id)
        await bench_import(folder, f"sqlite+aiosqlite:///{bot.workdir / 'knooppunt.db'}")
        bot.start()
        room = await human.create_room(invite=[world.bot_user])
        await human.wait_joined(room, world.bot_user)
        bind = "!kamer koppel org=GHOR rol=liaison tlp=amber clearance=amber"
        await timed(human, room, world.bot_user, bind)
        times: dict[str, list[float]] = {"!hulp": [], "!object Spaarne Gasthuis": []}
        for body in times:
            await timed(human, room, world.bot_user, body)  # warm
        for _ in range(rounds // 4):
            for body, values in times.items():
                for _ in range(2):
                    values.append(await timed(human, room, world.bot_user, body))
        print(f"round trip through Synapse on 127.0.0.1, {rounds} messages each")
        for body, values in times.items():
            print(_summary(body, values))
        ratio = statistics.median(times["!object Spaarne Gasthuis"]) / statistics.median(
            times["!hulp"]
        )
        print(f"  ratio !object / !hulp (median): {ratio:.2f}x   (target <= 1.2x)")
    finally:
        await world.close()
        server.stop()


async def timed(human: Any, room: str, bot: str, body: str) -> float:
    start = time.monotonic()
    event_id = await human.send(room, body)
    assert await human.wait_until(lambda: bool(human.replies_to(event_id, bot)), 30), body
    reply = human.replies_to(event_id, bot)[0]
    await asyncio.sleep(0.05)
    return float((reply.at - start) * 1000)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=1_000)
    parser.add_argument("--roundtrip", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.objects, args.reports, args.roundtrip))
