"""QR-login long-polls held open: N idle `GET /api/v1/auth/qr/{ticket}?wait=25` (raw asyncio HTTP/1.1
connections, one per waiting browser), then the RSS and open sockets of each worker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.servers import ROOT


async def _poll(port: int, ticket: str, poll: str, results: list, opened: list) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        opened.append(1)
        writer.write(f"GET /api/v1/auth/qr/{ticket}?poll_token={poll}&wait=25 HTTP/1.1\r\n"
                     f"Host: bench\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status = (await reader.readline()).split(b" ")[1]
        await reader.read()
        writer.close()
        results.append(int(status))
    except Exception as exc:  # noqa: BLE001 - counted as a failure
        results.append(repr(exc))


def worker_stats(main_pid: int) -> list[dict]:
    """RSS (MB) and open TCP sockets of each worker process under `main_pid`."""
    stats = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            if fields.get("PPid", "").strip() != str(main_pid):
                continue
            pid = status.parent.name
            cmd = (status.parent / "cmdline").read_text()
            if "resource_tracker" in cmd:
                continue
            sockets = sum(1 for fd in (status.parent / "fd").iterdir() if os.readlink(fd).startswith("socket:"))
            stats.append({"pid": int(pid), "rss_mb": int(fields["VmRSS"].split()[0]) / 1024, "sockets": sockets})
        except (OSError, KeyError):
            continue
    return stats


async def hold(port: int, tickets: list, main_pid: int) -> dict:
    results, opened = [], []
    idle = worker_stats(main_pid)
    started = time.monotonic()
    tasks = []
    for i, (ticket, poll) in enumerate(tickets):
        tasks.append(asyncio.create_task(_poll(port, ticket, poll, results, opened)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    await asyncio.sleep(12)  # every poll is parked in the server now (wait=25)
    held = worker_stats(main_pid)
    await asyncio.gather(*tasks)
    ok = sum(1 for r in results if r == 200)
    return {"polls": len(tickets), "opened": len(opened), "answered_200": ok,
            "errors": [r for r in results if r != 200][:5], "seconds": round(time.monotonic() - started, 1),
            "idle": idle, "held": held}


def run(platform, n: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.tickets", str(n)], cwd=ROOT, env=platform.env,
                         check=True, capture_output=True, text=True)
    tickets = json.loads(out.stdout.strip().splitlines()[-1])
    return asyncio.run(hold(platform.port, tickets, platform.proc.pid))
