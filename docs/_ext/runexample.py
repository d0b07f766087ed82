"""Run examples when the documentation is built, and show what they print.

Two directives, so the output a page shows is always the output of what it shows:

``atbalsts-output`` runs a Python file (relative to the page, as for ``literalinclude``) in the
build process and renders its standard output as a literal block. With ``:call: NAME`` the file
is run as a module (not as ``__main__``) and only the function ``NAME`` is called. In MyST::

    ```{atbalsts-output} ../examples/evaluate.py
    ```

    ```{atbalsts-output} ../examples/conflicts.py
    :call: looser_parameter
    ```

A script that raises is a build error. The scripts are also run by ``tests/test_docs.py``.

``atbalsts-command`` runs the ``atbalsts`` command with the arguments given (split as a POSIX
shell would, but with no shell: no pipes, no redirection, no variables) in a fresh Python process
of the build's environment, and renders a console block: the command line as the reader types it
(``$ .venv/bin/atbalsts ARGS``; the prefix is the ``atbalsts_command_display`` setting) and what
it printed, standard output and standard error as a terminal interleaves them::

    ```{atbalsts-command} validate examples/07-bauska-preschool-days.json
    ```

    ```{atbalsts-command} validate /tmp/broken-case.json
    :returncode: 2

    import json
    ...
    ```

``atbalsts-python`` shows a Python snippet (its content) as code, runs it the same way (option
``cwd`` as below; the snippet must exit normally) and shows what it printed below it::

    ```{atbalsts-python}
    from atbalsts import SupportCase
    print(SupportCase.__name__)
    ```

Options of ``atbalsts-command``:

``returncode``
    The exit status the command must end with (default 0); any other is a build error.
``cwd``
    Where the command runs: a directory relative to the repository root (the default is the root
    itself), or ``temporary``: a fresh directory ``checkout`` inside a fresh directory under the
    doctree directory, holding a link ``examples`` to the repository's examples, removed when the
    build finishes. Use it for a
    command that writes files (``new-policy --destination ..`` writes beside it, not in the
    repository).
``plugin``
    The arguments of ``atbalsts new-policy`` (without ``--destination``): the plugin it creates
    is installed for the command, as ``pip install -e`` would (a ``.dist-info`` with its entry
    point, on ``PYTHONPATH``). Created once per build and argument string; with ``cwd:
    temporary``, created afresh beside the temporary checkout (``../atbalsts-NAME``, as the
    tutorial has it), so the script before the command may change it.
``match``, ``head``, ``tail``
    Show only the lines of the output that match a regular expression, the first N lines or the
    last N lines (applied in that order). The page's text must say that it shows a part.

The content of the directive, if any, is a Python script run first, in the same directory, and
shown as ``$ .venv/bin/python - <<'EOF'`` ... ``EOF`` before the command: the reader runs the same.

The environment variables that select plugins (``ATBALSTS_PLUGINS``, ``ATBALSTS_BLOCK_PLUGINS``)
are removed, so a page shows what a default installation prints.

What a script or a command prints depends on the library, not only on the page, so a page that
shows one is read again at every build, even an incremental one.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

__all__ = ["setup"]

#: A pseudo-dependency that marks the pages showing a script's output.
_MARK = "atbalsts-output"

#: The ``atbalsts`` command, run by the build's Python whatever its scripts directory.
_RUN_CLI = "import sys; sys.argv[0] = 'atbalsts'; from atbalsts.cli import main; sys.exit(main())"

#: Seconds one command may take before the build fails.
_TIMEOUT = 120

#: Environment variables removed before a command runs: a page shows a default installation.
_PLUGIN_SELECTION = ("ATBALSTS_PLUGINS", "ATBALSTS_BLOCK_PLUGINS")

#: Scaffolded plugins of this build process: ``new-policy`` arguments -> their PYTHONPATH entries.
_PLUGINS: dict[str, tuple[str, ...]] = {}

#: Where commands write (scaffolded plugins, temporary checkouts), under the doctree directory:
#: emptied when a build starts and when it finishes, shared by parallel readers.
_WORK = "atbalsts-command"


class ExampleOutput(SphinxDirective):
    """The standard output of a Python file, as a text block."""

    has_content = False
    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {"call": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        relative, path = self.env.relfn2path(self.arguments[0], self.env.docname)
        self.env.note_dependency(relative)
        self.env.note_dependency(_MARK)  # marks the page for _pages_with_output
        call = self.options.get("call")
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                module = runpy.run_path(path, run_name="__main__" if call is None else "example")
                if call is not None:
                    module[call]()
        except BaseException as exc:  # SystemExit included: the example must run to its end
            raise self.error(f"{self.arguments[0]} failed: {type(exc).__name__}: {exc}") from exc
        text = out.getvalue().rstrip("\n")
        block = nodes.literal_block(text, text)
        block["language"] = "text"
        return [block]


class CommandError(Exception):
    """A command of a page could not run as the page says."""


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=_TIMEOUT,
        check=False,
    )


def _environment(extra_path: tuple[str, ...] = ()) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PLUGIN_SELECTION}
    env["PYTHONIOENCODING"] = "utf-8"
    # These pages are in English: the command speaks Latvian by default, English when asked.
    env["ATBALSTS_LANG"] = "en"
    env["PYTHONUNBUFFERED"] = "1"  # standard output and error interleave as on a terminal
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join((*extra_path, env.get("PYTHONPATH", ""))).rstrip(
            os.pathsep
        )
    return env


def _temporary(work: Path) -> Path:
    """A fresh directory under ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=work))


def _scaffolded(arguments: str, work: Path, beside: Path | None = None) -> tuple[str, ...]:
    """Create the plugin ``atbalsts new-policy ARGUMENTS`` writes, and "install" it: a
    ``.dist-info`` with its entry points beside its sources, both returned for PYTHONPATH.

    The plugin is created once per build in a directory of its own, or, with ``beside``, afresh
    in that directory (beside a temporary checkout, where the page's script may change it).
    """
    found = None if beside else _PLUGINS.get(arguments)
    if found is not None:
        return found
    where = beside or _temporary(work)
    argv = [sys.executable, "-c", _RUN_CLI, "new-policy", *shlex.split(arguments)]
    done = _run([*argv, "--destination", str(where)], where, _environment())
    if done.returncode != 0:
        raise CommandError(f"new-policy {arguments} failed: {done.stdout.strip()}")
    (root,) = where.glob("atbalsts-*/pyproject.toml")
    project = tomllib.loads(root.read_text(encoding="utf-8"))["project"]
    name, version = project["name"], project["version"]
    site = where / "site"
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    points = "".join(
        f"[{group}]\n" + "".join(f"{key} = {value}\n" for key, value in entries.items())
        for group, entries in project.get("entry-points", {}).items()
    )
    (info / "entry_points.txt").write_text(points, encoding="utf-8")
    found = (str(site), str(root.parent / "src"))
    if beside is None:
        _PLUGINS[arguments] = found
    return found


def _working_directory(root: Path, option: str, work: Path) -> Path:
    """The directory a command or script runs in: under ``root`` or a temporary checkout."""
    if option != "temporary":
        return (root / option).resolve()
    cwd = _temporary(work) / "checkout"
    cwd.mkdir()
    (cwd / "examples").symlink_to(root / "examples", target_is_directory=True)
    return cwd


def _select(lines: list[str], options: dict[str, Any]) -> list[str]:
    if "match" in options:
        pattern = re.compile(options["match"])
        lines = [line for line in lines if pattern.search(line)]
    if "head" in options:
        lines = lines[: options["head"]]
    if "tail" in options:
        lines = lines[-options["tail"] :]
    return lines


class CommandOutput(SphinxDirective):
    """``atbalsts ARGS`` run at build time: the command line and what it printed."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict[str, Any]] = {
        "returncode": directives.nonnegative_int,
        "cwd": directives.unchanged_required,
        "plugin": directives.unchanged_required,
        "match": directives.unchanged_required,
        "head": directives.positive_int,
        "tail": directives.positive_int,
    }

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(_MARK)  # marks the page for _pages_with_output
        arguments = self.arguments[0]
        try:
            text = self._text(arguments)
        except (CommandError, OSError, ValueError, re.error, subprocess.SubprocessError) as exc:
            raise self.error(f"atbalsts {arguments}: {exc}") from exc
        block = nodes.literal_block(text, text)
        block["language"] = "console"
        return [block]

    def _text(self, arguments: str) -> str:
        work = Path(self.env.doctreedir) / _WORK
        cwd = _working_directory(Path(self.env.srcdir).parent, self.options.get("cwd", "."), work)
        plugin = self.options.get("plugin")
        beside = cwd.parent if self.options.get("cwd") == "temporary" else None
        env = _environment(_scaffolded(plugin, work, beside) if plugin else ())
        prefix = self.config.atbalsts_command_display
        shown: list[str] = []
        if self.content:
            script = "\n".join(self.content)
            done = _run([sys.executable, "-c", script], cwd, env)
            if done.returncode != 0:
                raise CommandError(f"the script before it failed: {done.stdout.strip()}")
            python = str(Path(prefix).with_name("python")) if "/" in prefix else "python"
            shown += [f"$ {python} - <<'EOF'", *self.content, "EOF"]
        done = _run([sys.executable, "-c", _RUN_CLI, *shlex.split(arguments)], cwd, env)
        expected = self.options.get("returncode", 0)
        if done.returncode != expected:
            raise CommandError(
                f"exit status {done.returncode}, expected {expected}; it printed:\n{done.stdout}"
            )
        shown.append(f"$ {prefix} {arguments}")
        shown += _select(done.stdout.rstrip("\n").splitlines(), self.options)
        return "\n".join(shown)


class PythonOutput(SphinxDirective):
    """A Python snippet shown as code, run at build time, and what it printed below it."""

    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"cwd": directives.unchanged_required}

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(_MARK)  # marks the page for _pages_with_output
        self.assert_has_content()
        code = "\n".join(self.content)
        work = Path(self.env.doctreedir) / _WORK
        cwd = _working_directory(Path(self.env.srcdir).parent, self.options.get("cwd", "."), work)
        try:
            done = _run([sys.executable, "-c", code], cwd, _environment())
        except (OSError, subprocess.SubprocessError) as exc:
            raise self.error(f"the Python snippet could not run: {exc}") from exc
        if done.returncode != 0:
            raise self.error(f"the Python snippet failed:\n{done.stdout}")
        source = nodes.literal_block(code, code)
        source["language"] = "python"
        text = done.stdout.rstrip("\n")
        output = nodes.literal_block(text, text)
        output["language"] = "text"
        return [source, output]


def _pages_with_output(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Every page that shows a script's output: read it again, the library may have changed."""
    return sorted(
        docname
        for docname, deps in env.dependencies.items()
        if docname not in removed and any(str(dep).endswith(_MARK) for dep in deps)
    )


def _empty_work(app: Sphinx, *_: object) -> None:
    """Remove what commands wrote (scaffolded plugins, temporary checkouts)."""
    shutil.rmtree(Path(app.doctreedir) / _WORK, ignore_errors=True)
    _PLUGINS.clear()


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directives and the setting ``atbalsts_command_display``."""
    app.add_config_value("atbalsts_command_display", ".venv/bin/atbalsts", "env", types=[str])
    app.add_directive("atbalsts-output", ExampleOutput)
    app.add_directive("atbalsts-command", CommandOutput)
    app.add_directive("atbalsts-python", PythonOutput)
    app.connect("env-get-outdated", _pages_with_output)
    app.connect("builder-inited", _empty_work)
    app.connect("build-finished", _empty_work)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
