"""The confidentiality guard in CI: a fixed, fast budget of the stateful TLP model.

See tests/support/tlp_machine.py for the machine and its reference model;
`python -m bench.state_machine --steps 20000` is the long run.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.support.tlp_machine import TLPMachine

TestTLPStateMachine = TLPMachine.TestCase
TestTLPStateMachine.settings = settings(
    max_examples=12,
    stateful_step_count=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
