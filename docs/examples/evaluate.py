"""Evaluate one learner: the example of docs/how-to/evaluate-a-learner.md.

Run it from the root of a checkout after the README's Quick start (which installs the Parauga
example plugin): ``.venv/bin/python docs/examples/evaluate.py``. tests/test_docs.py runs it and
checks what it prints. The learner is synthetic.
"""

from __future__ import annotations

from datetime import date

from atbalsts import DocumentError, PolicyRegistry, SupportCase, explain, parse_python

# --- once per process: load the national baseline and every installed policy plugin -----------
registry = PolicyRegistry.load()
for failure in registry.failures:  # a plugin that failed to load: every decision is incomplete
    print("plugin failed:", failure.plugin, failure.stage, failure.error)

# --- per learner: validate what your system holds, at the boundary ------------------------------
row = {
    "learner": {
        "id": "L-DOC-01",
        "birth_date": "2012-03-09",
        "needy_or_low_income_family": True,
        "enrolment": {
            "school_id": "SCH-PARAUGA-01",
            "municipality": "parauga",
            "programme": "general_basic",
            "grade": 7,
        },
    },
    "observations": [
        {
            "term": {"school_year": "2024/2025", "semester": 2},
            "as_of": "2025-02-28",
            "attendance": {"lessons_scheduled": 300, "lessons_missed_unjustified": 12},
        }
    ],
}
try:
    case = parse_python(SupportCase, row, name="case L-DOC-01")
except DocumentError as err:
    raise SystemExit(str(err)) from None

# --- evaluate on an explicit date, under the learner's municipality ------------------------------
policy_set = registry.policy_set(case.learner.enrolment.municipality)  # cached per municipality
decision = policy_set.evaluate(case, as_of=date(2025, 3, 3))

print("complete:", decision.complete)
print("policy:", ", ".join(f"{p.name} {p.version}" for p in decision.policy.plugins))
for note in decision.notes:  # how far the decision can be relied on: show these first
    print("note:", note.code.value, note.detail)
for finding in decision.findings:
    evidence = ", ".join(f"{e.fact}={e.value}" for e in finding.evidence)
    print("finding:", finding.factor, f"({evidence})", "by", finding.rule)
for obligation in decision.obligations:
    print("obligation:", obligation.action, "by", ", ".join(obligation.responsible_roles), end="")
    print(" due", obligation.due, "rules", ", ".join(obligation.rules))
for verdict in decision.measures:  # verdicts: only on the plan's measures and those asked for
    reasons = ", ".join(f"{r.rule}: {r.reason}" for r in verdict.reasons)
    print(
        "measure:", verdict.measure, "eligible" if verdict.eligible else "refused", f"({reasons})"
    )
for suggestion in decision.suggestions:  # eligible measures nobody asked for: not a verdict
    reasons = ", ".join(f"{r.rule}: {r.reason}" for r in suggestion.reasons)
    print("suggestion:", suggestion.measure, f"({reasons})")
for referral in decision.referrals:
    print("referral:", referral.to, referral.urgency.value)
for issue in decision.plan_issues:
    print("plan issue:", issue.plan_id, issue.reason, issue.path)
print("tier:", decision.tier)
fired = [row.rule for row in decision.trace if row.fired]
print("trace:", len(decision.trace), "rules considered,", len(fired), "fired")

# --- ask for verdicts on measures the plan does not hold (the family applied for meals) ---------
asked = policy_set.evaluate(case, as_of=date(2025, 3, 3), measures=["meals_compensation"])
for verdict in asked.measures:
    print("asked:", verdict.measure, "eligible" if verdict.eligible else "refused")
print("suggestions once asked:", len(asked.suggestions))

# --- explain it to staff, in Latvian or English (pass the set's codes for local codes) ----------
print(explain(decision, "en", policy_set.codes).splitlines()[0])
print(explain(decision, "lv", policy_set.codes).splitlines()[0])

# --- store or send the document ------------------------------------------------------------------
document = decision.model_dump_json()  # the Decision JSON Schema: atbalsts schema decision
print(document[:70], "...")
