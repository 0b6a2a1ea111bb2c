"""Platform commands: `python -m app.cli migrate|makemigrations|check-migrations|seed|serve|export-openapi`."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from app.core.config import ROOT, load_settings


async def _migrate() -> None:
    from tortoise import Tortoise
    from tortoise.migrations.api.migrate import migrate

    from app.core.db import tortoise_config

    try:
        await migrate(config=tortoise_config(load_settings()))
    finally:
        await Tortoise.close_connections()


async def pending_model_changes(config: dict) -> list[str]:
    """Names of migrations the autodetector would write: empty when models match migrations."""
    from tortoise.migrations.autodetector import MigrationAutodetector

    from tortoise.cli.cli import tortoise_cli_context

    apps = {label: dict(app) for label, app in config["apps"].items()}
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, apps).changes()
    return [f"{w.app_label}.{w.name}: {len(w.operations)} operation(s)" for w in writers]


async def _check_migrations() -> int:
    from app.core.db import tortoise_config

    pending = await pending_model_changes(tortoise_config(load_settings(DATABASE_URL="sqlite://:memory:")))
    if pending:
        print("models and migrations disagree; run `make migrations`:", *pending, sep="\n  ")
        return 1
    print("migrations are up to date")
    return 0


async def _seed() -> None:
    from app.core.resources import close_resources, open_resources
    from app.seed import seed_all

    resources = await open_resources(load_settings(), role="cli")
    try:
        summary = await seed_all()
    finally:
        await close_resources(resources)
    print(json.dumps(summary, ensure_ascii=False))


def export_openapi(path: Path) -> dict:
    """Build the spec exactly as /docs/openapi.json serves it and write it to `path`."""
    from sanic import Sanic

    from app.server import create_app

    Sanic.test_mode = True
    settings = load_settings(DATABASE_URL="sqlite://:memory:", SJT_ENV="test", HOST="127.0.0.1", PORT=8000)
    app = create_app(settings, manage_resources=False, name="sjt_openapi_export")
    _, response = app.test_client.get("/docs/openapi.json")
    spec = response.json
    spec.pop("servers", None)
    # sanic-ext lists tags in route registration order, which varies between processes.
    spec["tags"] = sorted(spec.get("tags", []), key=lambda t: t["name"])
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return spec


def banner() -> None:
    """What `make run` prints before the server starts: where things are and who can log in."""
    settings = load_settings()
    base = settings.public_base_url
    lines = [
        "", "三晋通 is starting in the embedded mode (SQLite + in-process Redis + in-memory task queue)",
        f"  API            {base}/api/v1/",
        f"  API docs       {base}/docs   (spec: {base}/docs/openapi.json)",
        f"  H5 app         {base}/h5/",
        f"  WeChat sim     {base}/wechat-sim/   (dev helpers under /wechat-sim/dev/)",
        f"  Health         {base}/healthz   {base}/readyz",
        "", "Demo accounts (also in data/demo-accounts.json):",
    ]
    path = settings.data_dir / "demo-accounts.json"
    for acc in json.loads(path.read_text()) if path.exists() else []:
        login = acc["login"]
        how = (f"username {login['username']} / password {login['password']}" if "username" in login
               else f"WeChat openid {login['openid']} (POST /wechat-sim/dev/login-code)")
        lines.append(f"  {acc['role']:<13} {acc['name']:<24} {how}")
    print("\n".join(lines) + "\n", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply committed migrations")
    sub.add_parser("check-migrations", help="fail when models and migrations disagree")
    sub.add_parser("seed", help="load demo and reference data (idempotent)")
    sub.add_parser("banner", help="print URLs and demo accounts")
    exp = sub.add_parser("export-openapi", help="write api_docs/openapi.json")
    exp.add_argument("--out", type=Path, default=ROOT / "api_docs" / "openapi.json")
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(_migrate())
    elif args.command == "check-migrations":
        return asyncio.run(_check_migrations())
    elif args.command == "seed":
        asyncio.run(_seed())
    elif args.command == "banner":
        banner()
    elif args.command == "export-openapi":
        spec = export_openapi(args.out)
        print(f"wrote {args.out} ({len(spec.get('paths', {}))} paths)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
