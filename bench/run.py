"""`make bench`: the platform in production mode (PostgreSQL + Redis, 2 workers) and a bare Sanic
handler in the same run, loaded by locust (headless) in slices alternating with the ceiling; prints
rps, p50/p99, the ratio to the ceiling, worker RSS and CPU per request for each scenario, then each
live scenario against its I/O floor (bench/floors.py), and writes bench/out/latest.md."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from urllib.parse import quote

from bench.servers import ROOT, CpuMeter, Platform, ceiling, floors

USERS = int(os.environ.get("BENCH_USERS", "32"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))  # per slice
# Each scenario runs in ROUNDS slices, each followed by a slice of the ceiling; the machine's speed
# drifts from second to second (shared host), so each slice is divided by the ceiling slices on
# either side of it and the row shows the slice with the median ratio.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


@dataclass
class Scenario:
    name: str
    paths: list[str]
    kind: str  # ceiling | cached (served from a copy) | db (live: PostgreSQL, or Redis where it holds live state)
    method: str = "GET"
    token: str = ""
    body: str = ""
    env: dict = field(default_factory=dict)
    # called right before the run: a list of JSON bodies sent one per request (single-use codes)
    bodies: Callable[[], list] | None = None
    floor: str = ""  # the I/O floor (FLOORS) bounding this scenario: the trips it cannot avoid


# Bare handlers with only the unavoidable trips (bench/floors.py): the best any code could do here.
FLOORS = {
    "redis": Scenario("floor: one Redis trip", ["/redis"], "floor"),
    "detail": Scenario("floor: Redis trip + the detail's SELECT", ["/redis-pg/detail"], "floor"),
    "inbox": Scenario("floor: Redis trip + the inbox's SELECT", ["/redis-pg/inbox"], "floor"),
    "redis-pg-write": Scenario("floor: 2 Redis + PG read + INSERT", ["/redis-pg-write"], "floor", method="POST"),
}


TARGETS = {"cached": 0.60, "db": 0.25}


def run_locust(server, scenario: Scenario) -> dict:
    """Load `server` (bench.servers.Server) with `scenario`; rps, latencies and CPU per request."""
    with tempfile.TemporaryDirectory(prefix="locust-") as folder:
        return _run_locust(server, scenario, Path(folder))


def _run_locust(server, scenario: Scenario, folder: Path) -> dict:
    out = folder / "s"
    env = {**os.environ, "SCENARIO": scenario.name, "SCENARIO_METHOD": scenario.method,
           "SCENARIO_PATHS": json.dumps(scenario.paths), "SCENARIO_TOKEN": scenario.token,
           "SCENARIO_BODY": scenario.body}
    if scenario.bodies is not None:
        bodies = folder / "bodies.json"
        bodies.write_text(json.dumps(scenario.bodies()))
        env["SCENARIO_BODIES_FILE"] = str(bodies)
    with CpuMeter(server.proc.pid) as meter:
        subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                        "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s", "--host", server.base,
                        "--csv", str(out),
                        "--only-summary", "--loglevel", "ERROR", "--exit-code-on-error", "0"],
                       env=env, check=True, capture_output=True, cwd=ROOT)
    with open(f"{out}_stats.csv") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    requests = max(1, int(row["Request Count"]))
    return {"rps": float(row["Requests/s"]), "p50": float(row["50%"]), "p99": float(row["99%"]),
            "failures": int(row["Failure Count"]), "requests": int(row["Request Count"]),
            # CPU per request in ms: where the two cores went during the scenario
            "cpu": {group: 1000 * seconds / requests for group, seconds in meter.seconds.items()}}


# Enough single-use 亮证 codes that none is sent twice at the ceiling's rate (they live 60 s).
SHOW_CODES = int(os.environ.get("BENCH_SHOW_CODES", "30000"))
SEARCHES = ["营业执照", "yyzz", "出生", "身份证", "shebao", "医保", "驾驶证", "婚姻登记"]


def scenarios(platform: Platform, tokens: dict) -> list[Scenario]:
    resident = tokens.get("demo-resident-zhang", "")
    counter = tokens.get("counter.sun", "")
    data = platform.fixtures()
    api = "/api/v1"
    return [
        Scenario("health (no I/O)", ["/healthz"], "cached"),
        Scenario("JWKS (in-process cache)", ["/.well-known/jwks.json"], "cached"),
        Scenario("item guide (near cache)", [f"{api}/items/{data['item_code']}"], "cached"),
        Scenario("catalogue search (near cache)", [f"{api}/items?q={quote(q)}" for q in SEARCHES], "cached"),
        Scenario("current account (live session state)", [f"{api}/me"], "db", token=resident, floor="redis"),
        Scenario("application detail (DB read)", [f"{api}/applications/{data['application_id']}"], "db",
                 token=resident, floor="detail"),
        Scenario("progress query (Redis cache)",
                 [f"{api}/progress?receipt_no={data['receipt_no']}&query_code={data['query_code']}"], "cached",
                 floor="redis"),
        Scenario("slot list (live seat counts)", [f"{api}/halls/{data['hall_id']}/slots?date={data['day']}"], "db",
                 floor="redis"),
        Scenario("inbox (DB read)", [f"{api}/messages"], "db", token=resident, floor="inbox"),
        Scenario("licence verify (DB read + log row)", [f"{api}/licenses/verify"], "db", method="POST", token=counter,
                 bodies=lambda: [{"payload": c} for c in platform.fixtures(SHOW_CODES)["show_codes"]],
                 floor="redis-pg-write"),
    ]


LONGPOLLS = int(os.environ.get("BENCH_LONGPOLLS", str(2000 * WORKERS)))
RUSH = os.environ.get("BENCH_RUSH", "1") != "0"  # the 5 000-on-100 booking rush (bench/rush.py)
# While working on one scenario: BENCH_ONLY=detail,inbox runs only the scenarios whose names contain one.
ONLY = [w.strip() for w in os.environ.get("BENCH_ONLY", "").split(",") if w.strip()]
FLOORS_ON = os.environ.get("BENCH_FLOORS", "1") != "0"  # the I/O floors (bench/floors.py)


def floor_lines(ratios: dict[str, float], measured: list[Scenario]) -> list[str]:
    """Each live scenario beside the floor of the trips it must make (what this machine allows any
    code) and that floor times the health ratio (what it allows a request that also pays the
    platform's own per-request cost: middleware, routing, headers, error envelope)."""
    thin = ratios.get("health (no I/O)")
    lines = []
    for sc in measured:
        floor = FLOORS.get(sc.floor)
        if floor is None or sc.name not in ratios or floor.name not in ratios:
            continue
        if not lines:
            lines = ["", "against the I/O floors (the same trips, no platform code; x health = also paying the cost "
                         "of a request through the platform):"]
        mine, best, target = ratios[sc.name], ratios[floor.name], TARGETS[sc.kind]
        through = f", x health {best * thin:.2f}" if thin else ""
        verdict = ("not reachable on this machine" if best < target else
                   "not reachable through the platform's request handling" if thin and best * thin < target else
                   "reachable")
        lines.append(f"  {sc.name:<38} {mine:.2f} = {mine / best:.0%} of its floor ({floor.name} {best:.2f}"
                     f"{through}); target {target:.2f}: {verdict}")
    return lines


def rush_lines() -> list[str]:
    """Run the booking rush (its own platform and bare handler) and summarise it."""
    from bench import rush

    rush.main(["--workers", str(WORKERS)])
    r = rush.LAST_REPORT
    if not r:
        return ["", "booking rush: did not finish (see its output above)"]
    p, b = r["platform"], r["bare"]
    exact = r["consistent"] and r["bookings_made"] == r["seats"]
    return ["", f"booking rush: {r['attempts']} attempts on {r['seats']} seats, {r['concurrency']} in flight",
            f"  bookings made {r['bookings_made']}, platform {p['rps']} req/s p50 {p['p50_ms']} ms "
            f"p99 {p['p99_ms']} ms, bare {b['rps']} req/s, ratio {r['throughput_ratio']}, wall {r['wall_s']} s",
            f"  target: exactly {r['seats']} bookings and p99 < 1 s -> "
            f"{'ok' if exact and p['p99_ms'] < 1000 else 'MISS'}"]


def main() -> int:
    from bench import longpoll

    ceil = ceiling(WORKERS).start()
    platform = Platform(WORKERS).start()
    floor_server = floors(WORKERS, platform, platform.fixtures()["application_id"]).start() if FLOORS_ON else None
    rows = []
    ratios: dict[str, float] = {}
    platform_scenarios: list[Scenario] = []
    # The machine is shared: the ceiling is measured right before and after every slice of a scenario
    # and each slice's ratio uses the mean of those two (see ROUNDS).
    ceiling_scenario = Scenario("ceiling: bare Sanic JSON", ["/json"], "ceiling")
    try:
        before = run_locust(ceil, ceiling_scenario)
        rows.append(("ceiling: bare Sanic JSON", before, 1.0, None, ceil.rss_mb()))
        platform_scenarios = scenarios(platform, platform.tokens())
        todo = [(platform, sc) for sc in platform_scenarios]
        todo += [(floor_server, sc) for sc in FLOORS.values()] if floor_server else []
        for server, sc in todo:
            if ONLY and not any(w in sc.name for w in ONLY):
                continue
            slices = []
            for _ in range(ROUNDS):
                result = run_locust(server, sc)
                after = run_locust(ceil, ceiling_scenario)
                slices.append((result["rps"] / ((before["rps"] + after["rps"]) / 2), result, after, before))
                before = after
            ratio, result, after, first = sorted(slices, key=lambda s: s[0])[len(slices) // 2]
            ratios[sc.name] = ratio
            rows.append((sc.name, result, ratio, TARGETS.get(sc.kind), server.rss_mb()))
            rows.append(("  ceiling (re-measured)", after, after["rps"] / first["rps"], None, ceil.rss_mb()))
        polls = longpoll.run(platform, LONGPOLLS) if LONGPOLLS else None
    finally:
        if floor_server:  # first: it holds connections to the database the platform drops
            floor_server.stop()
        platform.stop()
        ceil.stop()
    lines = [f"{'scenario':<38} {'rps':>8} {'p50 ms':>7} {'p99 ms':>7} {'ratio':>6} {'target':>6} {'fail':>5} "
             f"{'RSS MB':>7}   CPU ms/request: {'server':>6} {'pg':>5} {'redis':>5} {'locust':>6}"]
    for name, r, ratio, target, rss in rows:
        mark = "" if target is None else ("   ok" if ratio >= target else " MISS")
        cpu = r["cpu"]
        lines.append(f"{name:<38} {r['rps']:>8.0f} {r['p50']:>7.0f} {r['p99']:>7.0f} {ratio:>6.2f} "
                     f"{(f'{target:.2f}' if target else '-'):>6} {r['failures']:>5} {rss:>7.1f}{mark or '     '}"
                     f"{'':>16}{cpu['workers']:>6.2f} {cpu['postgres']:>5.2f} {cpu['redis']:>5.2f} "
                     f"{cpu['generator']:>6.2f}")
    lines += floor_lines(ratios, platform_scenarios)
    if polls:
        held = polls["held"]
        lines.append("")
        lines.append(f"QR-login long-polls (wait=25): {polls['polls']} opened={polls['opened']} "
                     f"answered 200={polls['answered_200']} in {polls['seconds']}s; errors={polls['errors']}")
        for idle, busy in zip(sorted(polls["idle"], key=lambda w: w["pid"]), sorted(held, key=lambda w: w["pid"])):
            lines.append(f"  worker {busy['pid']}: sockets {idle['sockets']} -> {busy['sockets']}, "
                         f"RSS {idle['rss_mb']:.1f} -> {busy['rss_mb']:.1f} MB")
        worst = max((w["rss_mb"] for w in held), default=0)
        lines.append(f"  target: 2000 idle long-polls per worker under 200 MB -> max worker RSS {worst:.1f} MB "
                     f"({'ok' if worst < 200 and polls['answered_200'] == polls['polls'] else 'MISS'})")
    if RUSH:
        lines += rush_lines()
    report = "\n".join(lines)
    print(report)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "latest.md").write_text("```\n" + report + "\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
