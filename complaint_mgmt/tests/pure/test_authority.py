"""The compensation authority matrix (spec §6: 50 / 200 / 2,000 / above): tier lookup with the open top tier,
higher roles approving smaller amounts, validation."""

import pytest

from complaint_mgmt.procedure import authority
from complaint_mgmt.procedure.authority import approver_role, approver_roles, is_open_tier, validate_tiers
from complaint_mgmt.procedure.calendar_hours import RuleError

FD, DSM, SM, VP = "Front Desk Manager", "Deputy Store Manager", "Store Manager", "Vice President"
SPEC = [(50, FD), (200, DSM), (2000, SM), (0, VP)]  # the last row has no ceiling
BOUNDED = [(50, FD), (200, DSM), (2000, SM)]


def test_rules_reexports_the_matrix():
	assert authority.approver_roles is approver_roles and authority.validate_tiers is validate_tiers


@pytest.mark.parametrize(
	("amount", "roles"),
	[
		(0.01, (FD, DSM, SM, VP)),
		(50, (FD, DSM, SM, VP)),
		(50.01, (DSM, SM, VP)),
		(200, (DSM, SM, VP)),
		(201, (SM, VP)),
		(2000, (SM, VP)),
		(2000.01, (VP,)),
		(1_000_000, (VP,)),
	],
)
def test_tier_role_first_then_every_higher_role(amount, roles):
	assert approver_roles(amount, SPEC) == roles
	assert approver_role(amount, SPEC) == roles[0]


@pytest.mark.parametrize("ceiling", [None, 0, 0.0])
def test_open_tier_is_empty_or_zero(ceiling):
	assert is_open_tier(ceiling)
	assert approver_roles(5000, [*BOUNDED, (ceiling, VP)]) == (VP,)


def test_above_every_ceiling_is_not_the_highest_bounded_tier():
	assert approver_roles(2000, BOUNDED) == (SM,)
	with pytest.raises(RuleError, match="above the highest ceiling 2000") as err:
		approver_roles(2500, BOUNDED)
	assert err.value.values == (2500, 2000)


def test_a_higher_role_may_approve_a_lower_amount_not_the_reverse():
	assert VP in approver_roles(30, SPEC) and SM in approver_roles(30, SPEC)
	assert FD not in approver_roles(150, SPEC) and DSM not in approver_roles(500, SPEC)


@pytest.mark.parametrize(
	"rows",
	[
		[(0, VP), (2000, SM), (50, FD), (200, DSM)],
		[(200, DSM), (None, VP), (50, FD), (2000, SM)],
		list(reversed(SPEC)),
	],
)
def test_unsorted_rows(rows):
	assert approver_roles(40, rows) == (FD, DSM, SM, VP)
	assert approver_roles(199, rows) == (DSM, SM, VP)
	assert approver_roles(3000, rows) == (VP,)


@pytest.mark.parametrize("amount", [0, -5, None])
def test_no_compensation_has_no_tier(amount):
	assert approver_roles(amount, SPEC) == ()
	assert approver_role(amount, SPEC) is None


def test_no_tiers():
	assert approver_roles(100, []) == () and approver_role(100, []) is None


def test_a_role_listed_twice_is_named_once():
	assert approver_roles(10, [(50, SM), (200, DSM), (0, SM)]) == (SM, DSM)


def test_valid_tiers():
	validate_tiers(SPEC)
	validate_tiers(BOUNDED)
	validate_tiers([(None, VP)])
	validate_tiers([])


@pytest.mark.parametrize(
	("rows", "match"),
	[
		([(0, VP), (50, FD)], "only the last row"),
		([(50, FD), (None, VP), (0, SM)], "only the last row"),
		([(200, DSM), (50, FD)], "strictly ascending"),
		([(50, FD), (50, DSM)], "strictly ascending"),
		([(-1, FD)], "more than 0"),
		([(50, "")], "approving role"),
		([(0, None)], "approving role"),
	],
)
def test_invalid_tiers(rows, match):
	with pytest.raises(RuleError, match=match):
		validate_tiers(rows)


# Who decides a closure, and the desk's Workflow condition tabulated from it (issue 17 item 7) -----------------

MGR = authority.DEFAULT_APPROVER_ROLE
AMOUNTS = (0, 0.01, 1, 49.99, 50, 50.01, 150, 199.99, 200, 200.01, 1999.99, 2000, 2000.01, 2500, 1e9)


def offered(condition: str | None, amount: float | None) -> bool:
	"""The condition as Frappe's get_transitions evaluates it (``doc`` is the complaint as a dict)."""

	class Doc:
		compensation_amount = amount

	return True if condition is None else bool(eval(condition, {"__builtins__": {}}, {"doc": Doc()}))


def may_decide(role: str, amount: float, tiers) -> bool:
	try:
		return role in authority.approvers(amount, tiers)
	except RuleError:
		return False


def test_approvers_add_the_manager_without_compensation_or_tiers():
	assert authority.approvers(0, SPEC) == (MGR,)
	assert authority.approvers(None, SPEC) == (MGR,)
	assert authority.approvers(500, []) == (MGR,)
	assert authority.approvers(150, SPEC) == (DSM, SM, VP)
	with pytest.raises(RuleError, match="above the highest ceiling"):
		authority.approvers(2500, BOUNDED)


@pytest.mark.parametrize(
	"tiers",
	[
		SPEC,
		BOUNDED,
		[],
		[(None, VP)],
		[(50, MGR), (0, VP)],
		[(50, SM), (200, DSM), (0, SM)],
		list(reversed(SPEC)),
	],
)
@pytest.mark.parametrize("role", [FD, DSM, SM, VP, MGR, "Somebody Else"])
def test_the_condition_offers_exactly_what_the_rule_accepts(tiers, role):
	condition = authority.approval_condition(role, tiers)
	for amount in (*AMOUNTS, None):
		assert offered(condition, amount) == may_decide(role, amount or 0, tiers), (role, amount, condition)


def test_the_conditions_read_plainly():
	assert authority.approval_condition(FD, SPEC) == "0.0 < (doc.compensation_amount or 0) <= 50.0"
	assert authority.approval_condition(VP, SPEC) == "(doc.compensation_amount or 0) > 0.0"
	assert authority.approval_condition(MGR, SPEC) == "(doc.compensation_amount or 0) <= 0.0"
	assert authority.approval_condition(MGR, []) is None  # no tier: the manager decides every amount
	assert authority.approval_condition(VP, BOUNDED) == "False"
	assert authority.approval_condition(MGR, [(50, MGR), (0, VP)]) == "(doc.compensation_amount or 0) <= 50.0"
