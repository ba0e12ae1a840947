# Magnum's services import magnum.cmd first: before Magnum 2026.1 it
# monkey-patches the process for eventlet (the conductor's RPC server runs on
# eventlet's executor), from 2026.1 on it does nothing. This suite runs
# Magnum's API and conductor in one process, so it starts the same way, in a
# pytest process of its own (run-tests.sh).
import magnum.cmd  # noqa: F401
