"""Who sees and does what: applicant, another resident, reviewers in and out of scope, counter staff."""

from __future__ import annotations

import pytest

from app.applications.review import region_prefix
from app.identity.models import Role
from tests.factories import GOOD_FORM, make_account, make_reviewer


@pytest.fixture
async def people(rt, alice, reviewer):
    return {
        "applicant": alice,
        "other_resident": await make_account(Role.RESIDENT),
        "legal_person": await make_account(Role.LEGAL_PERSON),
        "reviewer": reviewer,
        "reviewer_province_same_dept": await make_reviewer(region_code="140000"),
        "reviewer_other_dept": await make_reviewer(department="太原市人力资源和社会保障局"),
        "reviewer_other_region": await make_reviewer(region_code="140700"),
        "reviewer_county_below": await make_reviewer(region_code="140121"),
        "reviewer_no_scope": await make_account(Role.REVIEWER),
        "counter": await make_account(Role.COUNTER, region_code="140100", department="太原市行政审批服务管理局"),
    }


class TestApplicantEndpoints:
    async def test_matrix(self, api, item, people):
        app = await api.submitted(people["applicant"], item)
        path = f"/applications/{app['id']}"
        expected = {"applicant": 200, "other_resident": 404, "legal_person": 404, "reviewer": 403,
                    "reviewer_other_dept": 403, "counter": 403}
        for who, status in expected.items():
            r = await api.call("GET", path, people[who])
            assert r.status_code == status, (who, r.text)
            if who != "applicant":
                r = await api.call("POST", f"{path}/withdraw", people[who], json={})
                assert r.status_code == status, (who, r.text)
            r = await api.call("PATCH", path, people[who], json={"form": GOOD_FORM})
            assert r.status_code == (409 if who == "applicant" else status), (who, r.text)
            r = await api.call("GET", "/applications", people[who])
            if status == 403:
                assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"
            else:
                ids = [a["id"] for a in r.json()["items"]]
                assert (app["id"] in ids) == (who == "applicant"), who
        r = await api.call("POST", f"{path}/withdraw", people["applicant"], json={})
        assert r.status_code == 200 and r.json()["status"] == "withdrawn"
        r = await api.call("GET", path)
        assert r.status_code == 401
        r = await api.call("POST", "/applications", None, json={"item_code": item.code})
        assert r.status_code == 401

    async def test_others_cannot_submit_or_withdraw(self, api, item, people):
        draft = await api.draft(people["applicant"], item)
        for who in ("other_resident", "legal_person"):
            r = await api.call("POST", f"/applications/{draft['id']}/submit", people[who])
            assert r.status_code == 404
            r = await api.call("POST", f"/applications/{draft['id']}/withdraw", people[who], json={})
            assert r.status_code == 404
        r = await api.call("GET", f"/applications/{draft['id']}", people["applicant"])
        assert r.json()["status"] == "draft"


class TestReviewEndpoints:
    async def test_matrix(self, api, item, people):
        app = await api.submitted(people["applicant"], item)
        path = f"/review/applications/{app['id']}"
        expected = {"applicant": 403, "other_resident": 403, "counter": 403, "reviewer_other_dept": 404,
                    "reviewer_other_region": 404, "reviewer_county_below": 404, "reviewer_no_scope": 404,
                    "reviewer_province_same_dept": 200, "reviewer": 200}
        for who, status in expected.items():
            r = await api.call("GET", path, people[who])
            assert r.status_code == status, (who, r.text)
            r = await api.call("GET", "/review/applications", people[who])
            if status == 403:
                assert r.status_code == 403
            else:
                assert (app["id"] in [a["id"] for a in r.json()["items"]]) == (status == 200), who
            if status != 200:
                for action, body in (("accept", {}), ("not-accept", {"reason": "x"}), ("reject", {"reason": "x"}),
                                     ("request-correction", {"items": [{"field": "name", "reason": "x"}]}),
                                     ("approve", {}), ("complete", {})):
                    r = await api.review(people[who], app["id"], action, **body)
                    assert r.status_code == status, (who, action, r.text)
        r = await api.call("GET", path, people["applicant"])
        assert r.json()["error"]["code"] == "ROLE_FORBIDDEN"
        r = await api.review(people["reviewer"], app["id"], "accept")
        assert r.status_code == 200
        r = await api.call("GET", f"/applications/{app['id']}", people["applicant"])
        assert r.json()["status"] == "accepted"

    async def test_drafts_are_invisible_to_reviewers(self, api, item, people):
        draft = await api.draft(people["applicant"], item)
        r = await api.call("GET", f"/review/applications/{draft['id']}", people["reviewer"])
        assert r.status_code == 404


class TestRegionPrefix:
    @pytest.mark.parametrize("code,prefix", [("140000", "14"), ("140100", "1401"), ("140121", "140121"),
                                             ("140121100000", "140121100"), ("140121100201", "140121100201")])
    def test_prefix(self, code, prefix):
        assert region_prefix(code) == prefix
