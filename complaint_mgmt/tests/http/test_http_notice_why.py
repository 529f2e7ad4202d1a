"""Issue 18, section 1 over HTTP: the REST read of a notice returns its computation and explanation, and
complaint_mgmt.api.verify_notices answers a System Manager only (403 for every other role)."""

import pytest

from complaint_mgmt.tests.http.probe import assert_not_server_error

VERIFY = "complaint_mgmt.api.verify_notices"
PERIOD = {"from_date": "2026-01-01", "to_date": "2026-12-31"}


def test_the_rest_read_of_a_notice_carries_why(http, seed):
	resp = http.as_("handler_a").get(f"/api/resource/Complaint Penalty Notice/{seed.a_notice}")
	assert resp.status_code == 200, resp.text[:500]
	data = resp.json()["data"]
	assert (
		data.get("computation") is None
	)  # the seed's notice is made by hand: no computation, and it says so
	assert data["explanation"].startswith("This notice was issued by hand")


@pytest.mark.parametrize(
	"role", ["handler_a", "deptmgr_a", "specialist", "manager", "approver", "executor", "customer"]
)
def test_verify_notices_refuses_every_role_but_the_system_manager(http, role):
	resp = http.as_(role).method(VERIFY, **PERIOD)
	assert resp.status_code == 403, (role, resp.status_code, resp.text[:300])


def test_verify_notices_answers_the_system_manager(http):
	resp = http.as_("sysmgr").method(VERIFY, **PERIOD)
	assert_not_server_error(resp)
	assert resp.status_code == 200 and isinstance(resp.json()["message"], list), resp.text[:500]
	bad = http.as_("sysmgr").method(VERIFY, from_date="2026-12-31", to_date="2026-01-01")
	assert bad.status_code == 417 and "From Date must not be after To Date." in bad.text
