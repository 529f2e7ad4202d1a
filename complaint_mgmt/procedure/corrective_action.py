"""Is a corrective action concrete? Pure Python (no Frappe), used by ``complaint_mgmt.procedure.transitions`` and
re-exported by ``complaint_mgmt.procedure.rules``.

The procedure forbids slogans such as "加强培训,加强检查" (Chinese comma), "加强管理、加强培训" or
"Strengthen staff training": an action made only of generic verbs (strengthen, improve, 加强, 提高 …) and
generic objects (training, management, 培训, 管理 …), joined by connecting words and punctuation (and, staff,
和, 、, 员工 …), is refused whatever its length. The word lists below are the rule; extend them here.
"""

from __future__ import annotations

import unicodedata

from complaint_mgmt.procedure.calendar_hours import RuleError

GENERIC_VERBS_EN = frozenset(
	"strengthen strengthened strengthening improve improved improving enhance enhanced enhancing reinforce"
	" reinforced reinforcing increase increased intensify intensified tighten tightened boost raise step up"
	" more better further continue continuously pay be keep do conduct carry out focus stress emphasise"
	" emphasize optimise optimize standardise standardize".split()
)
GENERIC_OBJECTS_EN = frozenset(
	"training trainings management inspection inspections check checks checking supervision monitoring"
	" awareness communication education control controls quality service services attitude discipline"
	" responsibility responsibilities sense skills skill ability abilities work coordination learning"
	" study attention careful carefulness process processes procedures procedure rules compliance"
	" follow followup review reviews assessment assessments".split()
)
CONNECTORS_EN = frozenset(
	"and or & the a an of for to on in with at by its their our all every each new relevant related"
	" daily regular regularly strict strictly further staff employee employees personnel team teams"
	" worker workers department departments store stores everyone people colleague colleagues frontline"
	" line next time future from now".split()
)
GENERIC_VERBS_ZH = (
	"加强", "提高", "强化", "提升", "改进", "改善", "加大", "严格", "做好", "注意", "重视", "完善", "落实",
	"增强", "狠抓", "抓好", "继续", "进一步", "持续", "加紧", "认真", "规范", "优化", "开展", "进行",
)  # fmt: skip
GENERIC_OBJECTS_ZH = (
	"培训", "管理", "检查", "监督", "意识", "教育", "沟通", "服务", "质量", "责任心", "责任", "素质", "态度",
	"水平", "能力", "纪律", "制度", "流程", "考核", "监管", "巡查", "学习", "工作", "力度", "整改", "控制",
	"把关", "协调", "宣传", "督导", "检验", "自查", "服务意识", "质量意识",
)  # fmt: skip
CONNECTORS_ZH = (
	"和", "及", "与", "并", "对", "以及", "同时", "各", "的", "员工", "人员", "职工", "全员", "相关", "部门",
	"门店", "下次", "今后", "以后", "日常", "方面", "等", "全体", "大家", "我们", "加以", "一下", "更加", "再",
	"要", "应", "需", "需要", "必须", "好", "全面", "定期", "不断", "所有", "员", "店员",
)  # fmt: skip
GENERIC_ZH = frozenset({*GENERIC_VERBS_ZH, *GENERIC_OBJECTS_ZH, *CONNECTORS_ZH})
GENERIC_EN = GENERIC_VERBS_EN | GENERIC_OBJECTS_EN | CONNECTORS_EN
# Platitudes outside the verb + object pattern.
PLATITUDES = frozenset({"be careful", "pay attention", "下次注意", "注意"})
MIN_CHINESE_CHARS = 8  # Chinese writes no spaces: one run of text must be at least this long


def _normalise(text: str) -> str:
	cleaned = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
	return " ".join(cleaned.lower().split())


def _is_generic_run(run: str) -> bool:
	"""True when a run without spaces splits entirely into generic Chinese words (any segmentation)."""
	ends = {0}  # positions up to which the run is made of generic words
	for pos in range(len(run)):
		if pos in ends:
			ends.update(pos + len(word) for word in GENERIC_ZH if run.startswith(word, pos))
	return len(run) in ends


def _is_generic_token(token: str) -> bool:
	if token.isascii():
		return token in GENERIC_EN
	return _is_generic_run(token)


def is_slogan(text: str | None) -> bool:
	"""True for an action made only of generic verbs, generic objects and connecting words."""
	words = _normalise(text or "").split()
	return bool(words) and all(_is_generic_token(word) for word in words)


def is_vague_action(text: str | None) -> bool:
	"""True for an empty, too short, platitude or slogan corrective action ("strengthen training", "加强培训")."""
	if not text or not text.strip():
		return True
	normal = _normalise(text)
	if not normal:
		return True
	words = normal.split()
	# One word is too little in a language that separates words (the issue: "reject ... a one-word action");
	# Chinese writes no spaces, so there a single run must be at least 8 characters.
	if len(words) < 2 and (words[0].isascii() or len(words[0]) < MIN_CHINESE_CHARS):
		return True
	return normal in PLATITUDES or is_slogan(normal)


def validate_corrective_action(text: str | None) -> None:
	"""RuleError unless the corrective action is concrete."""
	if is_slogan(text):
		raise RuleError(
			'The corrective action is too vague: generic measures such as "strengthen training" or'
			' "加强管理" are not enough; say what changes, where, for whom and by when.'
		)
	if is_vague_action(text):
		raise RuleError(
			"The corrective action is too vague: describe a concrete corrective or preventive action."
		)
