"""`atbalsts transition` and `atbalsts audit verify` say refusals in Latvian by default: every
national guard's refusal carries a code and the values it is about, which the command says in
Latvian with no English left and no value of a sensitive field; `--lang en` (or
ATBALSTS_LANG=en) gives the library's English as it was; a plugin guard's plain text is shown
as written."""

from __future__ import annotations

import ast
import contextlib
import gettext
import inspect
import io
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.workflow.fixtures import DAY, consent, plan, referral

import atbalsts.workflow._audit
import atbalsts.workflow._cli
import atbalsts.workflow._guards
import atbalsts.workflow._lifecycle
import atbalsts.workflow._transition
from atbalsts.cli import main
from atbalsts.cli._coded import (
    batch_sentences,
    coded_sentences,
    shared_sentences,
    transition_sentences,
)
from atbalsts.cli._i18n import Texts, texts
from atbalsts.cli._workflow import (
    CHAIN_CODES,
    GUARD_CODES,
    LIFECYCLE_CODES,
    _guard_sentences,
    _lifecycle_sentences,
    _problems,
    lifecycle_message,
    refusal_reason,
)
from atbalsts.errors import LifecycleError, Refusal
from atbalsts.model import ApprovalStep, DataCategory, ReferralPurpose
from atbalsts.policy import BasisKind, LegalBasis
from atbalsts.workflow import (
    Guard,
    GuardSet,
    Reason,
    Transition,
    approval_chain,
    guard,
    transition,
)
from atbalsts.workflow._guards import consent_gaps

#: The codes of ChainError, which append_event raises (a host's call, never the command's).
APPEND_CODES = {
    "not_next_event",
    "not_first_event",
    "already_appended",
    "event_not_sealed",
    "chain_end_unreadable",
    "chain_held",
}

LV = texts("lv")
#: The library's words as the catalog's source: a sentence said through it is the English one.
SOURCE = Texts("en", gettext.NullTranslations())

#: Values of sensitive fields in the documents below: none may be said.
SECRETS = {
    "reason": "Synthetic SECRETREASON",
    "purpose": "Synthetic SECRETPURPOSE",
    "goal": "Synthetic SECRETGOAL",
    "why": "Synthetic SECRETWHY",
}
SECRET = "SECRET"
LEARNER = "L-SECRETLEARNER"


def _referral(**changes: Any) -> Any:
    return referral(learner_id=LEARNER, reason=SECRETS["reason"], **changes)


def _consent(**changes: Any) -> Any:
    return consent(**{"learner_id": LEARNER, "purpose": SECRETS["purpose"], **changes})


def _plan(**changes: Any) -> Any:
    goal = {
        "description": SECRETS["goal"],
        "indicator": "unjustified_lessons",
        "target": 5.0,
        "direction": "at_most",
    }
    return plan(learner_id=LEARNER, goals=[goal], **changes)


ROLES = {"author": "class_teacher"}


def _approved(on: date = DAY, chain: tuple[ApprovalStep, ...] | None = None) -> Any:
    steps = approval_chain(on) if chain is None else chain
    current = transition(_plan(), "submit", actor="t-1", role="class_teacher", on=on).document
    for step in steps:
        role = ROLES.get(step.value, step.value)
        current = transition(
            current, "approve", actor="a-1", role=role, on=on, chain=steps
        ).document
    return current


def _active() -> Any:
    return transition(_approved(), "activate", actor="d-1", role="school_director", on=DAY).document


def _refused(act: Callable[[], object]) -> LifecycleError:
    with pytest.raises(LifecycleError) as info:
        act()
    return info.value


def _send(r: Any, role: str = "social_pedagogue", **kw: Any) -> Callable[[], object]:
    return lambda: transition(r, "send", actor="s-1", role=role, on=DAY, **kw)


def _on_plan(p: Callable[[], Any], action: str, role: str, **kw: Any) -> Callable[[], object]:
    on = kw.pop("on", DAY)
    return lambda: transition(p(), action, actor="x-1", role=role, on=on, **kw)


def _on_consent(c: Any, action: str, role: str, **kw: Any) -> Callable[[], object]:
    on = kw.pop("on", DAY)
    return lambda: transition(c, action, actor="x-1", role=role, on=on, **kw)


def _approvals_out_of_order() -> Any:
    steps = ["author", "school_director", "municipal_coordinator"]
    days = ["2025-03-04", "2025-03-03", "2025-03-05"]
    approvals = [{"step": s, "approved_on": d} for s, d in zip(steps, days, strict=True)]
    return _plan(submitted_on="2025-03-03", approvals=approvals)


END = "2025-08-31"
IKVD_CHAIN = (*approval_chain(DAY), ApprovalStep.NATIONAL_COORDINATOR)

#: One transition per refusal a national guard gives, with the guard and its code (and, for a
#: sentence of parts, the part).
SCENARIOS: dict[str, tuple[str, str, Callable[[], object]]] = {
    "no consent, no duty": ("lv.guard.referral.consent", "no_consent", _send(_referral())),
    "no consent, art73 elsewhere": (
        "lv.guard.referral.consent",
        "no_consent",
        _send(
            _referral(
                legal_duty="child_protection_report",
                referred_to={"institution": "cooperation_group"},
            )
        ),
    ),
    "no consent, art73 to a body out of office": (
        "lv.guard.referral.consent",
        "no_consent",
        _send(
            _referral(
                legal_duty="child_protection_report",
                referred_to={"institution": "vbtai"},
            )
        ),
    ),
    "no consent, mk89 elsewhere": (
        "lv.guard.referral.consent",
        "no_consent",
        _send(_referral(legal_duty="absence_notice")),
    ),
    "no consent, mk89 more": (
        "lv.guard.referral.consent",
        "no_consent",
        _send(
            _referral(
                legal_duty="absence_notice",
                referred_to={"institution": "municipal_education_board"},
                data_categories=["identity", "attendance", "family"],
            )
        ),
    ),
    "consent not given": (
        "lv.guard.referral.consent",
        "consent_not_given",
        _send(_referral(consent_id="C-1")),
    ),
    "consent of another learner": (
        "lv.guard.referral.consent",
        "consent_other_learner",
        _send(_referral(consent_id="C-1"), consents=[_consent(learner_id="L-0002")]),
    ),
    "consent given after": (
        "lv.guard.referral.consent",
        "consent_gaps",
        _send(
            _referral(consent_id="C-1"),
            consents=[_consent(given_on="2025-03-05", period={"start": "2025-03-05", "end": END})],
        ),
    ),
    "consent out of force, every gap": (
        "lv.guard.referral.consent",
        "consent_gaps",
        _send(
            _referral(consent_id="C-1", purpose="specialist_assessment"),
            consents=[
                _consent(
                    period={"start": "2025-02-01", "end": "2025-02-28"},
                    recipients=["orphans_court"],
                    data_categories=["identity"],
                )
            ],
        ),
    ),
    "referral without a purpose": (
        "lv.guard.referral.consent",
        "consent_gaps",
        _send(_referral(consent_id="C-1", purpose=None), consents=[_consent()]),
    ),
    "not the sender": (
        "lv.guard.referral.parties",
        "wrong_role",
        _send(_referral(data_categories=[]), role="psychologist"),
    ),
    "not the recipient": (
        "lv.guard.referral.parties",
        "wrong_role",
        lambda: transition(
            transition(
                _referral(data_categories=[]),
                "send",
                actor="s-1",
                role="social_pedagogue",
                on=DAY,
            ).document,
            "receive",
            actor="s-1",
            role="psychologist",
            on=DAY,
        ),
    ),
    "neither party": (
        "lv.guard.referral.parties",
        "wrong_role",
        lambda: transition(
            _referral(data_categories=[]),
            "enter-in-error",
            actor="s-1",
            role="psychologist",
            on=DAY,
            reason=SECRETS["why"],
        ),
    ),
    "approver of the author's step": (
        "lv.guard.plan.approver_default",
        "wrong_step_role",
        _on_plan(lambda: _approved(chain=()), "approve", "school_director"),
    ),
    "approver of the director's step": (
        "lv.guard.plan.approver_default",
        "wrong_step_role",
        _on_plan(lambda: _approved(chain=(ApprovalStep.AUTHOR,)), "approve", "class_teacher"),
    ),
    "approvals dropped": (
        "lv.guard.plan.approvals_default",
        "approvals_dropped",
        _on_plan(lambda: _approved(chain=()), "activate", "school_director", chain=()),
    ),
    "approvals missing": (
        "lv.guard.plan.approvals_default",
        "approvals_missing",
        _on_plan(_active, "complete", "school_director", chain=IKVD_CHAIN),
    ),
    "approvals out of order": (
        "lv.guard.plan.approvals_default",
        "approvals_order",
        _on_plan(_approvals_out_of_order, "activate", "school_director", on=date(2025, 3, 6)),
    ),
    "no review": (
        "lv.guard.plan.review_default",
        "no_review",
        _on_plan(_active, "complete", "school_director"),
    ),
    "submitted by another than the author": (
        "lv.guard.plan.role",
        "wrong_role",
        _on_plan(_plan, "submit", "school_director"),
    ),
    "submitted by another person than the author it names": (
        "lv.guard.plan.role",
        "not_the_author",
        _on_plan(lambda: _plan(author="t-1"), "submit", "class_teacher"),
    ),
    "the author's step taken by another person than the author it names": (
        "lv.guard.plan.approver_default",
        "not_the_author",
        _on_plan(
            lambda: (
                transition(
                    _plan(author="t-1"), "submit", actor="t-1", role="class_teacher", on=DAY
                ).document
            ),
            "approve",
            "class_teacher",
        ),
    ),
    "activated by another than the director": (
        "lv.guard.plan.role",
        "wrong_role",
        _on_plan(_approved, "activate", "class_teacher"),
    ),
    "delivered by another role": (
        "lv.guard.plan.role",
        "wrong_role",
        _on_plan(_active, "deliver", "social_pedagogue", params={"measure": 0, "sessions": 1}),
    ),
    "no such measure": (
        "lv.guard.plan.delivery",
        "no_measure",
        _on_plan(_active, "deliver", "psychologist", params={"measure": 3, "sessions": 1}),
    ),
    "outside the period": (
        "lv.guard.plan.delivery",
        "outside_period",
        _on_plan(
            _active,
            "deliver",
            "psychologist",
            params={"measure": 0, "sessions": 1},
            on=date(2025, 6, 2),
        ),
    ),
    "nothing given": (
        "lv.guard.plan.delivery",
        "nothing_given",
        _on_plan(_active, "deliver", "psychologist", params={"measure": 0}),
    ),
    "withdrawn by another": (
        "lv.guard.consent.role",
        "wrong_role",
        _on_consent(_consent(), "withdraw", "state_police"),
    ),
    "expired by another": (
        "lv.guard.consent.role",
        "wrong_role",
        _on_consent(_consent(), "expire", "state_police", on=date(2025, 9, 1)),
    ),
    "withdrawal backdated": (
        "lv.guard.consent.withdrawal",
        "withdrawal_backdated",
        _on_consent(_consent(), "withdraw", "parent", params={"effective": "2025-03-01"}),
    ),
    "withdrawal moved later": (
        "lv.guard.consent.withdrawal",
        "withdrawal_later",
        _on_consent(
            _consent(withdrawn_on="2025-03-10"),
            "withdraw",
            "parent",
            params={"effective": "2025-06-01"},
        ),
    ),
    "period not ended": (
        "lv.guard.consent.expiry",
        "period_not_ended",
        _on_consent(_consent(), "expire", "school"),
    ),
}

#: English words a Latvian sentence may share with the English: "no" and "to" are Latvian words
#: too ("from", "it"), MK the Cabinet's abbreviation in both, true and false JSON's.
SHARED = {"no", "to", "mk", "true", "false"}


def _words(text: str) -> set[str]:
    """The words of ``text``, leaving out codes, ids, field paths and dates (with ``_``, ``.``,
    ``-``, brackets or digits) and what is quoted (a parameter's name, an action)."""
    text = re.sub(r"'[^'\s]+'", " ", text)
    tokens = re.findall(r"[\w'.\[\]-]+", text)
    return {t.lower().strip("'.") for t in tokens if not re.search(r"[_.\[\]\d-]", t.strip(".'"))}


def english_left(
    latvian: str, english: str, values: Mapping[str, str], refusals: tuple[Refusal, ...] = ()
) -> set[str]:
    """The words of ``english`` (but its values, and the legal acts its refusals cite, which are
    Latvian) that ``latvian`` still holds."""
    said = {w for v in values.values() for w in _words(v.replace(",", " "))}
    cited = {w for r in refusals if ": " not in r.basis[:40] for w in _words(r.basis)}
    return (_words(english) - said - cited - SHARED) & _words(latvian)


def _refusal(name: str) -> tuple[Refusal, LifecycleError]:
    guard_id, code, act = SCENARIOS[name]
    err = _refused(act)
    [refusal] = [r for r in err.refusals if r.guard == guard_id]
    assert refusal.code == code
    return refusal, err


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_national_refusal_is_said_in_latvian(name: str) -> None:
    refusal, err = _refusal(name)
    latvian = refusal_reason(refusal, LV)
    assert latvian != refusal.reason
    assert not english_left(latvian, refusal.reason, refusal.values), latvian
    # the sentence the Latvian is looked up by is the English one, said of the same values
    assert refusal_reason(refusal, SOURCE) == refusal.reason
    whole = lifecycle_message(err, LV)
    assert whole.startswith(("nosūtījums: ", "atbalsta plāns: ", "piekrišana: "))
    assert "atteica pārbaude" in whole.splitlines()[0]
    assert not english_left(whole, str(err), {**err.values, **refusal.values}, err.refusals), whole
    for said in (latvian, whole, *refusal.values.values(), *err.values.values()):
        assert SECRET not in said
    assert lifecycle_message(err, texts("en")) == str(err)


def test_the_scenarios_reach_every_code_and_every_part() -> None:
    refusals = [_refusal(name)[0] for name in SCENARIOS]
    assert {r.code for r in refusals} == GUARD_CODES - {"guard_failed"}
    assert {r.guard for r in refusals} >= {
        g.id for g in atbalsts.workflow.NATIONAL_GUARDS if not g.id.endswith("_default")
    } - {"lv.guard.plan.approver", "lv.guard.plan.approvals", "lv.guard.plan.review"}
    parts = {
        (key, part)
        for r in refusals
        for key in ("who", "gaps", "duty")
        for part in r.values.get(key, "").split(",")
        if part
    }
    expected = {("who", w) for w in atbalsts.workflow._guards.WHO}
    expected |= {("gaps", g) for g in _gap_codes()}
    expected |= {
        ("duty", d)
        for d in (
            "art73_elsewhere",
            "art73_out_of_office",
            "mk89_elsewhere",
            "mk89_more",
            "no_duty",
        )
    }
    assert parts >= expected, expected - parts


def _gap_codes() -> set[str]:
    return {"given_after", "not_in_force", "no_purpose", "purpose", "recipient", "categories"}


def test_a_refusal_under_pumpurs_is_said_in_latvian_with_its_basis() -> None:
    pumpurs = date(2023, 3, 1)
    err = _refused(
        lambda: transition(
            _approved(pumpurs, chain=()),
            "activate",
            actor="d-1",
            role="school_director",
            on=pumpurs,
            chain=(),
        )
    )
    [refusal] = err.refusals
    assert refusal.guard == "lv.guard.plan.approvals"
    said = lifecycle_message(err, LV)
    assert "ESF projekts" in said  # a cited programme is shown as it is cited
    assert "ko prasa valsts apstiprināšanas ķēde, kas spēkā 2023-03-01" in said
    assert "(darbībā nav norādīts, ka plāna skola ir valsts profesionālās" in said


def test_a_methodological_default_is_said_by_its_kind_not_its_english_note() -> None:
    _, err = _refusal("no review")
    said = lifecycle_message(err, LV)
    assert "[metodoloģisks pieņēmums, nav tiesību norma]" in said
    assert "methodological" not in said


# -- the lifecycle's own refusals ----------------------------------------------------------------


LIFECYCLE: dict[str, tuple[str, Callable[[], object]]] = {
    "not allowed": ("not_allowed", _on_plan(_plan, "activate", "school_director")),
    "a group of roles as the role one acts in": (
        "group_role",
        _on_consent(_consent(), "withdraw", "any_staff"),
    ),
    "nothing allowed": (
        "not_allowed",
        lambda: transition(
            _referral(data_categories=[], status="entered-in-error"),
            "send",
            actor="s-1",
            role="social_pedagogue",
            on=DAY,
        ),
    ),
    "before the earliest day": (
        "day_before",
        _on_plan(_plan, "submit", "class_teacher", on=date(1980, 1, 1)),
    ),
    "before the document's day": (
        "day_before",
        _on_consent(_consent(), "expire", "school", on=date(2025, 1, 1)),
    ),
    "lawful basis given": (
        "lawful_basis_param",
        _send(_referral(data_categories=[]), params={"lawful_basis": "x"}),
    ),
    "invalid parameters": (
        "invalid_params",
        _on_plan(_active, "deliver", "psychologist", params={"measure": -1, "sessions": 1}),
    ),
    "no reason": ("needs_reason", _on_plan(_active, "hold", "school_director")),
    "a parameter of another type": (
        "param_type",
        _on_plan(_active, "deliver", "psychologist", params={"measure": "x"}),
    ),
    "a parameter missing": (
        "param_missing",
        _on_plan(_active, "deliver", "psychologist", params={"sessions": 1}),
    ),
    "a parameter the action does not take": (
        "unknown_param",
        _on_plan(_active, "deliver", "psychologist", params={"measure": 0, "diagnosis": "x"}),
    ),
    "a parameter named like a person": (
        "unknown_param_unnamed",
        _on_plan(_active, "deliver", "psychologist", params={"measure": 0, SECRETS["why"]: 1}),
    ),
    "achievements of another count": (
        "achievements_count",
        _on_plan(
            _active,
            "review",
            "class_teacher",
            params={"achievements": ("achieved", "achieved"), "outcome": SECRETS["why"]},
        ),
    ),
    "an unknown achievement": (
        "achievement_unknown",
        _on_plan(
            _active,
            "review",
            "class_teacher",
            params={"achievements": ("won",), "outcome": SECRETS["why"]},
        ),
    ),
    "improved of another type": (
        "improved_type",
        _on_plan(
            _active,
            "review",
            "class_teacher",
            params={"achievements": ("achieved",), "outcome": "continue", "improved": 3},
        ),
    ),
    "an unknown outcome": (
        "outcome_unknown",
        _on_plan(
            _active,
            "review",
            "class_teacher",
            params={"achievements": ("achieved",), "outcome": SECRETS["why"]},
        ),
    ),
    "invalid with a reason": (
        "invalid_params",
        _on_plan(_active, "hold", "school_director", reason=SECRETS["why"] * 1000),
    ),
    "effective of another type": (
        "effective_type",
        _on_consent(_consent(), "withdraw", "parent", params={"effective": 3}),
    ),
}


@pytest.mark.parametrize("name", sorted(LIFECYCLE))
def test_every_lifecycle_refusal_is_said_in_latvian(name: str) -> None:
    code, act = LIFECYCLE[name]
    err = _refused(act)
    assert err.code == code
    latvian = lifecycle_message(err, LV)
    assert latvian != str(err)
    assert not english_left(latvian, str(err), err.values), latvian
    assert SECRET not in latvian
    assert all(SECRET not in v for v in err.values.values())
    assert latvian.startswith(("nosūtījums: ", "atbalsta plāns: ", "piekrišana: "))
    assert lifecycle_message(err, texts("en")) == str(err)


def test_the_lifecycle_scenarios_reach_every_code() -> None:
    codes = {_refused(act).code for _, act in LIFECYCLE.values()}
    assert codes == LIFECYCLE_CODES - {"refused_by_guard"}


# -- plugins' guards -----------------------------------------------------------------------------

BASIS = LegalBasis(kind=BasisKind.ILLUSTRATIVE, note="A synthetic municipal rule.")


def _with(extra: Guard) -> GuardSet:
    return GuardSet((*GuardSet.national().guards, (extra, "zeta")))


def _plugin_refusal(check: Callable[[Transition], str | Reason | None]) -> LifecycleError:
    g = guard("zeta.guard.form", document="consent", actions=("expire",), legal_basis=BASIS)(check)
    return _refused(
        lambda: transition(
            _consent(), "expire", actor="x-1", role="school", on=date(2025, 9, 1), guards=_with(g)
        )
    )


def test_a_plugin_guards_plain_text_is_shown_as_written() -> None:
    err = _plugin_refusal(lambda t: "the municipal form is missing")
    [refusal] = err.refusals
    assert (refusal.code, dict(refusal.values)) == (None, {})
    said = lifecycle_message(err, LV)
    assert said.splitlines()[1] == (
        "  - zeta.guard.form [ilustratīvs, nav tiesību norma]: the municipal form is missing"
    )
    assert "atteica pārbaude" in said
    assert str(err).endswith("the municipal form is missing")


def test_a_plugin_guard_with_a_national_code_is_said_in_latvian() -> None:
    reason = Reason(
        "the plan has no review (each goal's achievement at the term's end)", "no_review"
    )
    err = _plugin_refusal(lambda t: reason)
    [refusal] = err.refusals
    assert (refusal.code, refusal.reason) == ("no_review", reason.text)
    assert refusal_reason(refusal, LV).startswith("plānam nav izvērtējuma")


def test_a_plugin_guard_with_its_own_code_or_wrong_values_is_shown_as_written() -> None:
    own = _plugin_refusal(lambda t: Reason("a form is missing", "zeta_form", {"form": "F-1"}))
    assert own.refusals[0].code == "zeta_form"
    assert refusal_reason(own.refusals[0], LV) == "a form is missing"
    bad = _plugin_refusal(lambda t: Reason("its period runs on", "period_not_ended"))
    assert refusal_reason(bad.refusals[0], LV) == "its period runs on"


def test_a_failing_guard_is_said_in_latvian_with_the_error_as_it_is() -> None:
    def broken(t: Transition) -> str | None:
        raise RuntimeError("boom")

    err = _plugin_refusal(broken)
    [refusal] = err.refusals
    assert refusal.code == "guard_failed"
    assert refusal_reason(refusal, LV) == f"pārbaude beidzās ar kļūdu ({refusal.values['error']})"
    assert refusal_reason(refusal, SOURCE) == refusal.reason


# -- the command ---------------------------------------------------------------------------------


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


def _write(path: Path, document: Any) -> Path:
    path.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def test_transition_refuses_in_latvian_by_default_and_in_english_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    doc = _write(tmp_path / "r.json", _referral())
    args = ("transition", str(doc), "send", "--actor", "s-1", "--role", "psychologist")
    status, _, said = run(*args, "--on", "2025-03-03")
    assert status == 1
    assert said.startswith(
        "atteikts: nosūtījums: darbību „nosūtīt” (send) statusā melnraksts (draft) "
        "atteica pārbaudes:"
    )
    assert (
        "darbību „nosūtīt” (send) veic nosūtījuma sūtītājs (iestāde vai loma, ko norāda tā "
        "lauks referred_by), nevis loma psihologs (psychologist)" in said
    )
    assert "nosūtījumā nav norādīta piekrišana, un nav norādīts tiesisks pienākums" in said
    assert SECRET not in said
    err = _refused(_send(_referral(), role="psychologist"))
    english = f"refused: {err}\n"
    assert run(*args, "--on", "2025-03-03", "--lang", "en") == (1, "", english)
    monkeypatch.setenv("ATBALSTS_LANG", "en")
    assert run(*args, "--on", "2025-03-03") == (1, "", english)


def test_the_chain_refusals_and_audit_verify_in_latvian(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ATBALSTS_LANG", raising=False)
    doc = _write(tmp_path / "p.json", _plan())
    chain = tmp_path / "c.jsonl"
    base = ("--actor", "t-1", "--on", "2025-03-03", "--chain", str(chain))
    assert run("transition", str(doc), "submit", "--role", "class_teacher", *base)[0] == 0
    status, out, said = run("audit", "verify", str(chain))
    assert (status, said) == (0, "")
    assert out.startswith(f"{chain}: ķēdes 1 notikums ir neskarts un savā vietā; ")
    verified = run("audit", "verify", str(chain), "--lang", "en")[1]
    assert verified.startswith(f"{chain}: the chain of 1 event(s) verifies; head ")

    _write(doc, _plan())  # changed outside the chain
    status, _, said = run("transition", str(doc), "submit", "--role", "class_teacher", *base)
    assert status == 1
    assert said == (
        f"atteikts: {doc} nav tā versija, ko atstāja ķēdes {chain} notikums 0 (mainīts ārpus "
        "ķēdes)\n"
    )

    chain.write_text(chain.read_text(encoding="utf-8").replace("t-1", "t-2"), encoding="utf-8")
    status, _, said = run("audit", "verify", str(chain))
    assert (status, said) == (
        1,
        f"{chain}: notikums 0 ir bojāts: tā jaucējkods neatbilst saturam (labots)\n",
    )
    status, _, said = run("transition", str(doc), "submit", "--role", "class_teacher", *base)
    assert (status, said) == (
        1,
        f"atteikts: ķēde {chain} neiztur pārbaudi: notikums 0 ir bojāts: tā jaucējkods neatbilst "
        "saturam (labots)\n",
    )
    english = run(
        "transition", str(doc), "submit", "--role", "class_teacher", *base, "--lang", "en"
    )
    assert english[2] == (
        f"refused: the chain {chain} does not verify: event 0 is bad: its hash does not match its "
        "content (edited)\n"
    )


# -- every code has its sentence in the catalog ---------------------------------------------------


def _codes_in(module: Any, triples: bool = False) -> set[str]:
    """The codes ``module``'s source gives its refusals: the second argument of ``Reason(...)``,
    the fourth of ``_bad(...)``, ``code=...``, a ``code`` in a tuple assignment, and the second
    item of a problem's triple."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            position = {"Reason": 1, "_bad": 3}.get(node.func.id)
            if position is not None and len(node.args) > position:
                arg = node.args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
        if (
            isinstance(node, ast.keyword)
            and node.arg == "code"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.add(node.value.value)
        if (  # code = "unknown_param_unnamed"
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "code"
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.add(node.value.value)
        if (  # said, code = "...", "unknown_param"
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Tuple)
            and isinstance(node.value, ast.Tuple)
        ):
            for target, value in zip(node.targets[0].elts, node.value.elts, strict=False):
                if (
                    isinstance(target, ast.Name)
                    and target.id == "code"
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    found.add(value.value)
        if triples and isinstance(node, ast.Tuple) and len(node.elts) == 3:
            second = node.elts[1]
            if isinstance(second, ast.Constant) and isinstance(second.value, str):
                found.add(second.value)
    return found


def test_every_code_the_workflow_gives_has_a_sentence() -> None:
    guards = _codes_in(atbalsts.workflow._guards) - {"duty"} - _gap_codes()
    assert guards | {"wrong_role"} == GUARD_CODES
    lifecycle = _codes_in(atbalsts.workflow._lifecycle) | _codes_in(atbalsts.workflow._transition)
    assert lifecycle | {"not_allowed", "refused_by_guard"} == LIFECYCLE_CODES
    # a chain's problems, and ChainError's (append_event's, a host's call, never the command's)
    audit = _codes_in(atbalsts.workflow._audit, triples=True)
    assert (audit - APPEND_CODES, audit & APPEND_CODES) == (CHAIN_CODES, APPEND_CODES)
    # the input errors of `atbalsts transition`, said by the one catalog of coded errors
    assert _codes_in(atbalsts.workflow._cli) == set(transition_sentences(SOURCE))


def test_a_code_of_the_catalog_has_one_meaning() -> None:
    """The catalog of coded errors says an error by its code alone: a code is in one of its
    sections, and none is a code of a refusal (said by its parts, never by the catalog)."""
    transition, batch = set(transition_sentences(SOURCE)), set(batch_sentences(SOURCE))
    assert transition & batch == set(shared_sentences(SOURCE))  # the same sentence in both
    assert transition_sentences(SOURCE)["not_utf8"] == batch_sentences(SOURCE)["not_utf8"]
    assert set(coded_sentences(SOURCE)) == transition | batch
    assert not set(coded_sentences(SOURCE)) & (LIFECYCLE_CODES | GUARD_CODES)


@pytest.mark.parametrize(
    "sentences",
    [_guard_sentences, _lifecycle_sentences, _problems, transition_sentences],
    ids=lambda f: f.__name__,
)
def test_every_sentence_of_a_code_is_in_the_latvian_catalog(
    sentences: Callable[[Texts], dict[str, str]],
) -> None:
    english = sentences(SOURCE)
    latvian = sentences(LV)
    untranslated = sorted(code for code in english if latvian[code] == english[code])
    assert not untranslated, f"no Latvian in atbalsts_cli.po for: {untranslated}"
    for code, sentence in latvian.items():  # the same values in both languages
        assert set(re.findall(r"{(\w+)(?:![rsa])?}", sentence)) == set(
            re.findall(r"{(\w+)(?:![rsa])?}", english[code])
        ), code


# -- the gaps of a consent, as the model says them -------------------------------------------------


@given(
    day=st.dates(date(2024, 9, 1), date(2025, 12, 31)),
    purpose=st.none() | st.sampled_from(list(ReferralPurpose)),
    recipient=st.sampled_from(["social_service", "orphans_court", "specialist"]),
    categories=st.lists(st.sampled_from(list(DataCategory)), unique=True),
)
def test_the_gaps_are_the_models_sentences_in_its_order(
    day: date, purpose: ReferralPurpose | None, recipient: str, categories: list[DataCategory]
) -> None:
    c = _consent()
    gaps = consent_gaps(c, day, purpose, recipient, tuple(categories))
    assert [g.text for g in gaps] == c.gaps(day, purpose, recipient, tuple(categories))
    assert all(g.code in _gap_codes() for g in gaps)


def test_approval_steps_are_said_by_who_takes_them_with_their_codes() -> None:
    # A social pedagogue reads "the approvals of school_director ... are missing" as a code; the
    # Latvian names each step by the role that takes it, its code after it.
    refusal = Refusal(
        guard="lv.guard.plan.approvals",
        plugin="lv",
        reason="the approvals of author, school_director are missing",
        basis="methodological_default: x",
        code="approvals_missing",
        values={"steps": "author,school_director"},
    )
    latvian = refusal_reason(refusal, LV)
    # whose approval is missing: in the genitive (a reader as a social pedagogue)
    assert latvian == (
        "trūkst plāna autora (author) un izglītības iestādes direktora (school_director) "
        "apstiprinājumu"
    )
    one = attrs.evolve(refusal, values={"steps": "school_director"})
    assert refusal_reason(one, LV) == (
        "trūkst izglītības iestādes direktora (school_director) apstiprinājuma"
    )
    assert refusal_reason(refusal, texts("en")) == refusal.reason
