"""What the command says for an error by its ``code``: one catalog, code -> sentence.

Every :class:`~atbalsts.errors.AtbalstsError` has a ``code`` and ``values``
(:mod:`atbalsts.errors`). An error whose code has a sentence here is said by it in the
command's language, its values in the braces (:func:`coded_message`, which
:func:`~atbalsts.cli._errors.error_lines` asks for any error it has no other words for); in
English, and for an error without a code or with a code not here, as the library wrote it.

The catalog holds the codes whose sentence needs nothing but the values: the input errors of
``atbalsts transition`` (:func:`transition_sentences`) and the batch's
(:class:`~atbalsts.batch.BatchFileError`, :func:`batch_sentences`). A code has one sentence, so
a code is in one section only, but for those both give with one meaning
(:func:`shared_sentences`, in both sections with the same sentence). Errors said with more than
their values stay where they are said: a refusal of a transition by its parts
(:mod:`atbalsts.cli._workflow`), a :class:`~atbalsts.stats.StatsError` with the operating
system's reason or a count of lines (:mod:`atbalsts.cli._stats`; its ``output_not_a_file``
speaks of a table, the batch's of decisions).
"""

from __future__ import annotations

from atbalsts.cli._i18n import Texts
from atbalsts.errors import AtbalstsError

__all__ = [
    "batch_sentences",
    "coded_message",
    "coded_sentences",
    "shared_sentences",
    "transition_sentences",
]


def coded_message(err: AtbalstsError, t: Texts) -> str:
    """``err`` in the language of ``t``, without ``error:``: by its ``code`` and ``values``;
    as the library wrote it (``str(err)``) in English, without a code, with a code that has no
    sentence here, or with values that do not fit the sentence."""
    if t.lang == "en" or err.code is None:
        return str(err)
    sentence = coded_sentences(t).get(err.code)
    if sentence is None:
        return str(err)
    try:
        return sentence.format(**err.values)
    except (KeyError, IndexError, ValueError):
        return str(err)


def coded_sentences(t: Texts) -> dict[str, str]:
    """Every sentence of the catalog, by its code, in the language of ``t``."""
    return {**transition_sentences(t), **batch_sentences(t)}


def shared_sentences(t: Texts) -> dict[str, str]:
    """The sentence of each code that ``atbalsts transition`` and ``atbalsts batch`` both give,
    with one meaning: a file that is not UTF-8 (as ``validate`` and ``evaluate`` say it)."""
    _ = t.gettext
    return {"not_utf8": _("cannot read {path}: it is not UTF-8 text")}


def transition_sentences(t: Texts) -> dict[str, str]:
    """The sentence of each code of an input error of ``atbalsts transition``
    (:func:`atbalsts.workflow.cli_transition`), in the language of ``t``."""
    _ = t.gettext
    return {
        **shared_sentences(t),
        "not_json_document": _("{path} is not a JSON document"),
        "not_json_object": _("{path} is not a JSON object"),
        "not_workflow_document": _("{path} is not a support plan, a referral or a consent"),
        "on_not_a_date": _(
            "--on: not a date (YYYY-MM-DD) or a date and time with its offset "
            "(YYYY-MM-DDTHH:MM:SS+02:00): {text!r}"
        ),
        "param_without_equals": _("--param: expected KEY=VALUE (with '='), got text without one"),
        "param_name_empty": _("--param: the name before '=' is empty"),
        "not_a_consent": _("--consent: {path} is not a consent"),
        "unknown_step": _("--steps: each step is one of {known}"),
        "target_not_a_file": _("-o: {path} is not a regular file: name a file to write"),
        "document_not_a_file": _(
            "{path} is not a regular file, so the document cannot be written back in its place: "
            "name a file to write with -o"
        ),
    }


def batch_sentences(t: Texts) -> dict[str, str]:
    """The sentence of each code of :class:`~atbalsts.batch.BatchFileError`, in the language
    of ``t``."""
    _ = t.gettext
    return {
        **shared_sentences(t),
        "output_is_input": _("the output {output} would overwrite the input {input}"),
        "errors_is_input_or_output": _(
            "the error file {errors} must be neither the input nor the output"
        ),
        "output_not_a_file": _(
            "the output {path} is not a regular file: name a file to write (without -o, the "
            "decisions go to standard output)"
        ),
        "errors_not_a_file": _(
            "the error file {path} is not a regular file: name a file to write (without -o, "
            "the decisions go to standard output)"
        ),
        "resume_without_output": _("--resume continues an output file: give it (-o OUTPUT)"),
        "resume_with_role": _(
            "--resume and --role do not go together: an output written with --role does not "
            "hold what the summary counts; start again"
        ),
        "input_too_short": _(
            "the earlier output reached input line {reached} but the input has {lines} lines: "
            "it is not this input's output"
        ),
        "summary_not_last": _("{path} line {line}: a summary before the last line"),
        "not_a_summary": _("{path} line {line}: not a batch summary"),
        "not_a_rule_table": _("{path} line {line}: not a rule table (--lang en says why)"),
        "line_not_later": _(
            "{path} line {line}: not a batch record of a later input line (its 'line' is "
            "missing or not after the one before)"
        ),
        "rule_table_missing": _(
            "{path} line {line}: its rule table {table!r} is in no earlier line (the output is "
            "not whole): start again"
        ),
        "other_date": _(
            "{path} line {line}: decided as of {decided}, not {as_of} (--as-of): resume with "
            "the options of the earlier run, or start again"
        ),
        "written_with_as_of": _(
            "{path} line {line}: decided as of {decided}, not on its case's latest observation: "
            "the earlier run was given --as-of {decided}; resume with it, or start again"
        ),
        "written_with_self_contained": _(
            "{path} line {line}: written with --self-contained: resume with the options of the "
            "earlier run, or start again"
        ),
        "written_without_self_contained": _(
            "{path} line {line}: written without --self-contained: resume with the options of "
            "the earlier run, or start again"
        ),
        "not_a_whole_record": _("{path} line {line} is not a whole JSON record"),
        "not_a_batch_record": _("{path} line {line} is not a batch record"),
        "blank_line_has_record": _(
            "input line {line} is blank but has a record in the earlier output or error file: "
            "resume with the same input and the error file the earlier run wrote (--errors), or "
            "start again"
        ),
        "line_has_no_record": _(
            "input line {line} is not blank but has no record in the earlier output or error "
            "file: resume with the same input and the error file the earlier run wrote "
            "(--errors), or start again"
        ),
        "other_learner": _(
            "input line {line} is not the case the earlier output decided there (its learner "
            "id differs): resume with the same input, or start again"
        ),
    }
