"""Local codes in a case that the policy set does not know: bad input, named by field path.

A document may carry a plugin's local code (``parauga:attendance``); whether that plugin takes part
is known only when the case meets a policy set. A code no plugin of the set declares would make a
rule fail (or vanish silently), so it is refused up front, with its path.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from atbalsts.codes import CODE_LISTS, CodeList
from atbalsts.engine._identity import ByIdentity
from atbalsts.errors import FieldError
from atbalsts.model import SupportCase

__all__ = ["unknown_local_codes"]


def _codes(case: SupportCase) -> Iterator[tuple[str, str, str]]:
    """(path, code list, code) for every code field of ``case`` that may hold a local code."""
    for i, obs in enumerate(case.observations):
        for j, seen in enumerate(obs.staff_observations):
            yield f"observations[{i}].staff_observations[{j}].factor", "risk_factors", seen.factor
            yield (
                f"observations[{i}].staff_observations[{j}].recorded_by",
                "roles",
                seen.recorded_by,
            )
        for j, threat in enumerate(obs.suspected_threats):
            yield (
                f"observations[{i}].suspected_threats[{j}].recorded_by",
                "roles",
                threat.recorded_by,
            )
        for j, note in enumerate(obs.notes):
            yield f"observations[{i}].notes[{j}].recorded_by", "roles", note.recorded_by
    for i, funded in enumerate(case.funded_elsewhere):
        yield f"funded_elsewhere[{i}].measure", "measures", funded.measure
    for i, plan in enumerate(case.plans):
        yield f"plans[{i}].author_role", "roles", plan.author_role
        for j, factor in enumerate(plan.risk_factors):
            yield f"plans[{i}].risk_factors[{j}]", "risk_factors", factor
        for j, m in enumerate(plan.measures):
            yield f"plans[{i}].measures[{j}].measure", "measures", m.measure
            yield f"plans[{i}].measures[{j}].responsible_role", "roles", m.responsible_role
    for i, ref in enumerate(case.referrals):
        for side, party in (("referred_by", ref.referred_by), ("referred_to", ref.referred_to)):
            yield f"referrals[{i}].{side}.institution", "institutions", party.institution
            if party.role is not None:
                yield f"referrals[{i}].{side}.role", "roles", party.role
    for i, consent in enumerate(case.consents):
        for j, recipient in enumerate(consent.recipients):
            yield f"consents[{i}].recipients[{j}]", "institutions", recipient


def _local(case: SupportCase) -> frozenset[tuple[str, str]]:
    """The namespaced codes of ``case`` with their code lists: the same fields as :func:`_codes`,
    read without building a path for each (a case holds hundreds of codes, almost never a
    namespaced one)."""
    found: set[tuple[str, str]] = set()
    add = found.add
    for obs in case.observations:
        for seen in obs.staff_observations:
            if ":" in seen.factor:
                add(("risk_factors", seen.factor))
            if ":" in seen.recorded_by:
                add(("roles", seen.recorded_by))
        for t in obs.suspected_threats:
            if ":" in t.recorded_by:
                add(("roles", t.recorded_by))
        for n in obs.notes:
            if ":" in n.recorded_by:
                add(("roles", n.recorded_by))
    for funded in case.funded_elsewhere:
        if ":" in funded.measure:
            add(("measures", funded.measure))
    for plan in case.plans:
        if ":" in plan.author_role:
            add(("roles", plan.author_role))
        found.update(("risk_factors", f) for f in plan.risk_factors if ":" in f)
        for m in plan.measures:
            if ":" in m.measure:
                add(("measures", m.measure))
            if ":" in m.responsible_role:
                add(("roles", m.responsible_role))
    for ref in case.referrals:
        for party in (ref.referred_by, ref.referred_to):
            if ":" in party.institution:
                add(("institutions", party.institution))
            if party.role is not None and ":" in party.role:
                add(("roles", party.role))
    for consent in case.consents:
        found.update(("institutions", r) for r in consent.recipients if ":" in r)
    return frozenset(found)


def _known(local: frozenset[tuple[str, str]], codes: Mapping[str, CodeList]) -> bool:
    """Whether every code of ``local`` is declared: once per distinct set of codes and code
    lists (a policy set's code lists never change, so the answer is kept with them)."""
    cache = _KNOWN.get(codes, _no_answers)
    answer = cache.get(local)
    if answer is None:
        if len(cache) >= _KNOWN_MAX:
            cache.clear()
        answer = cache[local] = all(code in codes[name] for name, code in local)
    return answer


#: Per code lists (a policy set's): whether each set of namespaced codes is all declared.
_KNOWN: ByIdentity[dict[frozenset[tuple[str, str]], bool]] = ByIdentity(1_000)
_KNOWN_MAX = 10_000


def _no_answers(codes: object) -> dict[frozenset[tuple[str, str]], bool]:
    return {}


def unknown_local_codes(case: SupportCase, codes: Mapping[str, CodeList]) -> list[FieldError]:
    """The local codes of ``case`` that no plugin of the policy set declares, each with its code
    list in ``values`` (``list``: ``risk_factors``, ``measures``, ``roles`` or
    ``institutions``) and, when a policy of the set has local codes in it, its ``namespace``
    (the part before ``:``, the plugin's). Never the code itself (a risk factor's may say a fact
    about the learner's health or family), nor a namespace no policy of the set has: that is
    only what the sender wrote."""
    local = _local(case)
    if not local or _known(local, codes):
        return []
    known = _namespaces(codes)
    rows = []
    for path, list_name, code in _codes(case):
        if ":" not in code or code in codes[list_name]:
            continue
        namespace = code.partition(":")[0]
        # In words, the list's own name (``risk factor``); in ``values``, its key.
        what = CODE_LISTS[list_name].name
        if namespace in known:
            message = (
                f"a local {what} code of the namespace {namespace!r} that no policy in "
                "this set declares (is its plugin installed, and does it govern this learner's "
                "municipality?)"
            )
            values = {"list": list_name, "namespace": namespace}
        else:
            message = (
                f"a local {what} code of a namespace that no policy in this set has (is "
                "its plugin installed, and does it govern this learner's municipality?)"
            )
            values = {"list": list_name}
        rows.append(FieldError(path, message, "unknown_local_code", values))
    return rows


def _namespaces(codes: Mapping[str, CodeList]) -> frozenset[str]:
    """The namespaces of the local codes of ``codes`` (the plugins' that declare any)."""
    return frozenset(
        code.partition(":")[0]
        for code_list in codes.values()
        for code in code_list.codes()
        if ":" in code
    )
