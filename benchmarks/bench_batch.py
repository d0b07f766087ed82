"""Batch benchmark: `atbalsts batch` end to end against the pydantic validation floor, in one run.

The synthetic learners come from the generator behind
:func:`atbalsts.testing.conformance.sample_cases` (seeded, so every run decides the same cases),
spread over a municipality with a policy of its own (bauska), one with another (parauga) and one
without (ogre), and written to a temporary JSON Lines file. Then, on the same file:

- the floor: every line validated as a SupportCase (``model_validate_json``), on one core, the
  least any design pays for reading its input;
- ``atbalsts batch --jobs J`` end to end (a new process, as a host runs it): wall time, CPU time
  of the batch and its workers over the wall time (how many cores it kept busy), the largest
  resident set of any of its processes (``getrusage``), and output bytes per learner;
- the same at 10,000 learners, with ``--jobs 1`` too: how far the workers speed a batch up;
- where a learner's time goes: each stage (validation, local codes, facts, rules, the
  evaluation on the last day of the term before for a case with an observation then, the
  compact decision, its JSON) timed on 3,000 of the learners in this process, beside the
  batch's own loop over the same lines;
- the cold start of ``atbalsts policies`` against ``python -c pass`` (median of 5), with compiled
  bytecode (kept in a temporary folder, as a wheel installs it) and as the environment has it.

Not a test, never run by pytest: run it by hand, on a machine as quiet as you can get::

    .venv/bin/python benchmarks/bench_batch.py [--learners 250000] [--jobs 2]

Each line says what was measured and, where the issue set one, the target and whether it was
met (issue 13): 250,000 learners in at most 30 s and at most 1.0 x the floor, at least 1.6 CPU
seconds per second with 2 jobs, at most 150 MB resident, at most 300 ms cold start.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from atbalsts import SupportCase
from atbalsts.batch import available_cores
from atbalsts.testing import _generate as gen
from atbalsts.testing.conformance import _cases

AS_OF = date(2025, 11, 20)
MUNICIPALITIES = ("bauska", "parauga", "ogre")
GENERATE_CHUNK = 2_000
SMALL = 10_000
BIN = Path(sys.executable).parent

# Runs the command in its arguments and prints the resources of it and its descendants: CPU
# time and the largest resident set of one process from getrusage, and (Linux) the peak of the
# memory of the whole process tree (proportional set sizes added up, so that what processes
# share counts once), sampled every 50 ms from /proc.
MEASURE = """
import json, os, resource, subprocess, sys, time
from pathlib import Path

def tree(pid):
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        found.add(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo.extend(int(x) for x in task.read_text().split())
            except OSError:
                pass
    return found

def resident(pid):
    # the proportional set size: a page shared by n processes counts 1/n in each
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            for row in Path(f"/proc/{pid}/{name}").read_text().splitlines():
                if row.startswith(key):
                    return int(row.split()[1])
        except OSError:
            pass
    return 0

start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
tree_kb = 0
while process.poll() is None:
    if os.path.isdir("/proc"):
        tree_kb = max(tree_kb, sum(resident(p) for p in tree(process.pid)))
    time.sleep(0.05)
wall = time.perf_counter() - start
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"status": process.returncode, "wall": wall, "cpu": use.ru_utime + use.ru_stime,
                  "maxrss_kb": use.ru_maxrss, "tree_kb": tree_kb}))
"""


def _lines(first: int, count: int, seed: int) -> str:
    """Learners ``first`` .. ``first + count - 1`` as JSON Lines (in a worker process)."""
    vocabulary = gen.Vocabulary.with_local(())
    out = []
    for index in range(first, first + count):
        source = gen.RandomSource(random.Random(f"{seed}:{AS_OF.isoformat()}:{index}"))
        municipality = MUNICIPALITIES[index % len(MUNICIPALITIES)]
        case = _cases._case(source, index, AS_OF, municipality, vocabulary)
        out.append(case.model_dump_json() + "\n")
    return "".join(out)


def generate(path: Path, count: int, seed: int, jobs: int) -> None:
    starts = range(0, count, GENERATE_CHUNK)
    sizes = [min(GENERATE_CHUNK, count - s) for s in starts]
    with (
        path.open("w", encoding="utf-8") as out,
        ProcessPoolExecutor(max_workers=jobs) as pool,
    ):
        for text in pool.map(_lines, starts, sizes, [seed] * len(sizes)):
            out.write(text)


def head(source: Path, target: Path, count: int) -> None:
    with source.open(encoding="utf-8") as lines, target.open("w", encoding="utf-8") as out:
        for _, line in zip(range(count), lines, strict=False):
            out.write(line)


def validation_floor(path: Path) -> float:
    """Seconds to validate every line as a SupportCase, here, on one core."""
    validate = SupportCase.model_validate_json
    start = time.perf_counter()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            validate(line)
    return time.perf_counter() - start


#: Learners whose time is split into stages, and the stages in the order the batch runs them.
STAGE_LEARNERS = 3_000
STAGES = (
    "validation",
    "local codes",
    "facts",
    "rules",
    "term before",
    "compact decision",
    "JSON",
)


def stages(path: Path) -> tuple[dict[str, float], float, int]:
    """Where a learner's time goes, one core: each stage of the first :data:`STAGE_LEARNERS`
    lines timed as the batch runs it (a learner decided whole before the next), in µs a learner,
    the batch's own loop over the same lines in this process, for comparison, and how many of
    the learners were also evaluated on the last day of the term before (``term before``: the
    gate, that day's facts and its risk and obligation rules, as ``PolicySet.run`` does; its
    duties are then written with the decision's). The second of two rounds (the first fills the
    caches)."""
    from pydantic_core import to_json

    from atbalsts import PolicyRegistry
    from atbalsts.batch import iter_decisions
    from atbalsts.engine import TableRefs, compact_decision, derive_facts, rule_table_of
    from atbalsts.engine._inputcodes import unknown_local_codes
    from atbalsts.engine._run import evaluate_facts

    with path.open(encoding="utf-8") as lines:
        sample = [line for _, line in zip(range(STAGE_LEARNERS), lines, strict=False)]
    registry = PolicyRegistry.load()
    refs: dict[int, TableRefs] = {}
    clock = time.perf_counter
    spent = dict.fromkeys(STAGES, 0.0)
    again = 0
    for _ in range(2):
        spent = dict.fromkeys(STAGES, 0.0)
        again = 0
        for line in sample:
            t0 = clock()
            case = SupportCase.model_validate_json(line)
            t1 = clock()
            policy_set = registry.policy_set(case.learner.enrolment.municipality)
            unknown_local_codes(case, policy_set.codes)
            t2 = clock()
            facts = derive_facts(case, AS_OF, policy_set.calendar)
            t3 = clock()
            before = policy_set._term_before(case, AS_OF)  # read here, as PolicySet.run does
            t3a = clock()
            ev = evaluate_facts(
                policy_set.at(AS_OF),
                facts,
                policy_set.codes,
                trace=False,
                case=case,
                calendar=policy_set.calendar,
                local_calendar=policy_set.local_calendar,
            )
            t4 = clock()
            # the duties of the term before (its failures, none in these cases, are left out)
            if before is not None:
                ev.carried = policy_set._carried(case, *before, False)
                again += 1
            t4a = clock()
            table = refs.get(id(ev.policy))
            if table is None:
                table = refs[id(ev.policy)] = TableRefs(rule_table_of(ev.policy, policy_set.codes))
            t4b = clock()
            data = compact_decision(ev, policy_set.codes, table)
            t5 = clock()
            to_json(data)
            t6 = clock()
            again_took = t3a - t3 + t4a - t4  # the term before's facts, then its rules
            took_each = (t1 - t0, t2 - t1, t3 - t2, t4 - t3a, again_took, t5 - t4b, t6 - t5)
            for stage, took in zip(STAGES, took_each, strict=True):
                spent[stage] += took
    start = clock()
    for _ in iter_decisions(sample, registry=registry, as_of=AS_OF):
        pass
    whole = clock() - start
    per = {stage: took / len(sample) * 1e6 for stage, took in spent.items()}
    return per, whole / len(sample) * 1e6, again


def measured(command: Sequence[str]) -> dict[str, float]:
    """Run ``command`` in a new process; its wall time, CPU time and largest resident set."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    if result["status"] not in (0, 2):
        sys.exit(f"{' '.join(command)} failed with status {result['status']}")
    return result


def batch(cases: Path, out: Path, jobs: int) -> dict[str, float]:
    command = [str(BIN / "atbalsts"), "batch", str(cases), "--as-of", AS_OF.isoformat()]
    result = measured([*command, "-o", str(out), "--jobs", str(jobs), "--lang", "en"])
    result["bytes"] = out.stat().st_size
    return result


def median_start(command: Sequence[str], rounds: int = 5, bytecode: Path | None = None) -> float:
    """The median wall time of ``command``. With ``bytecode``, Python's compiled modules are
    kept in that folder (written by a first run that is not timed), as an installed wheel has
    them; without, the environment decides (``PYTHONDONTWRITEBYTECODE`` set: every start
    compiles the modules it imports)."""
    env = dict(os.environ)
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
        subprocess.run(command, capture_output=True, check=True, env=env)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(args: argparse.Namespace, work: Path) -> Iterator[str]:
    n, jobs = args.learners, args.jobs
    cases, small = work / "cases.jsonl", work / "small.jsonl"
    start = time.perf_counter()
    generate(cases, max(n, SMALL), args.seed, available_cores())
    head(cases, small, SMALL)
    if n < SMALL:
        head(cases, cases.with_suffix(".n"), n)
        cases.with_suffix(".n").replace(cases)
    mb = cases.stat().st_size / 1e6
    yield f"generated {n:,} learners ({mb:.0f} MB) in {time.perf_counter() - start:.0f} s"
    yield (
        f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"{available_cores()} available; load average {os.getloadavg()[0]:.2f}"
    )

    floor_wall = validation_floor(cases)
    full = batch(cases, work / "out.jsonl", jobs)
    per = full["wall"] / n * 1e6
    yield (
        f"validation floor, {n:,} lines, 1 core: {floor_wall:.1f} s "
        f"({floor_wall / n * 1e6:.0f} µs/line)"
    )
    yield f"batch --jobs {jobs}, {n:,} learners: {full['wall']:.1f} s ({per:.0f} µs/learner)"
    ratio = full["wall"] / floor_wall
    yield f"  batch / validation floor: {ratio:.2f} (target <= 1.0: {verdict(ratio <= 1.0)})"
    busy = full["cpu"] / full["wall"]
    yield (
        f"  CPU time / wall time: {busy:.2f} ({full['cpu']:.1f} CPU s; target >= 1.6 with 2 "
        f"jobs: {verdict(busy >= 1.6) if jobs == 2 else 'n/a'})"
    )
    scaled = full["wall"] * 250_000 / n
    what = "measured" if n == 250_000 else f"scaled from {n:,}"
    yield f"  250,000 learners, {what}: {scaled:.0f} s (target <= 30 s: {verdict(scaled <= 30)})"
    peak, tree = full["maxrss_kb"] / 1024, full["tree_kb"] / 1024
    yield (
        f"  peak memory: {peak:.0f} MB resident in the largest process, {tree:.0f} MB all "
        f"processes together (target <= 150 MB: {verdict(max(peak, tree) <= 150)})"
    )
    yield f"  output: {full['bytes'] / n:,.0f} bytes per learner (no trace)"

    one = batch(small, work / "small-1.jsonl", 1)
    two = batch(small, work / "small-2.jsonl", jobs)
    same = (work / "small-1.jsonl").read_bytes() == (work / "small-2.jsonl").read_bytes()
    yield f"{SMALL:,} learners: --jobs 1 {one['wall']:.1f} s, --jobs {jobs} {two['wall']:.1f} s"
    yield f"  speed-up of {jobs} jobs: {one['wall'] / two['wall']:.2f}; outputs equal: {same}"
    yield (
        f"  peak memory: {one['maxrss_kb'] / 1024:.0f} MB (--jobs 1); "
        f"{two['maxrss_kb'] / 1024:.0f} MB the largest process, {two['tree_kb'] / 1024:.0f} MB "
        f"all together (--jobs {jobs})"
    )

    per, whole, before = stages(cases)
    parts = ", ".join(f"{stage} {took:.0f}" for stage, took in per.items())
    learners = min(n, STAGE_LEARNERS)
    yield (
        f"where a learner's time goes, one core, {learners:,} learners (µs): {parts}; "
        f"together {sum(per.values()):.0f}, the batch's loop in this process {whole:.0f}"
    )
    if before:
        each = per["term before"] * learners / before
        yield (
            f"  term before: {before:,} of the {learners:,} learners have an observation in the "
            f"term before and are evaluated again on its last day, {each:.0f} µs each"
        )

    bare = median_start([sys.executable, "-c", "pass"])
    command = [str(BIN / "atbalsts"), "policies", "--lang", "en"]
    compiled = median_start(command, bytecode=work / "pycache")
    as_is = median_start(command)
    written = "not written" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "as found"
    yield (
        f"cold start, median of 5: atbalsts policies {compiled * 1000:.0f} ms with compiled "
        f"bytecode (as installed from a wheel), {as_is * 1000:.0f} ms with bytecode {written}; "
        f"python -c pass {bare * 1000:.0f} ms (target <= 300 ms: {verdict(compiled <= 0.3)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=250_000, help="learners in the batch")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes of the batch")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated learners")
    args = parser.parse_args(argv)
    given = " ".join(sys.argv[1:] if argv is None else argv)
    print(f"$ .venv/bin/python benchmarks/bench_batch.py {given}".rstrip())
    with tempfile.TemporaryDirectory(prefix="atbalsts-bench-") as work:
        for line in report(args, Path(work)):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
