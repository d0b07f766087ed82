"""``atbalsts schema`` and ``atbalsts validate``: the documents, for vendors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from atbalsts.cli._common import EXIT_INVALID, EXIT_OK, Commands, dump, print_error, read_text
from atbalsts.cli._i18n import Texts
from atbalsts.errors import DocumentError

__all__ = ["DOCUMENT_NAMES", "FIELDS_FILE", "register"]

#: The names of the documents, the keys of :data:`atbalsts.schema.DOCUMENTS` in order: the parser
#: offers them without importing the documents (a test keeps the two equal).
DOCUMENT_NAMES = (
    "audit-event",
    "consent",
    "decision",
    "referral",
    "risk-assessment",
    "support-case",
    "support-plan",
)

#: The file the field reference is written to, beside the schemas.
FIELDS_FILE = "fields.md"

#: The schema of a scenario file: a schema, not a document.
SCENARIO_FILE = "scenario-file"


def _schema_text(name: str) -> str:
    if name == SCENARIO_FILE:
        from atbalsts.testing.scenarios import schema_text as scenario_schema_text

        return scenario_schema_text()
    from atbalsts.schema import schema_text

    return schema_text(name)


def _schema(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.cli._fields import field_reference
    from atbalsts.schema import DOCUMENTS, document_type

    _ = t.gettext
    names = [args.name] if args.name else [*sorted(DOCUMENTS), SCENARIO_FILE]
    for name in names:
        if name != SCENARIO_FILE:
            document_type(name)  # unknown names raise before anything is written
    if args.fields:
        text = field_reference(None if args.name in (None, SCENARIO_FILE) else args.name)
        if not args.output:
            sys.stdout.write(text)
            return EXIT_OK
        out_dir = Path(args.output)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / FIELDS_FILE).write_text(text, encoding="utf-8")
        print(_("wrote {file} to {directory}").format(file=FIELDS_FILE, directory=out_dir))
        return EXIT_OK
    if args.output:
        out_dir = Path(args.output)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            (out_dir / f"{name}.schema.json").write_text(_schema_text(name), encoding="utf-8")
        written = t.ngettext("wrote {n} schema", "wrote {n} schemas", len(names)).format(
            n=len(names)
        )
        if not args.name:  # everything: the field reference too
            (out_dir / FIELDS_FILE).write_text(field_reference(), encoding="utf-8")
            written = _("{schemas} and {file}").format(schemas=written, file=FIELDS_FILE)
        print(_("{written} to {directory}").format(written=written, directory=out_dir))
    elif args.name:
        sys.stdout.write(_schema_text(args.name))
    else:
        sys.stdout.write(dump({name: json.loads(_schema_text(name)) for name in names}))
    return EXIT_OK


#: The document ``validate`` reads without ``--document``.
DEFAULT_DOCUMENT = "support-case"


def _fitting_document(text: str) -> str | None:
    """The one other document whose top-level fields ``text`` has, when it is a JSON object
    with a key that is not a field of a support case: every key a field of that document, every
    field that document requires among the keys. None when no document or more than one fits.
    """
    from atbalsts.schema import DOCUMENTS, document_type

    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    keys = set(data)
    if keys <= set(document_type(DEFAULT_DOCUMENT).model_fields):
        return None
    fits = []
    for name in DOCUMENTS:
        fields = document_type(name).model_fields
        required = {key for key, field in fields.items() if field.is_required()}
        if name != DEFAULT_DOCUMENT and required <= keys <= set(fields):
            fits.append(name)
    return fits[0] if len(fits) == 1 else None


def _validate(args: argparse.Namespace, t: Texts) -> int:
    from atbalsts.model import parse_json
    from atbalsts.schema import document_type

    document = args.document or DEFAULT_DOCUMENT
    model = document_type(document)
    text = read_text(args.file, t)
    try:
        parse_json(model, text, name=f"{args.file} ({document})")
    except DocumentError as err:
        if args.format != "json":
            other = _fitting_document(text) if args.document is None else None
            if other is None:
                raise
            print_error(err, t, sys.stderr)
            hint = t.gettext(
                "hint: {file} looks like a {other}, not a {document}: give --document {other}"
            )
            print(hint.format(file=args.file, other=other, document=document), file=sys.stderr)
            return EXIT_INVALID
        rows = [
            {"path": e.path, "kind": e.kind, "message": e.message, "values": dict(e.values)}
            for e in err.errors
        ]
        sys.stdout.write(
            dump({"file": args.file, "document": document, "valid": False, "errors": rows})
        )
        return EXIT_INVALID
    if args.format == "json":
        sys.stdout.write(
            dump({"file": args.file, "document": document, "valid": True, "errors": []})
        )
    else:
        print(t.gettext("{file}: valid {document}").format(file=args.file, document=document))
    return EXIT_OK


def register(commands: Commands) -> None:
    """Add ``schema`` and ``validate``."""
    _ = commands.texts.gettext
    names = ", ".join([*DOCUMENT_NAMES, SCENARIO_FILE])
    p = commands.add("schema", _("print the JSON Schema of a document (or of all)"), _schema)
    p.add_argument(
        "name", nargs="?", metavar=_("NAME"), help=_("one of: {names}").format(names=names)
    )
    p.add_argument(
        "-o",
        "--output",
        metavar=_("DIR"),
        help=_(
            "write NAME.schema.json files into this directory (without NAME: every schema and "
            "the field reference {file})"
        ).format(file=FIELDS_FILE),
    )
    p.add_argument(
        "--fields",
        action="store_true",
        help=_(
            "the field reference instead (Markdown: one table per model, of NAME or of every "
            "document)"
        ),
    )

    p = commands.add(
        "validate", _("validate a JSON document; exit 2 with field paths"), _validate, formats=True
    )
    p.add_argument("file", metavar=_("FILE"), help=_("the JSON file"))
    p.add_argument(
        "--document",
        choices=DOCUMENT_NAMES,
        help=_("the document type (default: support-case)"),
    )
