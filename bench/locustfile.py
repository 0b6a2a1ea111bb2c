"""One generic locust user: the scenario (method, paths, token, body or bodies) comes from the
environment. With SCENARIO_BODIES_FILE (a JSON list), each request takes the next body, so
single-use inputs (亮证 codes) are each sent once."""

import json
import os

from locust import FastHttpUser, constant, task

METHOD = os.environ.get("SCENARIO_METHOD", "GET")
PATHS = json.loads(os.environ.get("SCENARIO_PATHS", '["/json"]'))
TOKEN = os.environ.get("SCENARIO_TOKEN", "")
BODY = os.environ.get("SCENARIO_BODY", "")
BODIES_FILE = os.environ.get("SCENARIO_BODIES_FILE", "")
BODIES = [json.dumps(b, ensure_ascii=False) for b in json.load(open(BODIES_FILE))] if BODIES_FILE else []
HEADERS = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}
if BODY or BODIES:
    HEADERS["Content-Type"] = "application/json"


class Scenario(FastHttpUser):
    wait_time = constant(0)
    _n = 0

    @task
    def call(self) -> None:
        Scenario._n += 1
        path = PATHS[Scenario._n % len(PATHS)]
        body = BODIES[Scenario._n % len(BODIES)].encode() if BODIES else (BODY or None)
        with self.client.request(METHOD, path, headers=HEADERS, data=body, name=os.environ.get("SCENARIO", path),
                                 catch_response=True) as response:
            # anything but a 2xx (a 404 from a wrong fixture, a 429, a 5xx) is a failure: a scenario
            # that fails fast must not pass for a fast one
            if 200 <= response.status_code < 300:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")
