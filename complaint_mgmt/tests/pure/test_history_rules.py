"""Historic complaints from a spreadsheet: order of steps, missing steps, closure type, bad cells, and a stored
state that leaves the sweep nothing to do."""

from datetime import date, datetime, timedelta

import pytest

from complaint_mgmt.procedure import clocks, history_rules, rules, sweep_rules
from complaint_mgmt.procedure.calendar_hours import Calendar, RuleError, parse_windows
from complaint_mgmt.procedure.history_rules import COLUMNS, Context, check_row, parse_datetime

GENERAL = rules.Grade("General", 1, False, 4, 24, 72, "Medium", 50, 50, 50)
MEDIUM = rules.Grade("Medium", 2, False, 2, 8, 120, "Strong", 100, 100, 100)
IRRATIONAL = rules.Grade("Irrational", 0, True)
NOW = datetime(2026, 11, 23, 12, 0)
CTX = Context(
	grades={g.name: g for g in (GENERAL, MEDIUM, IRRATIONAL)},
	categories=frozenset({"Product Quality", "Delivery"}),
	departments=frozenset({"Sales", "Service Center"}),
	now=NOW,
)
R = datetime(2024, 3, 1, 9, 0)


def closed_row(**kw) -> dict:
	"""A closed General complaint, every step in order, closed inside its 72 h closing deadline."""
	row = {
		"status": "Closed",
		"customer_name": "Li Wei",
		"contact_phone": "+86-13800000000",
		"channel": "Phone",
		"category": "Product Quality",
		"grade": "General",
		"department": "Sales",
		"description": "The kettle leaks.",
		"received_on": "2024-03-01 09:00",
		"transferred_on": "2024-03-01 09:30",
		"acknowledged_on": "2024-03-01 10:00",
		"first_replied_on": "2024-03-01 15:00",
		"close_requested_on": "2024-03-03 09:00",
		"return_visited_on": "2024-03-03 12:00",
		"closed_on": "2024-03-04 10:00",
		"resolution": "Kettle replaced",
		"root_cause": "A faulty seal batch from one supplier",
		"corrective_action": "Check every seal batch with a pressure test at goods receipt",
		"closure_type": "First Closure",
	}
	row.update(kw)
	return row


def deferred_row(**kw) -> dict:
	row = closed_row(
		status="Deferred",
		first_replied_on=None,
		deferral_requested_on="2024-03-02 09:00",
		deferral_approved_on="2024-03-02 09:30",
		deferral_reason="The customer is abroad until summer",
		follow_up_mode="Watch",
		close_requested_on=None,
		return_visited_on=None,
		closed_on=None,
		resolution=None,
		root_cause=None,
		corrective_action=None,
		closure_type=None,
	)
	row.update(kw)
	return row


def errors(row: dict, ctx: Context = CTX) -> dict[str, list[str]]:
	found: dict[str, list[str]] = {}
	for column, err in check_row(row, ctx).errors:
		assert isinstance(err, RuleError)
		found.setdefault(column, []).append(err.template)
	return found


def test_a_good_closed_row_keeps_its_milestones_and_is_flagged_imported():
	checked = check_row(closed_row(), CTX)
	assert checked.errors == []
	v = checked.values
	assert v["received_on"] == R and v["closed_on"] == datetime(2024, 3, 4, 10, 0)
	assert v["closure_type"] == rules.FIRST_CLOSURE and v["status"] == "Closed"
	assert v["imported"] == 1 and v["next_check_at"] is None and v["satisfied"] == 1
	assert v["original_grade"] == "General" and v["irrational_stage"] == "" and v["is_external"] == 0
	assert v["close_due"] == R + timedelta(hours=72) and v["transfer_due"] == R + timedelta(hours=4)
	assert not any(v[f] for f in clocks.BREACH_FLAGS.values()) and v["sla_status"] == "Met"


def test_the_template_columns_cover_every_milestone_once():
	assert len(COLUMNS) == len(set(COLUMNS))
	assert set(history_rules.MILESTONES) <= set(COLUMNS)


@pytest.mark.parametrize(
	"column, value, other",
	[
		("transferred_on", "2024-03-01 08:59", "received_on"),
		("acknowledged_on", "2024-03-01 09:10", "transferred_on"),
		("first_replied_on", "2024-03-01 09:59", "acknowledged_on"),
		("close_requested_on", "2024-03-01 14:00", "first_replied_on"),
		("return_visited_on", "2024-03-03 08:00", "close_requested_on"),
		("closed_on", "2024-03-03 11:00", "return_visited_on"),
	],
)
def test_milestones_out_of_order_are_refused_on_the_later_column(column, value, other):
	checked = check_row(closed_row(**{column: value}), CTX)
	assert checked.values is None
	[(col, err)] = checked.errors
	assert col == column and err.values[1] == other
	assert err.template == "{0} lies before {1} ({2}): the steps must follow the procedure's order."


def test_equal_instants_are_in_order_and_the_future_is_refused():
	assert errors(closed_row(transferred_on="2024-03-01 09:00", acknowledged_on="2024-03-01 09:00")) == {}
	found = errors(closed_row(received_on="2027-01-01 09:00"))
	assert found["received_on"] == ["Received On {0} lies in the future."]
	found = errors(closed_row(closed_on="2026-11-24 10:00"))
	assert found == {"closed_on": ["{0} lies in the future."]}


def test_a_closed_row_needs_every_step_of_the_procedure():
	row = closed_row(first_replied_on=None, return_visited_on="", closed_on=None, resolution=" ")
	assert set(errors(row)) == {"first_replied_on", "return_visited_on", "closed_on", "resolution"}
	for column in history_rules.REQUIRED_COLUMNS:
		assert column in errors(closed_row(**{column: None})), column


def test_open_and_unknown_statuses_are_refused():
	assert "Data Import" in errors(closed_row(status="Replied"))["status"][0]
	assert errors(closed_row(status="Done"))["status"] == ["{0} is not one of: {1}."]


def test_links_and_options_must_exist():
	found = errors(closed_row(grade="Huge", category="Nope", department="Nowhere", channel="Fax"))
	assert found["grade"] == found["category"] == found["department"] == ["{0} does not exist."]
	assert found["channel"] == ["{0} is not one of: {1}."]


def test_bad_cells_name_their_column():
	row = closed_row(
		received_on="yesterday", claim_amount="lots", compensation_amount="-5", contact_email="x@"
	)
	found = errors(row, CTX)
	assert found["received_on"] == ["{0} is not a date and time (use 2024-03-01 09:30)."]
	assert found["claim_amount"] == ["{0} is not a number."]
	assert found["compensation_amount"] == ["{0} must be an amount from 0 to 1,000,000,000,000."]
	assert found["contact_email"] == ["{0} is not a valid e-mail address."]
	assert "contact_phone" in errors(closed_row(contact_phone="call me maybe"))
	assert errors(closed_row(customer_name="x" * 141))["customer_name"] == [
		"Too long: at most {0} characters."
	]


def test_a_slogan_is_no_corrective_action():
	assert "corrective_action" in errors(closed_row(corrective_action="加强培训、加强检查"))


def test_dates_from_spreadsheets():
	assert parse_datetime("2024-03-01 09:30") == datetime(2024, 3, 1, 9, 30)
	assert parse_datetime("2024/3/1 9:30") == datetime(2024, 3, 1, 9, 30)
	assert parse_datetime("2024-03-01") == datetime(2024, 3, 1)
	assert parse_datetime(date(2024, 3, 1)) == datetime(2024, 3, 1)
	assert parse_datetime(datetime(2024, 3, 1, 9, 30)) == datetime(2024, 3, 1, 9, 30)
	assert parse_datetime(None) is None and parse_datetime("") is None
	with pytest.raises(RuleError):
		parse_datetime("31.02.2024")


def test_closure_type_follows_the_closing_deadline():
	late = closed_row(
		close_requested_on="2024-03-04 09:01",
		return_visited_on="2024-03-04 10:00",
		closed_on="2024-03-05 10:00",
		closure_type="",
	)
	assert check_row(late, CTX).values["closure_type"] == rules.SECOND_CLOSURE  # filled in when empty
	assert errors({**late, "closure_type": "First Closure"})["closure_type"] == [
		"Closure type {0} does not fit: the close request {1} came after the closing deadline {2}, so it is a {3}."
	]
	on_time = closed_row(close_requested_on="2024-03-04 09:00", return_visited_on="2024-03-04 10:00",
		closed_on="2024-03-05 10:00", closure_type="Second Closure")  # fmt: skip
	assert (
		"came by the closing deadline" in errors(on_time)["closure_type"][0]
	)  # the deadline itself is in time


def test_closing_deadline_of_the_grade_at_registration_and_in_business_hours():
	late_for_general = dict(close_requested_on="2024-03-05 09:00", return_visited_on="2024-03-05 10:00",
		closed_on="2024-03-05 11:00", closure_type="")  # fmt: skip
	row = closed_row(grade="Medium", **late_for_general)  # 120 h
	assert check_row(row, CTX).values["closure_type"] == rules.FIRST_CLOSURE
	escalated = check_row(closed_row(grade="Medium", original_grade="General", **late_for_general), CTX)
	assert escalated.values["closure_type"] == rules.SECOND_CLOSURE
	assert escalated.values["original_grade"] == "General" and escalated.values["close_breached"] == 1
	office = Calendar(windows=parse_windows([(d, "09:00", "18:00") for d in range(5)]))
	business = Context(**{**CTX.__dict__, "calendar": office})
	assert check_row(closed_row(**late_for_general), business).values["closure_type"] == rules.FIRST_CLOSURE


def test_a_deferred_row():
	checked = check_row(deferred_row(), CTX)
	assert checked.errors == []
	v = checked.values
	assert v["irrational_stage"] == "Secondary" and v["follow_up_mode"] == "Watch" and v["closure_type"] == ""
	assert v["close_due_at_deferral"] == R + timedelta(hours=72)
	assert v["close_due"] is None and v["first_reply_due"] is None  # not breached: no clock on record
	late = check_row(deferred_row(deferral_approved_on="2024-03-02 11:00"), CTX).values  # no reply in 24 h
	assert late["first_reply_breached"] == 1 and late["first_reply_due"] == datetime(2024, 3, 2, 10, 0)
	found = errors(deferred_row(follow_up_mode=None, deferral_reason=None, closed_on="2024-03-03 09:00"))
	assert set(found) == {"follow_up_mode", "deferral_reason", "closed_on"}
	assert "deferral_approved_on" in errors(deferred_row(deferral_approved_on=None))


def test_a_deferred_complaint_closed_later_is_judged_against_its_deadline_at_deferral():
	row = deferred_row(status="Closed", close_requested_on="2024-06-01 09:00", return_visited_on="2024-06-01 10:00",
		closed_on="2024-06-02 09:00", resolution="Refunded", root_cause="Seal batch",
		corrective_action="Pressure-test every seal batch at goods receipt", closure_type=None)  # fmt: skip
	v = check_row(row, CTX).values
	assert v["closure_type"] == rules.SECOND_CLOSURE and v["irrational_stage"] == "Secondary"
	assert v["return_visit_due"] is None  # a deferred complaint's close request starts no return-visit clock
	assert "first_replied_on" not in errors(row)  # deferral could be asked before any reply


def test_irrational_rows_need_a_follow_up_and_close_first():
	row = closed_row(grade="Irrational", follow_up_mode="Monitor", irrational_reason="Asks for ten times the price",
		close_requested_on="2024-09-01 09:00", return_visited_on="2024-09-01 10:00",
		closed_on="2024-09-02 09:00", closure_type="")  # fmt: skip
	v = check_row(row, CTX).values
	assert v["irrational_stage"] == "First" and v["closure_type"] == rules.FIRST_CLOSURE
	assert all(v[f] is None for f in rules.DUE_FIELDS.values())
	assert set(errors({**row, "follow_up_mode": None, "irrational_reason": None})) == {
		"follow_up_mode",
		"irrational_reason",
	}
	assert (
		"irrational complaint has no closing deadline"
		in errors({**row, "closure_type": "Second Closure"})["closure_type"][0]
	)
	assert "grade" in errors({**row, "original_grade": "General"})  # never to or from irrational
	assert "follow_up_mode" in errors(closed_row(follow_up_mode="Watch"))  # only deferred or irrational ones


def test_late_steps_are_breached_on_record_and_the_sweep_has_nothing_to_do():
	row = closed_row(
		acknowledged_on="2024-03-01 16:00",  # transfer 4 h missed
		first_replied_on="2024-03-03 09:00",  # 24 h from acknowledgment missed
		close_requested_on="2024-05-15 09:00",  # 72 h missed by ~2.4 months: two monthly repeats
		return_visited_on="2024-05-16 09:00",  # 12 h missed
		closed_on="2024-05-17 09:00",
		closure_type="Second Closure",
	)
	v = check_row(row, CTX).values
	assert [v[clocks.BREACH_FLAGS[c]] for c in rules.CLOCKS] == [1, 1, 1, 1]
	assert v["repeat_periods_issued"] == 2 and v["sla_status"] == "Missed"
	for checked in (v, check_row(closed_row(), CTX).values, check_row(deferred_row(), CTX).values):
		state = sweep_rules.ClockState(
			deadlines=rules.Deadlines(**{f: checked[f] for f in rules.DUE_FIELDS.values()}),
			milestones=rules.Milestones(
				received_on=checked["received_on"],
				acknowledged_on=checked["acknowledged_on"],
				first_replied_on=checked["first_replied_on"],
				close_requested_on=checked["close_requested_on"],
				return_visited_on=checked["return_visited_on"],
			),
			breached=frozenset(c for c, f in clocks.BREACH_FLAGS.items() if checked[f]),
			warned=frozenset(c for c, f in clocks.WARNED_FLAGS.items() if checked[f]),
			repeats_issued=checked["repeat_periods_issued"],
			running=True,  # even if the clocks ran, nothing would be due
		)
		assert sweep_rules.pending_events(state, sweep_rules.SweepSettings()) == []


def test_duplicates_and_repeats():
	a = check_row(closed_row(), CTX).values
	b = check_row(closed_row(customer_name=" li wei "), CTX).values
	assert history_rules.duplicate_key(a) == history_rules.duplicate_key(b)
	later = check_row(closed_row(received_on="2024-03-20 09:00", transferred_on="2024-03-20 09:10",
		acknowledged_on="2024-03-20 09:20", first_replied_on="2024-03-20 10:00", close_requested_on="2024-03-21 09:00",
		return_visited_on="2024-03-21 10:00", closed_on="2024-03-22 09:00"), CTX).values  # fmt: skip
	far = {**later, "received_on": datetime(2024, 6, 1)}
	assert history_rules.repeat_indexes([(0, a), (1, later), (2, far)], 30) == {1}
