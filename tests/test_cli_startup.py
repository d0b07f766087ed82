"""The command starts by paying only for what the command run uses: its parser is built without
the documents, the engine or any command's own machinery, and ``atbalsts policies`` loads the
engine and the plugins, not the batch, the statistics, the service or the explanations.

The parser names some values that live in modules it does not import (the document names, the
roles of views, the work list's look-ahead); the tests here keep its copies equal to them."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import atbalsts.privacy
import atbalsts.schema
import atbalsts.worklist
from atbalsts._explain import _render
from atbalsts.cli import _documents, _views, _worklist
from atbalsts.cli._common import add_lang
from atbalsts.cli._i18n import texts

#: Heavy modules the parser must not need: the documents and pydantic, the engine and every
#: command's own machinery.
NOT_FOR_THE_PARSER = {
    "pydantic",
    "pluggy",
    "holidays",
    "atbalsts.model",
    "atbalsts.engine",
    "atbalsts.policy",
    "atbalsts.schema",
    "atbalsts.privacy",
    "atbalsts.batch",
    "atbalsts.stats",
    "atbalsts.server",
    "atbalsts.worklist",
    "atbalsts.workflow",
    "atbalsts.scaffold",
    "atbalsts.demo",
    "atbalsts.testing",
    "atbalsts._explain._render",
    "atbalsts.cli._fields",
}

#: What ``atbalsts policies`` does not use: the other commands' machinery, the renderer of
#: explanations, the public-holiday and personal-code libraries.
NOT_FOR_POLICIES = NOT_FOR_THE_PARSER - {
    "pydantic",
    "pluggy",
    "atbalsts.model",
    "atbalsts.engine",
    "atbalsts.policy",
}


def _loaded_after(code: str) -> set[str]:
    """The modules loaded in a new interpreter after ``code`` ran (its output is discarded)."""
    program = textwrap.dedent(code) + textwrap.dedent(
        """
        import json, sys
        sys.__stdout__.write("\\n" + json.dumps(sorted(sys.modules)) + "\\n")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={"PATH": "", "ATBALSTS_LANG": "en"},
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return set(loaded)


def _packages(modules: set[str], wanted: set[str]) -> set[str]:
    """The names in ``wanted`` that are ``modules`` or a package of one of them."""
    return {w for w in wanted if any(m == w or m.startswith(w + ".") for m in modules)}


def test_the_help_of_every_command_needs_none_of_the_machinery() -> None:
    loaded = _loaded_after(
        """
        import argparse, contextlib, io
        from atbalsts.cli import build_parser
        for lang in ("lv", "en"):
            parser = build_parser(lang)
            parser.format_help()
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    for sub in action.choices.values():
                        sub.format_help()
        """
    )
    assert "atbalsts.cli._decide" in loaded  # the parser was built, every command on it
    assert _packages(loaded, NOT_FOR_THE_PARSER) == set()


def test_atbalsts_policies_loads_the_engine_and_not_the_other_commands() -> None:
    loaded = _loaded_after(
        """
        from atbalsts.cli import main
        assert main(["policies", "--format", "json"]) == 0
        """
    )
    assert {"atbalsts.engine", "atbalsts.national", "atbalsts_bauska"} <= loaded
    assert _packages(loaded, NOT_FOR_POLICIES | {"stdnum"}) == set()


def test_a_command_still_gets_what_it_uses() -> None:
    loaded = _loaded_after(
        """
        from atbalsts.cli import main
        assert main(["schema", "consent"]) == 0
        """
    )
    assert {"atbalsts.schema", "atbalsts.model"} <= loaded
    assert _packages(loaded, {"atbalsts.engine", "atbalsts.batch", "atbalsts.privacy"}) == set()


def test_the_document_names_are_those_of_the_schemas() -> None:
    assert tuple(sorted(atbalsts.schema.DOCUMENTS)) == _documents.DOCUMENT_NAMES


def test_the_roles_are_those_of_the_views() -> None:
    assert tuple(role.value for role in atbalsts.privacy.ViewRole) == _views.ROLES
    assert _views.DEFAULT_ROLE == atbalsts.privacy.ViewRole.CLASS_TEACHER


def test_the_work_list_looks_as_far_ahead_as_the_library() -> None:
    assert _worklist.UPCOMING_DAYS == atbalsts.worklist.UPCOMING_DAYS


def test_the_languages_are_those_of_the_explanations() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_lang(parser, texts("en"), default="lv")
    (lang,) = [a for a in parser._actions if a.dest == "lang"]
    assert tuple(lang.choices or ()) == _render.LANGUAGES == ("lv", "en")
