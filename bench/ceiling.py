"""The ceiling: a bare Sanic JSON handler, run with the same workers as the platform."""

from sanic import Sanic
from sanic.response import json

app = Sanic("ceiling")


@app.get("/json")
async def handler(request):
    return json({"status": "ok", "items": [{"code": "140000", "name": "山西省"}]})
