"""The sample support cases the conformance checks run rules on (:func:`sample_cases`, public in
:mod:`atbalsts.testing.conformance`).

They come from the generator the Hypothesis strategies use (:mod:`atbalsts.testing._generate`),
driven by a seeded :class:`random.Random` instead of Hypothesis: the same kinds of case, without
the dependency, and the same cases on every run.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import date

from atbalsts.codes import Code
from atbalsts.model import SupportCase
from atbalsts.testing import _generate as gen

# Public as atbalsts.testing.conformance.DEFAULT_EXAMPLES, and documented there.
DEFAULT_EXAMPLES = 30

# At most this many observations, plans, referrals and consents in a sample case.
_MAX_ITEMS = 2


def _case(
    src: gen.Source, index: int, as_of: date, municipality: str, vocabulary: gen.Vocabulary
) -> SupportCase:
    enrolled = gen.enrolment(src, school_id=src.identifier("school-"), municipality=municipality)
    learner = gen.learner(src, learner_id=f"gen-{index:03d}", enrolment=enrolled, as_of=as_of)
    return gen.support_case(
        src, learner=learner, as_of=as_of, max_items=_MAX_ITEMS, vocabulary=vocabulary
    )


def sample_cases(
    count: int = DEFAULT_EXAMPLES,
    *,
    as_of: date,
    municipality: str = "testa-novads",
    seed: int = 0,
    local_codes: Iterable[tuple[str, Code]] = (),
) -> list[SupportCase]:
    """``count`` valid support cases as a school would hold them on ``as_of``, reproducibly.

    The same arguments always give the same cases (a seeded :class:`random.Random`; no
    Hypothesis). The cases are built by the generator behind :mod:`atbalsts.testing.strategies`:
    learners of a usual age, absence counts clustered near the usual thresholds, absence
    episodes, incidents, staff observations, the occasional suspected threat, plans (about half
    naming their author), referrals, consents and funded measures. Codes come from
    :mod:`atbalsts.codes`; ``local_codes``, the ``(code list, code)`` pairs a plugin declares, are
    used beside the national ones (measures, risk factors, roles, institutions). Learners' ids are
    ``gen-000``, ``gen-001``, ...
    """
    vocabulary = gen.Vocabulary.with_local(local_codes)
    return [
        _case(
            gen.RandomSource(random.Random(f"{seed}:{as_of.isoformat()}:{i}")),
            i,
            as_of,
            municipality,
            vocabulary,
        )
        for i in range(count)
    ]
