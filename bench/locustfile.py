"""One generic locust user: the scenario (method, path, token, body) comes from the environment."""

import json
import os

from locust import FastHttpUser, constant, task

METHOD = os.environ.get("SCENARIO_METHOD", "GET")
PATHS = json.loads(os.environ.get("SCENARIO_PATHS", '["/json"]'))
TOKEN = os.environ.get("SCENARIO_TOKEN", "")
BODY = os.environ.get("SCENARIO_BODY", "")
HEADERS = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}
if BODY:
    HEADERS["Content-Type"] = "application/json"


class Scenario(FastHttpUser):
    wait_time = constant(0)
    _n = 0

    @task
    def call(self) -> None:
        Scenario._n += 1
        path = PATHS[Scenario._n % len(PATHS)]
        self.client.request(METHOD, path, headers=HEADERS, data=BODY or None, name=os.environ.get("SCENARIO", path))
