"""What a plain save may change on a complaint (procedure.editing)."""

from complaint_mgmt.procedure.editing import ACTIONS_ONLY, CLOCK_INPUT, READ_ONLY, refused_edit


def test_registered_complaints_keep_their_clock_inputs_editable():
	assert refused_edit("Registered", ["grade", "received_on", "description"], service_center=True) is None
	assert refused_edit("Registered", ["status"], service_center=True) == (ACTIONS_ONLY, "status")


def test_after_registration_clock_inputs_need_the_regrade_action():
	assert refused_edit("Replied", ["customer_request", "grade"], service_center=False) == (
		CLOCK_INPUT,
		"grade",
	)
	assert refused_edit("Replied", ["grade"], service_center=True) == (CLOCK_INPUT, "grade")


def test_steps_flags_and_child_rows_are_the_actions_own():
	for field in ("close_warned", "transfer_due", "replies", "pauses", "status_before_pause"):
		assert refused_edit("Acknowledged", [field], service_center=True) == (ACTIONS_ONLY, field)


def test_free_fields_and_the_service_centers_own():
	assert refused_edit("Replied", ["contact_phone", "customer_request"], service_center=False) is None
	assert refused_edit("Replied", ["specialist"], service_center=False) == (ACTIONS_ONLY, "specialist")
	assert refused_edit("Replied", ["specialist", "follow_up_mode"], service_center=True) is None


def test_closed_and_deferred_are_read_only_and_no_change_is_no_refusal():
	assert refused_edit("Closed", ["customer_request"], service_center=True) == (
		READ_ONLY,
		"customer_request",
	)
	assert refused_edit("Deferred", ["description"], service_center=True) == (READ_ONLY, "description")
	assert refused_edit("Closed", [], service_center=True) is None
