"""The public procedure API (contract): ``complaint_mgmt.api.<action>`` (desk, REST, integrators)."""

from complaint_mgmt.loop.action_reviews import review_corrective_action  # noqa: F401
from complaint_mgmt.loop.actions import *  # noqa: F403  (the actions: transfer, acknowledge, reply, ...)
from complaint_mgmt.loop.actions import actions, earlier_complaints  # noqa: F401
from complaint_mgmt.loop.appeals import appeal_notice, decide_appeal  # noqa: F401
from complaint_mgmt.loop.desk import form_status, receiver_query  # noqa: F401
from complaint_mgmt.loop.history_import import download_template, import_history  # noqa: F401
from complaint_mgmt.loop.my_work import my_work  # noqa: F401
from complaint_mgmt.loop.review import regrade, reject_closure  # noqa: F401
from complaint_mgmt.outputs.notice_check import verify_notices  # noqa: F401
