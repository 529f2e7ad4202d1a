"""The cluster site's starting point, kept between runs: creating a Frappe site with the app on a fresh MariaDB
takes minutes on this machine, so the first run keeps a copy of db1's data directory (shut down cleanly) and of
the site's folder in SEED_DIR (default /var/tmp/cm-cluster-seed; ``scripts/cluster --drop-seed`` deletes it).
Later runs copy it to db1 and db2 (the replica starts from the same data, then follows db1's binary log) and run
``migrate`` only when the app's schema files changed since (``schema_key``). No frappe import."""

import fcntl
import hashlib
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

SEED_DIR = Path(os.environ.get("CM_CLUSTER_SEED_DIR", "/var/tmp/cm-cluster-seed"))
SCHEMA_FILES = ("*.json", "patches.txt", "hooks.py", "setup/*.py", "*/setup/*.py")


def schema_key(bench: Path, app_dir: Path) -> str:
	"""A digest of what ``migrate`` reads: Frappe's version, the app's doctype/workspace JSON, patches, hooks and
	its setup (after_install / after_migrate seeding)."""
	digest = hashlib.sha1()
	frappe_init = bench / "apps" / "frappe" / "frappe" / "__init__.py"
	digest.update(frappe_init.read_bytes())
	package = app_dir / "complaint_mgmt"
	files = set()
	for pattern in SCHEMA_FILES:
		files.update(
			p for p in package.rglob(pattern) if "tests" not in p.parts and "node_modules" not in p.parts
		)
	for path in sorted(files):
		digest.update(str(path.relative_to(package)).encode())
		digest.update(path.read_bytes())
	return digest.hexdigest()


@contextmanager
def locked():
	"""One run at a time creates or copies the seed."""
	SEED_DIR.mkdir(parents=True, exist_ok=True)
	with open(SEED_DIR / ".lock", "w") as handle:
		fcntl.flock(handle, fcntl.LOCK_EX)
		try:
			yield
		finally:
			fcntl.flock(handle, fcntl.LOCK_UN)


def stored_key() -> str | None:
	try:
		return (SEED_DIR / "key").read_text().strip() or None
	except OSError:
		return None


def copy_tree(source: Path, dest: Path) -> None:
	if dest.exists():
		shutil.rmtree(dest)
	subprocess.run(["cp", "-a", "--reflink=auto", str(source), str(dest)], check=True, timeout=600)


def save(datadir: Path, sitedir: Path, key: str) -> None:
	(SEED_DIR / "key").unlink(missing_ok=True)
	copy_tree(datadir, SEED_DIR / "data")
	copy_tree(sitedir, SEED_DIR / "site")
	(SEED_DIR / "key").write_text(key)


def restore(datadir: Path, sitedir: Path) -> str | None:
	"""Copy the seed to `datadir` and `sitedir`; its schema key (None: there is no seed)."""
	key = stored_key()
	if key is None:
		return None
	datadir.parent.mkdir(parents=True, exist_ok=True)
	copy_tree(SEED_DIR / "data", datadir)
	sitedir.parent.mkdir(parents=True, exist_ok=True)
	copy_tree(SEED_DIR / "site", sitedir)
	return key


def drop() -> None:
	shutil.rmtree(SEED_DIR, ignore_errors=True)
