"""Sphinx configuration of the atbalsts documentation.

Build: ``.venv/bin/sphinx-build -W -n -q -b html docs docs/_build/html``. The build must stay free
of warnings in nitpicky mode (``-n``); ``tools/check.py`` runs it as a quality gate.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atbalsts

HERE = Path(__file__).resolve().parent
# The local extensions (glossary, model field tables, generated reference tables) live in _ext.
sys.path.insert(0, str(HERE / "_ext"))

project = "atbalsts"
author = "atbalsts contributors"
copyright = "atbalsts contributors, MIT licence"
version = release = atbalsts.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "glossary",  # docs/_ext/glossary.py: the {atbalsts-glossary} directive
    "modelfields",  # docs/_ext/modelfields.py: field tables of the pydantic documents
    "generated",  # docs/_ext/generated.py: CLI help, document and classified-field tables
    "policytables",  # docs/_ext/policytables.py: national rules, parameters, facts, hit policies
    "runexample",  # docs/_ext/runexample.py: the output of the examples in docs/examples
    "openapitables",  # docs/_ext/openapitables.py: the HTTP API from schemas/openapi.json
]
# No sphinx.ext.napoleon: the docstrings are plain reST prose, and napoleon would read a first line
# such as "A legal act: law, ..." in an attribute docstring as "type: description".
# No sphinx.ext.intersphinx: the build runs without network access. References to types of other
# projects (pydantic, attrs, the standard library) cannot resolve; see nitpick_ignore_regex.

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "_ext", "examples", "Thumbs.db", ".DS_Store"]
language = "en"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# --- autodoc ---------------------------------------------------------------------------------

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_class_signature = "separated"
autodoc_default_options = {
    "members": True,
    "show-inheritance": True,
    # pydantic's own machinery on every model: documented by pydantic, not by us.
    "exclude-members": "model_config, model_fields, model_computed_fields, model_post_init",
}
autodoc_preserve_defaults = True

# --- nitpicky mode ---------------------------------------------------------------------------

nitpicky = True
# Without intersphinx, cross-references to other projects cannot resolve. Each entry says whose
# type it is; anything of atbalsts itself must resolve and is never ignored here.
nitpick_ignore_regex = [
    # Standard library types named in signatures and type hints (no intersphinx to docs.python.org).
    (r"py:(class|obj|data|exc)", r"(datetime\.)?date"),
    (r"py:(class|obj|data|exc)", r"(enum\.)?StrEnum"),
    (r"py:(class|obj|data|exc)", r"(typing\.)?(Self|Any|Literal|Annotated|TypeVar)"),
    (r"py:(class|obj|data|exc)", r"(collections\.abc\.)?(Mapping|Sequence|Iterable|Iterator)"),
    (r"py:(class|obj|data|exc)", r"(collections\.abc\.|typing\.)?Callable"),
    (r"py:(class|obj|data|exc)", r"(pathlib\.)?Path"),
    (r"py:(class|obj|data|exc)", r"(os\.)?PathLike"),
    (r"py:(class|obj|data|exc)", r"(collections\.abc\.)?Collection"),
    (r"py:(class|obj|data|exc)", r"(random\.)?Random"),
    (r"py:(class|obj|data|exc)", r"(builtins\.)?(ValueError|LookupError|Exception|object)"),
    # The TypeVar of parse_json / parse_python: a type variable has no page of its own.
    (r"py:(class|obj|data|exc)", r"atbalsts\.model\._io\.M"),
    # The TypeVar of Evaluation.outcomes_of (an outcome class in, its outcomes out), likewise.
    (r"py:(class|obj|data|exc)", r"atbalsts\.engine\._run\.T"),
    # The TypeVar of privacy.masked_each (a problem in, the same problem or None out), likewise.
    (r"py:(class|obj|data|exc)", r"atbalsts\.privacy\._paths\.T"),
    # The TypeVar of the Hypothesis strategies (atbalsts.testing.strategies), likewise.
    (r"py:(class|obj|data|exc)", r"atbalsts\.testing\.strategies(\.\w+)*\.T"),
    # pydantic and pydantic-core types (no intersphinx to docs.pydantic.dev).
    (r"py:(class|obj|data|exc)", r"pydantic(_core)?\..*"),
    (r"py:(class|obj|data|exc)", r"(BaseModel|ConfigDict|FieldInfo|ValidationError)"),
    (r"py:(class|obj|data|exc)", r"(NonNegativeInt)"),
    # attrs (no intersphinx to www.attrs.org).
    (r"py:(class|obj|data|exc)", r"attr(s)?\..*"),
    # pytest types in the signatures of the pytest plugin (no intersphinx to docs.pytest.org).
    (r"py:(class|obj|data|exc|func|meth)", r"_?pytest\..*"),
    (r"py:(class|obj|data|exc)", r"TerminalRepr"),
    # Hypothesis types in the signatures of the strategies (no intersphinx to Hypothesis' docs).
    (r"py:(class|obj|data|exc|func)", r"hypothesis\..*"),
    (r"py:(class|obj|data|exc)", r"SearchStrategy"),
]

# --- HTML --------------------------------------------------------------------------------------

html_theme = "furo"
html_title = f"atbalsts {release}"
html_static_path: list[str] = []
