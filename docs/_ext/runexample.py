"""Run an example script when the documentation is built, and show what it prints.

``atbalsts-output`` runs a Python file (relative to the page, as for ``literalinclude``) in the
build process and renders its standard output as a literal block, so the output a page shows is
always the output of the code it shows. With ``:call: NAME`` the file is run as a module (not as
``__main__``) and only the function ``NAME`` is called. In MyST::

    ```{atbalsts-output} ../examples/evaluate.py
    ```

    ```{atbalsts-output} ../examples/conflicts.py
    :call: looser_parameter
    ```

A script that raises is a build error. The scripts are also run by ``tests/test_docs.py``.

What a script prints depends on the library, not only on the script, so a page that shows one is
read again at every build, even an incremental one.
"""

from __future__ import annotations

import contextlib
import io
import runpy
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import SphinxDirective

__all__ = ["setup"]

#: A pseudo-dependency that marks the pages showing a script's output.
_MARK = "atbalsts-output"


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


def _pages_with_output(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Every page that shows a script's output: read it again, the library may have changed."""
    return sorted(
        docname
        for docname, deps in env.dependencies.items()
        if docname not in removed and any(str(dep).endswith(_MARK) for dep in deps)
    )


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the directive."""
    app.add_directive("atbalsts-output", ExampleOutput)
    app.connect("env-get-outdated", _pages_with_output)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
