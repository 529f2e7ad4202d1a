"""Issue 20: the multi-host topology (topology.py), its drills and the scripts/cluster entry (run.py)."""
