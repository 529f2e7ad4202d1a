"""Corrective actions: slogans made only of generic verbs and objects are refused whatever their length (the
procedure names "加强培训,加强检查" (Chinese comma), "加强管理、加强培训" and "Strengthen staff training"); concrete actions pass."""

import pytest

from complaint_mgmt.procedure import corrective_action, transitions
from complaint_mgmt.procedure.calendar_hours import RuleError
from complaint_mgmt.procedure.corrective_action import is_slogan, is_vague_action, validate_corrective_action

SLOGANS = [
	"加强培训，加强检查",
	"加强管理、加强培训",
	"Strengthen staff training",
	"Strengthen training and inspection",
	"Improve management, enhance supervision and reinforce staff awareness",
	"Strengthen the training of all employees and improve service quality",
	"Enhance communication; reinforce education.",
	"加强员工培训",
	"提高服务意识，强化质量管理",
	"加强对员工的培训和教育，提升服务质量，改进工作态度",
	"加强管理和监督，提高员工责任心",
	"强化培训及检查、加强沟通",
	"今后加强培训",
	"進一步加强管理".replace("進", "进"),
	"STRENGTHEN TRAINING!!! IMPROVE MANAGEMENT!!!",
	"Improve staff awareness and communication with the team",
]
VAGUE = [None, "", "   ", "Training", "MORE TRAINING!", "be careful", "Pay attention!!", "加强培训", "注意", "下次注意！",
		 "整改", "OK", "Recalibrated"]  # fmt: skip
CONCRETE = [
	"Check every part against the drawing at goods receipt",
	"每批来料按图纸逐件检验并留存记录",
	"Train the two night-shift cashiers on the refund procedure by 30 June and audit 20 refunds",
	"Replace the door seal supplier and inspect every incoming batch",
	"Add a checklist step for tyre pressure before delivery",
	"更换密封条供应商并对来料逐批检验",
	"交车前增加胎压检查步骤并由班长签字确认",
	"Strengthen the shelf brackets in aisle 4 with steel braces by Friday",
	"Improve the packing: two layers of bubble wrap for glass items from 1 July",
	"收银台增加退款复核环节，由值班经理每日抽查20笔",
	"加强对冷链车温度的记录：每两小时记录一次并上传系统",
	"Retrain cashier Li on price overrides and review her overrides weekly for a month",
]


def test_rules_reexports_the_check():
	assert corrective_action.is_vague_action is is_vague_action


@pytest.mark.parametrize("text", SLOGANS)
def test_slogans_are_refused(text):
	assert is_slogan(text)
	assert is_vague_action(text)
	with pytest.raises(RuleError, match="too vague: generic measures"):
		validate_corrective_action(text)


@pytest.mark.parametrize("text", VAGUE)
def test_empty_one_word_and_platitudes_are_refused(text):
	assert is_vague_action(text)
	with pytest.raises(RuleError, match="too vague"):
		validate_corrective_action(text)


@pytest.mark.parametrize("text", CONCRETE)
def test_concrete_actions_pass(text):
	assert not is_slogan(text)
	assert not is_vague_action(text)
	validate_corrective_action(text)


def test_slogan_refused_whatever_its_length():
	long_slogan = "，".join(["加强培训", "加强检查", "提高服务意识", "强化管理", "加强监督"] * 4)
	assert len(long_slogan) > 60 and is_vague_action(long_slogan)


def test_close_request_refuses_a_slogan():
	with pytest.raises(RuleError, match="generic measures"):
		transitions.validate_close_request("Replaced", "Wrong part", "加强培训，加强检查", 0)
	transitions.validate_close_request("Replaced", "Wrong part", CONCRETE[1], 0)
