"""GET stats/overview on a fixture built here with known answers (not the seed)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest

from app.applications.models import Application, Status
from app.calendar import service as calendar
from app.core import clock
from app.feedback.models import Evaluation, Rectification
from app.identity.models import Role
from app.seed import load_json
from app.stats import service
from tests.factories import auth_headers, make_account, make_application_item

UTC = timezone.utc


@pytest.fixture
async def fixture(rt):
    calendar.invalidate()
    await calendar.load_year(data=load_json("holidays-cn-2026.json"))
    clock.freeze(datetime(2026, 11, 2, 10, 0))  # Monday
    # Catalogue: province 9 of 10 online (meets 90%), city 3 of 5 (misses 80%), county none, township 1 of 1.
    for depth in [3] * 5 + [4] * 4 + [2]:
        await make_application_item(level="province", region_code="140000", online_depth=depth)
    city = [await make_application_item(level="city", region_code="140100", online_depth=d) for d in (3, 4, 4, 2, 1)]
    await make_application_item(level="township", region_code="140121100", online_depth=4)
    await make_application_item(level="city", region_code="140100", online_depth=1, published=False)  # not counted
    applicant = uuid.uuid4()

    async def case(status, department, **kw):
        item = city[0]
        return await Application.create(item_id=item.id, item_code=item.code, item_name=item.name,
                                        department=department, region_code="140100", applicant_id=applicant,
                                        actor_id=applicant, status=status, **kw)

    # Completed: 4 working days (Mon 2 Nov → Fri 6 Nov) and 3 (Wed 30 Sep → Sat 10 Oct across 国庆, 10 Oct is 调休).
    await case(Status.COMPLETED, "民政", accepted_at=datetime(2026, 11, 2, 2, tzinfo=UTC),
               completed_at=datetime(2026, 11, 6, 8, tzinfo=UTC))
    await case(Status.COMPLETED, "民政", accepted_at=datetime(2026, 9, 30, 2, tzinfo=UTC),
               completed_at=datetime(2026, 10, 10, 3, tzinfo=UTC))
    await case(Status.ACCEPTED, "人社", deadline=date(2026, 10, 30))  # overdue
    await case(Status.SUBMITTED, "民政", deadline=date(2026, 11, 9))  # in time
    await case(Status.NEEDS_CORRECTION, "人社", deadline=date(2026, 10, 1))  # clock stopped: not overdue
    await case(Status.DRAFT, "人社")  # drafts are not counted
    # Ratings: 5, 4, 2 initial (2 of 3 satisfied); a supplementary 1 does not count twice.
    for score, kind in ((5, "initial"), (4, "initial"), (2, "initial"), (1, "supplementary")):
        await Evaluation.create(application_id=uuid.uuid4(), applicant_id=applicant, item_code="X", department="民政",
                                region_code="140100", kind=kind, score=score, created_at=clock.now())
    for status, deadline in (("open", date(2026, 11, 20)), ("open", date(2026, 10, 30)), ("responded", date(2026, 10, 1))):
        await Rectification.create(application_id=uuid.uuid4(), evaluation_id=uuid.uuid4(), applicant_id=applicant,
                                   item_name="X", department="民政", region_code="140100", status=status,
                                   deadline=deadline, created_at=clock.now())
    yield
    calendar.invalidate()


class TestOverview:
    async def test_known_answers(self, fixture):
        o = await service.overview()
        levels = {entry.level: entry for entry in o.online_by_level}
        assert (levels["province"].total, levels["province"].online, levels["province"].share) == (10, 9, 0.9)
        assert levels["province"].target == 0.9 and levels["province"].meets_target is True
        assert (levels["city"].total, levels["city"].online, levels["city"].share) == (5, 3, 0.6)
        assert levels["city"].target == 0.8 and levels["city"].meets_target is False
        assert levels["county"].total == 0 and levels["county"].meets_target is None
        assert levels["township"].share == 1.0 and levels["township"].target is None
        assert o.applications_by_status == {"completed": 2, "accepted": 1, "submitted": 1, "needs_correction": 1}
        assert [(d.department, d.total, d.by_status) for d in o.applications_by_department] == [
            ("民政", 3, {"completed": 2, "submitted": 1}), ("人社", 2, {"accepted": 1, "needs_correction": 1})]
        assert o.processing_time.completed_cases == 2 and o.processing_time.average_workdays == 3.5
        assert o.overdue == 1
        assert (o.satisfaction.ratings, o.satisfaction.satisfied, o.satisfaction.rate) == (3, 2, 0.6667)
        assert o.satisfaction.by_score == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
        assert o.rectifications.model_dump() == {"open": 2, "responded": 1, "overdue": 1}

    async def test_empty_platform(self, rt):
        o = await service.overview()
        assert o.applications_by_status == {} and o.overdue == 0
        assert o.processing_time.average_workdays is None and o.satisfaction.rate is None


class TestRoute:
    async def test_admin_only(self, client, fixture):
        admin = await make_account(Role.ADMIN)
        r = await client.get("/api/v1/stats/overview", headers=await auth_headers(admin))
        assert r.status_code == 200 and r.json()["overdue"] == 1
        assert r.json()["satisfaction"]["rate"] == 0.6667
        reviewer = await make_account(Role.REVIEWER)
        assert (await client.get("/api/v1/stats/overview", headers=await auth_headers(reviewer))).status_code == 403
        assert (await client.get("/api/v1/stats/overview")).status_code == 401
