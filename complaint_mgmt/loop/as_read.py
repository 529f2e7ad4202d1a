"""A document saved from the copy just read under this transaction's lock: Frappe's save loads the document again
(``load_doc_before_save``, for its ``check_if_latest`` and the Version), every child table, only to find it
unchanged. A procedure action's complaint (loop/steps.lock_for_action) and the inbox's closed ToDo
(loop/inbox.set_todo_status) keep the copy they read instead; anything else loads as Frappe does."""

import frappe


class SavesAsRead:
	"""Controller mixin (before the Document class): the copy kept by ``keep_as_read`` is the document before
	its next save, once; without one, Frappe's own load."""

	def load_doc_before_save(self, *, raise_exception: bool = False):
		before = self.flags.pop("before_action", None)
		if before is not None and not self.is_new():
			self._doc_before_save = before
			return
		super().load_doc_before_save(raise_exception=raise_exception)


def keep_as_read(doc) -> None:
	"""`doc` was read under this transaction's row lock and is unchanged since: a copy of it stands for the
	stored document at its next save (its controller must be a ``SavesAsRead``)."""
	doc.flags.before_action = frappe.get_doc(doc.as_dict())
