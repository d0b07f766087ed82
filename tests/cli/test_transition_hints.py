"""What ``atbalsts transition`` says after the common mistakes an outside tester made: the option
a refusal needs (``--reason``, ``--consent FILE``), the step an approval took and the one that
waits, the outcomes a review takes, the date form of a withdrawal's ``effective``, the role the
learner withdraws in, and a help example that works as written."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.workflow.fixtures import DAY, consent, plan, referral

from atbalsts.cli import main
from atbalsts.errors import LifecycleError
from atbalsts.workflow import transition


def run(*argv: str) -> tuple[int, str]:
    """The status and what the command said (standard error, then standard output)."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            status = main(list(argv))
        except SystemExit as done:  # --help
            status = int(done.code or 0)
    return status, err.getvalue() + out.getvalue()


def _write(path: Path, document: Any) -> Path:
    path.write_text(document.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def _act(doc: Path, action: str, role: str, *more: str) -> tuple[int, str]:
    argv = ["transition", str(doc), action, "--actor", "x-1", "--role", role]
    return run(*argv, "--on", "2025-03-03", *more)


def _active_plan() -> Any:
    approvals = [
        {"step": s, "approved_on": "2025-03-03"}
        for s in ("author", "school_director", "municipal_coordinator")
    ]
    return plan(status="active", submitted_on="2025-03-03", approvals=approvals)


# -- the option a refusal needs --------------------------------------------------------------------

REASON = {
    "en": "hint: give the reason with --reason TEXT",
    "lv": "padoms: norādiet iemeslu ar --reason TEKSTS",
}


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize(
    ("action", "role", "document"),
    [
        ("hold", "school_director", _active_plan),
        ("revoke", "school_director", _active_plan),
        ("cancel", "social_pedagogue", lambda: referral(data_categories=[])),
    ],
)
def test_an_action_without_its_reason_names_the_option(
    tmp_path: Path, lang: str, action: str, role: str, document: Any
) -> None:
    doc = _write(tmp_path / "doc.json", document())
    status, said = _act(doc, action, role, "--lang", lang)
    assert status == 1
    assert said.splitlines()[-1] == REASON[lang]
    status, said = _act(doc, action, role, "--lang", lang, "--reason", "Synthetic: a pause.")
    assert status == 0
    assert "--reason" not in said


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("en", "hint: an override needs a reason: give it with --reason TEXT"),
        (
            "lv",
            "padoms: lai ignorētu pārbaudes atteikumu, vajag iemeslu: norādiet to ar --reason "
            "TEKSTS",
        ),
    ],
)
def test_an_override_without_a_reason_names_the_option(
    tmp_path: Path, lang: str, hint: str
) -> None:
    doc = _write(tmp_path / "r.json", referral())  # no consent, no duty
    status, said = _act(doc, "send", "school_director", "--override", "--lang", lang)
    assert status == 1
    assert said.splitlines()[-1] == hint


def test_an_override_the_role_may_not_make_names_no_reason(tmp_path: Path) -> None:
    """A reason would not let a social pedagogue override the consent guard: no hint."""
    doc = _write(tmp_path / "r.json", referral())
    status, said = _act(doc, "send", "social_pedagogue", "--override", "--lang", "en")
    assert status == 1
    assert "hint" not in said


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("en", "hint: give the consent C-1 the referral names with --consent FILE"),
        ("lv", "padoms: pievienojiet nosūtījumā norādīto piekrišanu C-1 ar --consent FAILS"),
    ],
)
def test_a_consent_named_but_not_given_names_the_option(
    tmp_path: Path, lang: str, hint: str
) -> None:
    doc = _write(tmp_path / "r.json", referral(consent_id="C-1"))
    status, said = _act(doc, "send", "social_pedagogue", "--lang", lang)
    assert status == 1
    assert said.splitlines()[-1] == hint
    given = _write(tmp_path / "c.json", consent())
    assert _act(doc, "send", "social_pedagogue", "--consent", str(given))[0] == 0


# -- an approval says its step, and the step that waits --------------------------------------------


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            [
                "the step author is approved; the step school_director waits next",
                "the step school_director is approved; the step municipal_coordinator waits next",
                "the step municipal_coordinator is approved; no step of the chain waits (next: "
                "activate)",
            ],
        ),
        (
            "lv",
            [
                "plāna autora (author) apstiprinājums saņemts; tālāk jāapstiprina izglītības "
                "iestādes direktoram (school_director)",
                "izglītības iestādes direktora (school_director) apstiprinājums saņemts; tālāk "
                "jāapstiprina pašvaldības koordinatoram (municipal_coordinator)",
                "pašvaldības koordinatora (municipal_coordinator) apstiprinājums saņemts; "
                "neviens ķēdes solis vairs negaida, tālāk: „sākt īstenot” (activate)",
            ],
        ),
    ],
)
def test_an_approval_says_its_step_and_the_next(tmp_path: Path, lang: str, said: list[str]) -> None:
    doc = _write(tmp_path / "p.json", plan(submitted_on="2025-03-03"))
    lines = []
    for role in ("class_teacher", "school_director", "municipal_coordinator"):
        status, err = _act(doc, "approve", role, "--lang", lang)
        assert status == 0
        lines.append(err.splitlines()[-1])
    assert lines == said


def test_an_approval_along_a_chain_passed_says_its_next_step(tmp_path: Path) -> None:
    doc = _write(tmp_path / "p.json", plan(submitted_on="2025-03-03"))
    steps = ("--steps", "author,school_director", "--state-vocational-school")
    assert _act(doc, "approve", "class_teacher", "--lang", "en", *steps)[1].endswith(
        "the step school_director waits next\n"
    )
    assert _act(doc, "approve", "school_director", "--lang", "en", *steps)[1].endswith(
        "no step of the chain waits (next: activate)\n"
    )


# -- a review's outcome, a withdrawal's day --------------------------------------------------------

OUTCOMES = "continue, adjust, close_no_longer_needed, new_plan, escalate"


def test_a_review_outcome_that_is_not_one_lists_the_outcomes() -> None:
    with pytest.raises(LifecycleError) as info:
        transition(
            _active_plan(),
            "review",
            actor="x-1",
            role="class_teacher",
            on=DAY,
            params={"achievements": ("achieved",), "outcome": "keep_going"},
        )
    assert info.value.code == "outcome_unknown"
    assert dict(info.value.values)["known"] == OUTCOMES
    assert "keep_going" not in str(info.value)  # what was typed is not repeated


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", f"parameter 'outcome' is not one of {OUTCOMES}"),
        ("lv", f"parametram 'outcome' jābūt vienam no šiem: {OUTCOMES}"),
    ],
)
def test_the_command_lists_the_outcomes(tmp_path: Path, lang: str, said: str) -> None:
    doc = _write(tmp_path / "p.json", _active_plan())
    status, err = _act(
        doc,
        "review",
        "class_teacher",
        "--param",
        "achievements=achieved",
        "--param",
        "outcome=keep_going",
        "--lang",
        lang,
    )
    assert status == 1
    assert err.rstrip().endswith(said)
    assert "reason" not in err
    assert "iemesl" not in err


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "parameter 'effective' must be a date (YYYY-MM-DD)"),
        ("lv", "parametram 'effective' jābūt datumam (YYYY-MM-DD)"),
    ],
)
@pytest.mark.parametrize("effective", ["05.11.2025", "2025-11-5", "20251105", "2025-02-30"])
def test_a_withdrawal_day_not_written_yyyy_mm_dd_names_effective(
    tmp_path: Path, lang: str, said: str, effective: str
) -> None:
    doc = _write(tmp_path / "c.json", consent())
    status, err = _act(
        doc, "withdraw", "parent", "--param", f"effective={effective}", "--lang", lang
    )
    assert status == 1
    assert err.rstrip().endswith(said)
    assert "withdrawn_on" not in err
    assert effective not in err


def test_invalid_parameters_without_a_reason_do_not_blame_a_reason(tmp_path: Path) -> None:
    doc = _write(tmp_path / "p.json", _active_plan())
    args = ("--param", "measure=0", "--param", "sessions=500")
    for lang, blamed in (("en", "reason"), ("lv", "iemesl")):
        status, err = _act(doc, "deliver", "psychologist", *args, "--lang", lang)
        assert status == 1
        assert err.rstrip().endswith(" sessions")
        assert blamed not in err


# -- who withdraws ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "named"),
    [
        ("en", "the learner of full age (adult_learner)"),
        ("lv", "pilngadīgs izglītojamais (adult_learner)"),
    ],
)
def test_a_withdrawal_by_another_role_names_the_learners_role(
    tmp_path: Path, lang: str, named: str
) -> None:
    doc = _write(tmp_path / "c.json", consent())
    status, err = _act(doc, "withdraw", "learner", "--lang", lang)
    assert status == 1
    assert named in err
    assert _act(doc, "withdraw", "adult_learner")[0] == 0


# -- the help's example works as written -----------------------------------------------------------


def test_the_help_examples_of_param_are_valid(tmp_path: Path) -> None:
    status, said = run("transition", "--help", "--lang", "en")
    examples = dict(
        pair.split("=", 1) for pair in re.findall(r"\b(\w+=[\w,-]+)", " ".join(said.split()))
    )
    assert set(examples) >= {"outcome", "achievements"}
    two_goals = _active_plan().model_dump(mode="json")
    two_goals["goals"] = two_goals["goals"] * 2
    doc = tmp_path / "p.json"
    doc.write_text(json.dumps(two_goals), encoding="utf-8")
    params = [f"{k}={examples[k]}" for k in ("achievements", "outcome")]
    status, err = _act(doc, "review", "class_teacher", *(x for p in params for x in ("--param", p)))
    assert status == 0, err


def test_the_latvian_hints_are_the_english_ones_word_for_word() -> None:
    # The hints are written twice (the library's English, the command's catalog message ids):
    # the same keys, and each catalog id the library's sentence, so the English command and the
    # Latvian one say the same hint.
    from atbalsts.cli._i18n import texts
    from atbalsts.cli._workflow import _hint_sentences
    from atbalsts.workflow._cli import HINTS

    english = _hint_sentences(texts("en"))
    assert english == HINTS
    latvian = _hint_sentences(texts("lv"))
    assert latvian.keys() == HINTS.keys()
    assert all(latvian[k] != HINTS[k] for k in HINTS)  # each translated


# -- a report the law requires, sent without saying so ---------------------------------------------

DUTY = {
    "en": (
        'hint: if this is the {words}, say so in the referral ("legal_duty": "{duty}"): '
        "that needs no consent"
    ),
    "lv": (
        'padoms: ja tas ir {words}, norādiet to nosūtījumā ("legal_duty": "{duty}"): '
        "tam piekrišana nav vajadzīga"
    ),
}
DUTY_WORDS = {
    ("en", "child_protection_report"): (
        "report of a threat to a child the Children's Rights Protection Law Art. 73(1) requires"
    ),
    ("lv", "child_protection_report"): (
        "Bērnu tiesību aizsardzības likuma 73. panta pirmajā daļā prasītais ziņojums par "
        "apdraudējumu bērnam"
    ),
    ("en", "absence_notice"): "notice of unjustified absence Cabinet Regulation No. 89 requires",
    ("lv", "absence_notice"): (
        "MK noteikumos Nr. 89 prasītais paziņojums par neattaisnotiem kavējumiem"
    ),
}


@pytest.mark.parametrize("lang", ["en", "lv"])
@pytest.mark.parametrize(
    ("recipient", "duty", "purpose"),
    [
        ("orphans_court", "child_protection_report", "child_protection"),
        ("state_police", "child_protection_report", "child_protection"),
        ("municipal_education_board", "absence_notice", "absence_follow_up"),
    ],
)
def test_a_report_the_law_requires_sent_without_saying_so_names_the_field(
    tmp_path: Path, lang: str, recipient: str, duty: str, purpose: str
) -> None:
    """An outside reader (as a social pedagogue) sent the drafted Art. 73 report of example 03,
    was refused for want of a consent, and read it as "ask the family": the refusal says which
    legal duty it could rest on, and the field that states it."""
    draft = referral(referred_to={"institution": recipient}, purpose=purpose, consent_id=None)
    doc = _write(tmp_path / "r.json", draft)
    status, said = _act(doc, "send", "social_pedagogue", "--lang", lang)
    assert status == 1
    words = DUTY_WORDS[(lang, duty)]
    assert said.splitlines()[-1] == DUTY[lang].format(words=words, duty=duty)
    stated = referral(
        referred_to={"institution": recipient}, purpose=purpose, legal_duty=duty, consent_id=None
    )
    status, said = _act(_write(tmp_path / "r.json", stated), "send", "social_pedagogue")
    assert status == 0, said


def test_no_duty_is_hinted_where_no_duty_names_the_recipient(tmp_path: Path) -> None:
    doc = _write(tmp_path / "r.json", referral(consent_id=None))  # to the social service
    status, said = _act(doc, "send", "social_pedagogue", "--lang", "en")
    assert status == 1
    assert "legal_duty" not in said


# -- moving a plan is not a verdict on its measures ------------------------------------------------

NOT_JUDGED = {
    "en": (
        "moving the plan does not judge its measures: whether each is allowed is for the "
        "decision on the case (atbalsts evaluate)"
    ),
    "lv": (
        "plāna virzība nevērtē tā pasākumus: vai katrs ir atļauts, nosaka lēmums par lietu "
        "(atbalsts evaluate)"
    ),
}


@pytest.mark.parametrize("lang", ["en", "lv"])
def test_submitting_and_activating_a_plan_say_its_measures_are_not_judged(
    tmp_path: Path, lang: str
) -> None:
    """A reader (a social pedagogue) approved and put in force a plan with a measure the rules
    refuse, and took the approvals for a verdict on it: submitting and activating say they are
    not; an approval, which says its step, does not repeat it."""
    doc = _write(tmp_path / "p.json", plan())
    status, said = _act(doc, "submit", "class_teacher", "--lang", lang)
    assert status == 0
    assert said.splitlines()[-1] == NOT_JUDGED[lang]
    status, said = _act(doc, "approve", "class_teacher", "--lang", lang)
    assert status == 0
    assert NOT_JUDGED[lang] not in said
    approvals = [
        {"step": s, "approved_on": "2025-03-03"}
        for s in ("author", "school_director", "municipal_coordinator")
    ]
    doc = _write(tmp_path / "a.json", plan(submitted_on="2025-03-03", approvals=approvals))
    status, said = _act(doc, "activate", "school_director", "--lang", lang)
    assert status == 0, said
    assert said.splitlines()[-1] == NOT_JUDGED[lang]


def test_no_duty_is_hinted_that_would_not_carry_what_the_referral_shares(tmp_path: Path) -> None:
    """The MK 89 notice carries who the learner is and the absences: a notice to the board that
    also shares health data would still need a consent with the duty stated, so no duty is
    hinted (an outside review found the hint promised "no consent" there)."""
    draft = referral(
        referred_to={"institution": "municipal_education_board"},
        purpose="absence_follow_up",
        data_categories=["identity", "attendance", "health"],
        consent_id=None,
    )
    doc = _write(tmp_path / "r.json", draft)
    status, said = _act(doc, "send", "social_pedagogue", "--lang", "en")
    assert status == 1
    assert "legal_duty" not in said
