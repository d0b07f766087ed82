"""The role a person acts in is one role, never a group of roles.

``any_staff`` is a code a document (or a duty) names to say "any member of the school's staff":
the guards read it as every school role. Nobody acts "as any staff": a transition given it as
its acting role is refused, naming the field, before any guard judges it (else one person could
take every school role's actions at once).
"""

from __future__ import annotations

from datetime import date

import pytest
from tests.workflow.fixtures import consent, plan, referral

from atbalsts.codes import ROLES
from atbalsts.errors import LifecycleError, UnknownNameError
from atbalsts.workflow import GROUP_ROLES, transition
from atbalsts.workflow._guards import _staff

ON = date(2025, 3, 10)

#: One allowed action of each kind of document, with what it needs besides the role.
ACTIONS = [
    (plan(), "submit", {}),
    (plan(status="active", submitted_on="2025-03-03"), "deliver", {"measure": 0, "sessions": 1}),
    (referral(), "send", {}),
    (consent(), "withdraw", {}),
    (consent(), "expire", {}),
]


@pytest.mark.parametrize(("document", "action", "params"), ACTIONS)
def test_any_staff_is_refused_as_the_role_one_acts_in(
    document: object, action: str, params: dict[str, object]
) -> None:
    with pytest.raises(LifecycleError) as info:
        transition(
            document,  # type: ignore[type-var]
            action,
            actor="p-1",
            role="any_staff",
            on=ON,
            params=params,
            reason="Synthetic reason",
            override=True,  # no override lets it through: it is not a guard's refusal
        )
    err = info.value
    assert err.code == "group_role"
    assert err.refusals == ()
    assert err.values["role"] == "any_staff"
    assert err.values["action"] == action
    assert "role" in str(err)
    assert "any_staff" in str(err)


def test_the_group_codes_refused_are_those_the_guards_read_as_groups() -> None:
    """A national role code the guards read as more than itself (a document's ``any_staff``:
    every school role) is refused as an acting role; no other national role code is."""
    groups = {code for code in ROLES.codes() if _staff(code) != {code}}
    assert groups == {"any_staff"}
    assert set(GROUP_ROLES) == groups
    for code in sorted(set(ROLES.codes()) - groups):
        try:
            transition(plan(), "submit", actor="p-1", role=code, on=ON)
        except LifecycleError as refused:
            said = refused.code  # checked after the handler, as the linter asks
        else:
            said = None
        assert said != "group_role", code


def test_an_unknown_role_does_not_list_a_group_among_the_known() -> None:
    with pytest.raises(UnknownNameError) as info:
        transition(plan(), "submit", actor="p-1", role="teacher", on=ON)
    assert "class_teacher" in info.value.known
    assert "any_staff" not in info.value.known


def test_a_referral_its_school_sends_as_any_staff_is_sent_by_a_member_of_staff() -> None:
    """A document that names ``any_staff`` as the sender's role stands for every school role:
    a class teacher sends it (else, with no one able to act as "any staff", only the director
    could)."""
    anyone = referral(referred_by={"institution": "school", "role": "any_staff"}, consent_id="C-1")
    for role in ("class_teacher", "social_pedagogue", "school_director"):
        sent, event = transition(
            anyone, "send", actor="p-1", role=role, on=ON, consents=[consent()]
        )
        assert sent.status.value == "requested"
        assert event.role == role
    with pytest.raises(LifecycleError) as info:
        transition(anyone, "send", actor="p-1", role="social_service", on=ON, consents=[consent()])
    assert [r.guard for r in info.value.refusals] == ["lv.guard.referral.parties"]
