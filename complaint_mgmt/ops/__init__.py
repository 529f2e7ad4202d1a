"""Operating the app on one or several hosts: the server CPU probe of the load benchmarks, the replica's status."""
