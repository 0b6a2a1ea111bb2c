"""The committed migrations match the models, and the committed OpenAPI spec matches the app."""

from __future__ import annotations

import json
import subprocess
import sys

from app.cli import pending_model_changes
from app.core.config import load_settings
from app.core.db import tortoise_config
from tests.conftest import ROOT


async def test_models_match_committed_migrations():
    config = tortoise_config(load_settings(DATABASE_URL="sqlite://:memory:"))
    assert await pending_model_changes(config) == [], "run `make migrations` and commit the result"


def test_committed_openapi_spec_is_current(tmp_path):
    out = tmp_path / "openapi.json"
    subprocess.run([sys.executable, "-m", "app.cli", "export-openapi", "--out", str(out)], cwd=ROOT,
                   check=True, capture_output=True)
    committed = json.loads((ROOT / "api_docs" / "openapi.json").read_text())
    assert json.loads(out.read_text()) == committed, "run `make api-docs` and commit api_docs/openapi.json"


async def test_migrations_apply_to_an_empty_database(tmp_path):
    db = tmp_path / "m.sqlite3"
    env_db = f"sqlite://{db}"
    proc = subprocess.run([sys.executable, "-m", "app.cli", "migrate"], cwd=ROOT, capture_output=True,
                          text=True, env={**__import__("os").environ, "DATABASE_URL": env_db})
    assert proc.returncode == 0, proc.stderr[-2000:]
    import sqlite3

    tables = {r[0] for r in sqlite3.connect(db).execute("select name from sqlite_master where type='table'")}
    assert {"account", "region", "hall", "refresh_token"} <= tables


def test_model_descriptions_are_safe_in_ddl():
    """Tortoise puts the first docstring line into DDL comments and splits scripts on ';'."""
    from tortoise import Tortoise

    from app.core.db import model_modules

    Tortoise.init_models(model_modules(), "models", _init_relations=False)
    import importlib
    import inspect as _inspect

    from tortoise.models import Model

    for name in model_modules():
        for _, cls in _inspect.getmembers(importlib.import_module(name), _inspect.isclass):
            if issubclass(cls, Model) and cls is not Model and cls.__doc__:
                first = _inspect.cleandoc(cls.__doc__).split("\n")[0]
                assert ";" not in first and "`" not in first, f"{cls.__name__}: {first}"


def test_two_models_with_one_name_cannot_share_a_component():
    import pytest
    from pydantic import BaseModel

    from app.core.openapi_schema import component

    def make(field_type):
        return type("SpecCollisionProbe", (BaseModel,), {"__annotations__": {"x": field_type}})

    component(make(int))
    component(make(int))  # the same shape again is fine
    with pytest.raises(RuntimeError, match="SpecCollisionProbe"):
        component(make(str))
