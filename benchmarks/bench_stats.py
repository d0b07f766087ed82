"""Statistics benchmark: what hiding the small cells costs `atbalsts stats`, in one run.

The synthetic learners come from the generator behind
:func:`atbalsts.testing.conformance.sample_cases` (seeded, so every run counts the same table),
spread over three municipalities (bauska, parauga, ogre) and over ``--schools`` schools, each
learner's school drawn at random (so schools differ in size, and many are small). They are
decided by the engine in this process (``iter_decisions``, one core) and written as
``atbalsts batch`` writes them, beside their cases, to a temporary folder. Then, on those files,
grouped by school, each in a new process of its own (so that each has its own peak memory):

- counting without suppression: :func:`atbalsts.stats.count_files` with the suppression replaced
  by one that hides nothing (reading, joining and counting alone);
- counting with suppression, as published; the ratio of the two, and of their peak memory;
- the suppression's share of the count, and of its rule 5 (bounds) within it, timed in the same
  calls;
- counting with suppression as before every code of every list was a column (only the
  categories met, and every risk group, plan status and funder of planned measures): what
  showing every category costs, the ratio of the two suppressions;
- the shape of the table: groups, columns and hidden cells, with a digest of which cells are
  hidden, so that two runs (say before and after a change) can be seen to hide the same cells.

Each time is the median of ``--rounds`` counts in that process; the peak memory is the largest
resident set of the process (:func:`peak_mb`), the interpreter and the library included. Not a
test, never run by pytest: run it by hand, on a machine as quiet as you can get::

    .venv/bin/python benchmarks/bench_stats.py [--decisions 20000] [--schools 4000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2025, 11, 20)
MUNICIPALITIES = ("bauska", "parauga", "ogre")
BY = ("school",)


def generate(folder: Path, decisions: int, schools: int, seed: int) -> None:
    """``decisions`` cases, each in a school drawn from ``schools``, and their decisions."""
    from atbalsts import PolicyRegistry
    from atbalsts.batch import iter_decisions
    from atbalsts.testing import _generate as gen
    from atbalsts.testing.conformance import _cases

    vocabulary = gen.Vocabulary.with_local(())
    pick = random.Random(f"{seed}:schools")
    lines = []
    for index in range(decisions):
        source = gen.RandomSource(random.Random(f"{seed}:{AS_OF.isoformat()}:{index}"))
        municipality = MUNICIPALITIES[index % len(MUNICIPALITIES)]
        case = _cases._case(source, index, AS_OF, municipality, vocabulary)
        enrolment = case.learner.enrolment.model_copy(
            update={"school_id": f"S-{pick.randrange(schools):05d}"}
        )
        learner = case.learner.model_copy(update={"enrolment": enrolment})
        lines.append(case.model_copy(update={"learner": learner}).model_dump_json())
    (folder / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = iter_decisions(lines, registry=PolicyRegistry.load(), as_of=AS_OF)
    with (folder / "decisions.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(record.text + "\n")


class Timed:
    """Wraps a module's function by name, adding up the time spent in it until restored."""

    def __init__(self, module: Any, name: str) -> None:
        self.module, self.name = module, name
        self.real: Callable[..., Any] = getattr(module, name)
        self.spent = 0.0

    def __enter__(self) -> Timed:
        def timed(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return self.real(*args)
            finally:
                self.spent += time.perf_counter() - start

        setattr(self.module, self.name, timed)
        return self

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.real)


#: The breakdowns that showed every category of their list, met or not, before every one did.
ALWAYS_BEFORE = ("findings_by_risk_group", "plans_by_status", "measures_planned_by_funder")


def met_only(count_module: Any) -> None:
    """Make ``count_module`` (:mod:`atbalsts.stats._count`) show a category only where some
    group has it (but those of :data:`ALWAYS_BEFORE`), as it did before every category was a
    column."""
    every = count_module._Tally.columns

    def columns(tally: Any, local: Any) -> tuple[tuple[str, str | None], ...]:
        met = {column for group in tally.groups.values() for column in group}
        return tuple(
            (metric, category)
            for metric, category in every(tally, local)
            if category is None or metric in ALWAYS_BEFORE or (metric, category) in met
        )

    count_module._Tally.columns = columns


def count_here(folder: Path, suppress: bool, rounds: int, met: bool = False) -> dict[str, Any]:
    """In this process: ``rounds`` counts of the files, with or without suppression (``met``:
    showing only the categories met, as before). The median times; the peak memory; the
    table's shape and a digest of its hidden cells."""
    from atbalsts.stats import _count, _suppress, count_files

    if met:
        met_only(_count)
    if not suppress:  # what count_files calls, by the name _count imported it under
        _count.suppress = lambda grid, min_learners: set()  # type: ignore[attr-defined]
    whole, rules, rule_5 = [], [], []
    for _ in range(rounds):
        with Timed(_count, "suppress") as timed_rules, Timed(_suppress, "_protect") as timed_5:
            start = time.perf_counter()
            table = count_files(folder / "decisions.jsonl", folder / "cases.jsonl", BY)
            whole.append(time.perf_counter() - start)
        rules.append(timed_rules.spent)
        rule_5.append(timed_5.spent)
    hidden = sorted(
        f"{row.key}|{column}"
        for row in (*table.rows, table.total)
        for column, cell in row.cells.items()
        if cell.suppressed
    )
    return {
        "seconds": statistics.median(whole),
        "suppression": statistics.median(rules),
        "rule_5": statistics.median(rule_5),
        "peak_mb": peak_mb(),
        "groups": len(table.rows),
        "columns": len(table.columns),
        "hidden": len(hidden),
        "digest": hashlib.sha256("\n".join(hidden).encode()).hexdigest()[:12],
    }


def peak_mb() -> float:
    """This process's largest resident set: the high-water mark of its own memory on Linux
    (``getrusage`` there keeps the parent's peak across ``exec``, here that of the generation),
    else ``getrusage``."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def count_apart(folder: Path, suppress: bool, rounds: int, met: bool = False) -> dict[str, Any]:
    """:func:`count_here` in a new process (the same interpreter and path)."""
    command = [sys.executable, __file__, "--count", str(folder), "--rounds", str(rounds)]
    done = subprocess.run(
        [*command, *([] if suppress else ["--no-suppression"]), *(["--met-only"] if met else [])],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def report(args: argparse.Namespace, folder: Path) -> Iterator[str]:
    start = time.perf_counter()
    generate(folder, args.decisions, args.schools, args.seed)
    yield (
        f"generated and decided {args.decisions:,} learners over {args.schools:,} schools in "
        f"{time.perf_counter() - start:.0f} s"
    )
    yield (
        f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    bare = count_apart(folder, False, args.rounds)
    full = count_apart(folder, True, args.rounds)
    yield (
        f"table by school: {full['groups']:,} groups, {full['columns']} columns, "
        f"{full['hidden']:,} cells hidden (digest {full['digest']})"
    )
    yield (
        f"count without suppression: {bare['seconds']:.2f} s, peak {bare['peak_mb']:.0f} MB "
        f"(median of {args.rounds})"
    )
    yield (
        f"count with suppression:    {full['seconds']:.2f} s, peak {full['peak_mb']:.0f} MB "
        f"(median of {args.rounds})"
    )
    yield (
        f"  with / without: {full['seconds'] / bare['seconds']:.2f} in time, "
        f"{full['peak_mb'] / bare['peak_mb']:.2f} in peak memory"
    )
    rules, rule_5, whole = full["suppression"], full["rule_5"], full["seconds"]
    yield (
        f"  suppression {rules:.2f} s ({rules / whole:.0%} of the count), of it rule 5 "
        f"(bounds) {rule_5:.2f} s ({rule_5 / whole:.0%} of the count)"
    )
    met = count_apart(folder, True, args.rounds, met=True)
    yield (
        f"met categories only, as before: {met['columns']} columns, {met['hidden']:,} cells "
        f"hidden (digest {met['digest']}); {met['seconds']:.2f} s, peak {met['peak_mb']:.0f} MB"
    )
    yield (
        f"  suppression {met['suppression']:.2f} s, of it rule 5 {met['rule_5']:.2f} s; every "
        f"category / met only: {rules / met['suppression']:.2f} in suppression, "
        f"{rule_5 / met['rule_5']:.2f} in rule 5, {whole / met['seconds']:.2f} in the count"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decisions", type=int, default=20_000, help="learners decided")
    parser.add_argument("--schools", type=int, default=4_000, help="schools they are spread over")
    parser.add_argument("--rounds", type=int, default=3, help="counts of each kind (median)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated learners")
    parser.add_argument("--count", type=Path, help=argparse.SUPPRESS)  # a counting process
    parser.add_argument("--no-suppression", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--met-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.count is not None:
        result = count_here(args.count, not args.no_suppression, args.rounds, args.met_only)
        print(json.dumps(result))
        return 0
    given = " ".join(sys.argv[1:] if argv is None else argv)
    print(f"$ .venv/bin/python benchmarks/bench_stats.py {given}".rstrip())
    with tempfile.TemporaryDirectory(prefix="atbalsts-bench-") as work:
        for line in report(args, Path(work)):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
