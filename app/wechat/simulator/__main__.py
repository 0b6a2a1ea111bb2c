"""Run the WeChat simulator alone: `python -m app.wechat.simulator --port 8765`."""

from __future__ import annotations

import argparse
from pathlib import Path

from sanic import Sanic

from app.core.config import load_settings
from app.wechat.simulator.routes import make_blueprint


def build(data_dir: Path | None = None) -> Sanic:
    overrides = {"DATA_DIR": data_dir} if data_dir else {}
    settings = load_settings(**overrides)
    app = Sanic("wechat_simulator")
    app.blueprint(make_blueprint(settings))
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="三晋通 WeChat simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    app = build(args.data_dir)
    app.run(host=args.host, port=args.port, single_process=True, motd=False, access_log=False)


if __name__ == "__main__":
    main()
