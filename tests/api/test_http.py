"""No tests here: the HTTP tests are split by route (test_relations.py, test_events.py, ...).

This module only keeps ``from tests.api.test_http import event`` in tests/cli/test_cli.py working;
once that imports from ``tests.api.conftest``, remove it.
"""

from tests.api.conftest import event

__all__ = ["event"]
