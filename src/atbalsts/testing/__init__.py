"""Test helpers for plugin authors and host systems.

:mod:`atbalsts.testing.strategies` holds `Hypothesis <https://hypothesis.readthedocs.io>`_
strategies that generate *valid* atbalsts documents (support cases, plans, referrals, consents,
risk assessments and their parts), for property-based tests of policy plugins and integrations::

    from hypothesis import given

    from atbalsts.testing import strategies as ats

    @given(ats.support_cases(municipality="bauska"))
    def test_my_rule_never_crashes(case): ...

:mod:`atbalsts.testing.scenarios` reads scenario files (a case, a date, the decision expected) and
:mod:`atbalsts.testing.pytest_plugin` runs them as pytest tests.

The strategies need Hypothesis, which is not a runtime dependency of atbalsts: install the ``test``
extra (``pip install 'atbalsts[test]'``). This package itself imports nothing heavy; importing
:mod:`atbalsts.testing.strategies` without Hypothesis raises :class:`ImportError`.
"""

from __future__ import annotations

__all__: list[str] = []
