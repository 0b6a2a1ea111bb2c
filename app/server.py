"""The app factory: `create_app(settings)` builds a Sanic app for an API worker or a test."""

from __future__ import annotations

import importlib
import logging
from pathlib import Path

from sanic import Blueprint, Sanic
from sanic_ext import Extend

from app.core import exception_handlers, middleware
from app.core.config import ROOT, Settings, load_settings
from app.core.logging import configure_logging

log = logging.getLogger("sjt.server")

API_PREFIX = "/api/v1"


def domain_blueprints() -> tuple[list[Blueprint], list[Blueprint]]:
    """(API blueprints mounted under /api/v1, root blueprints) from app/<domain>/routes.py."""
    api, root = [], []
    for entry in sorted((ROOT / "app").iterdir()):
        if not (entry / "routes.py").exists() or entry.name == "wechat":
            continue
        module = importlib.import_module(f"app.{entry.name}.routes")
        for bp in getattr(module, "blueprints", None) or [module.bp]:
            (api if getattr(bp.ctx, "api_prefix", True) else root).append(bp)
    return api, root


def create_app(settings: Settings | None = None, *, manage_resources: bool = True,
               name: str = "sjt") -> Sanic:
    """Build the platform. Tests pass `manage_resources=False` and open resources themselves."""
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_json)
    app = Sanic(name)
    app.ctx.settings = settings
    app.config.REQUEST_MAX_SIZE = settings.upload_max_bytes + 256 * 1024
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = 15
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.PROXIES_COUNT = settings.proxies_count
    app.config.CORS_ORIGINS = settings.cors_origin_list
    app.config.CORS_ALLOW_HEADERS = ["authorization", "content-type", "idempotency-key",
                                     "x-on-behalf-of", "x-request-id", "x-device"]
    app.config.CORS_EXPOSE_HEADERS = ["x-request-id", "retry-after"]
    app.config.OAS_URL_PREFIX = "/docs"
    app.config.OAS_UI_DEFAULT = "swagger"
    app.config.OAS_AUTODOC = False
    app.config.OAS_IGNORE_HEAD = True
    app.config.OAS_IGNORE_OPTIONS = True
    Extend(app, openapi_config={}, config={"cors": True, "oas": True})
    app.ext.openapi.describe("三晋通 API", version="1.0.0",
                             description="三晋通办移动端接口：身份、事项、办件、预约、证照、支付、代办。")
    app.ext.openapi.add_security_scheme("bearer", "http", scheme="bearer", bearer_format="JWT")

    middleware.register(app)
    exception_handlers.register(app)

    api, root = domain_blueprints()
    app.blueprint(Blueprint.group(*api, url_prefix=API_PREFIX))
    for bp in root:
        app.blueprint(bp)
    if settings.wechat_simulator:
        from app.wechat.simulator import routes as sim_routes

        app.blueprint(sim_routes.make_blueprint(settings))
    _mount_h5(app)

    if manage_resources:
        _register_lifecycle(app, settings)
    return app


def _mount_h5(app: Sanic) -> None:
    dist = ROOT / "h5" / "dist"
    if (dist / "index.html").exists():
        app.static("/h5/", dist, index="index.html", name="h5")
        app.static("/h5", dist / "index.html", name="h5_root")


def _register_lifecycle(app: Sanic, settings: Settings) -> None:
    from app.core.resources import close_resources, open_resources

    @app.before_server_start
    async def _open(app: Sanic) -> None:
        app.ctx.resources = await open_resources(settings, role="api")
        from app.core.queue import broker, import_task_modules

        import_task_modules()
        if not broker.is_worker_process:
            await broker.startup()
        if settings.broker_kind == "memory":
            app.add_task(_run_embedded_scheduler(), name="scheduler")

    @app.after_server_stop
    async def _close(app: Sanic) -> None:
        from app.core.queue import broker

        await broker.shutdown()
        await close_resources(getattr(app.ctx, "resources", None))


async def _run_embedded_scheduler() -> None:
    """In the embedded mode the scheduler runs inside the single API process (no extra process)."""
    from taskiq.cli.scheduler.run import SchedulerLoop

    from app.core.queue import scheduler

    for source in scheduler.sources:
        await source.startup()
    await scheduler.startup()
    await SchedulerLoop(scheduler).run()


def main_app() -> Sanic:
    """Factory for the `sanic` CLI: `sanic app.server:main_app --factory`."""
    return create_app(load_settings())


__all__ = ["create_app", "main_app", "Path"]
