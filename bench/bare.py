"""The baseline: a bare Sanic JSON handler, run with the same workers as the platform."""

from sanic import Sanic, json

app = Sanic("bare_baseline")
app.config.ACCESS_LOG = False


@app.post("/book")
async def book(request):
    return json({"id": "00000000-0000-0000-0000-000000000000", "status": "booked"}, status=201)


@app.get("/healthz")
async def healthz(request):
    return json({"status": "ok"})
