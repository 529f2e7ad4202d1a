"""The package's structure (issue 10): no import cycles, no function-local imports of the app's own modules, the
procedure's rules free of Frappe, and nothing imports complaint_mgmt.setup at run time."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2]  # the complaint_mgmt package
PACKAGE = APP.name
PURE = "complaint_mgmt.procedure"


def module_name(path: Path) -> str:
	parts = path.relative_to(APP.parent).with_suffix("").parts
	return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def app_modules() -> dict[str, Path]:
	return {
		module_name(p): p
		for p in APP.rglob("*.py")
		if "tests" not in p.relative_to(APP).parts and "patches" not in p.relative_to(APP).parts
	}


MODULES = app_modules()


def resolve(name: str) -> str | None:
	"""The app module `name` refers to (a module, else its package), None outside the app."""
	while name:
		if name in MODULES:
			return name
		name = name.rpartition(".")[0]
	return None


def type_checking_nodes(tree: ast.AST) -> set[int]:
	skip = set()
	for node in ast.walk(tree):
		if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
			skip.update(id(n) for n in ast.walk(node))
	return skip


def imports(path: Path) -> list[tuple[str, bool]]:
	"""(imported dotted name, at module level?) of every import outside TYPE_CHECKING blocks."""
	tree = ast.parse(path.read_text(encoding="utf-8"))
	skip = type_checking_nodes(tree)
	top = {id(n) for n in tree.body}
	found = []
	for node in ast.walk(tree):
		if id(node) in skip:
			continue
		if isinstance(node, ast.Import):
			found += [(alias.name, id(node) in top) for alias in node.names]
		elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
			found += [(f"{node.module}.{alias.name}", id(node) in top) for alias in node.names]
			found.append((node.module, id(node) in top))
	return found


def graph() -> dict[str, set[str]]:
	edges = {}
	for name, path in MODULES.items():
		targets = {resolve(target) for target, _top in imports(path)}
		edges[name] = {t for t in targets if t and t != name and not name.startswith(t + ".")}
	return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
	state, stack = {}, []

	def visit(node):
		state[node] = 1
		stack.append(node)
		for nxt in sorted(edges.get(node, ())):
			if state.get(nxt) == 1:
				return [*stack[stack.index(nxt) :], nxt]
			if nxt not in state and (cycle := visit(nxt)):
				return cycle
		stack.pop()
		state[node] = 2
		return None

	for node in sorted(edges):
		if node not in state and (cycle := visit(node)):
			return cycle
	return None


def test_the_modules_are_found():
	assert {"complaint_mgmt.procedure.rules", "complaint_mgmt.loop.actions", "complaint_mgmt.hooks"} <= set(
		MODULES
	)


def test_no_import_cycles():
	assert find_cycle(graph()) is None, " -> ".join(find_cycle(graph()))


def test_no_function_local_imports_of_the_app():
	local = [
		f"{name}: {target}"
		for name, path in MODULES.items()
		for target, top in imports(path)
		if not top and target.startswith(PACKAGE + ".")
	]
	assert local == []


def test_the_procedure_rules_import_no_frappe():
	offending = [
		f"{name}: {target}"
		for name, path in MODULES.items()
		if name.startswith(PURE)
		for target, _top in imports(path)
		if target.split(".")[0] == "frappe"
		or (target.startswith(PACKAGE + ".") and not target.startswith(PURE))
	]
	assert offending == []


def test_nothing_imports_setup_at_run_time():
	offending = [
		f"{name}: {target}"
		for name, path in MODULES.items()
		if not name.startswith("complaint_mgmt.setup")
		for target, _top in imports(path)
		if target.startswith("complaint_mgmt.setup")
	]
	assert offending == []


def test_no_module_re_exports_another_as_its_own():
	"""``from x import name as name`` (an explicit re-export) only in the contract's shim modules."""
	shims = {"complaint_mgmt.api", "complaint_mgmt.deadlines", "complaint_mgmt.weekly"}
	offending = []
	for name, path in MODULES.items():
		tree = ast.parse(path.read_text(encoding="utf-8"))
		for node in tree.body:
			if isinstance(node, ast.ImportFrom) and name not in shims:
				offending += [f"{name}: {a.name}" for a in node.names if a.asname and a.asname == a.name]
	assert offending == []
