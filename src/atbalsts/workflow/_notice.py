"""What the command-line functions of :mod:`atbalsts.workflow` share: the :class:`Notice` each
prints, the exit status of a refusal, and reading the files they are given.

``atbalsts transition`` (:mod:`atbalsts.workflow._cli`) and ``atbalsts audit verify`` and ``audit
show`` (:mod:`atbalsts.workflow._audit_cli`) say what they found as notices, and the command line
words each in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import attrs

from atbalsts.errors import FileError, LifecycleError
from atbalsts.model import AuditEvent
from atbalsts.workflow._audit import ChainVerdict

__all__ = ["EXIT_REFUSED", "Notice", "read_bytes"]

#: Exit status of a refused transition or a chain that does not verify.
EXIT_REFUSED = 1


def _frozen(values: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


@attrs.frozen
class Notice:
    """One thing :func:`cli_transition` or :func:`cli_audit_verify` says, as data.

    ``text`` is the sentence in English, ``code`` what kind of notice it is and ``values`` what
    it is about (file names, the position of an event; never a field's value, but for the
    reason and parameters an ``event`` notice shows when asked to). ``error`` is the
    refusal behind a ``refused`` notice, ``verdict`` the chain's verdict behind the notices
    about a chain, ``event`` the audit event an ``event`` notice shows. The codes:

    ``refused``
        A transition refused: not allowed from the document's status, refused by guards, or a
        day or a parameter that breaks the lifecycle's rules (``error``; its ``code`` and
        ``values``, and those of each of its refusals, say which).
    ``chain_not_verified``
        The chain given with ``--chain`` does not verify, so nothing is done (value ``chain``;
        ``verdict``).
    ``changed_outside_chain``
        The document is not the version the chain's last event about it left (values
        ``document``, the file, ``event`` and ``chain``).
    ``finished``
        An interrupted transition finished: the file is now the version its event left
        (values ``document`` and ``event``).
    ``chain_waiting``
        Another process holds the chain's lock (writing it): the command waits for it, said
        before the wait (value ``chain``). ``transition --chain``, ``audit verify`` and ``audit
        show`` say it.
    ``chain_verifies`` and ``chain_bad``
        What ``audit verify`` found (value ``chain``; ``verdict``).
    ``chain_empty``
        ``audit verify`` found a chain without events, and no ``head`` to hold it to: nothing
        was verified (value ``chain``; ``verdict``).
    ``event``
        One event of ``audit show`` (``event``): its position ``seq``, the day ``on`` (or the
        date and time ``at``), the ``actor``, ``role`` and ``action``, the ``document`` kind and
        ``document_id``, ``from_status`` and ``to_status``, the guards it overrode
        (``overrides``, comma and space between them, or empty) and ``reasons`` (``true`` when
        its reason and parameters are shown). Only then, and only because the caller asked for
        them, ``values`` also hold the event's ``reason`` and ``params``, which are sensitive:
        the one notice whose values may hold a field's value. Every value is printable, on one
        line (a character that is not printable written as its escape): a chain is a file anyone
        may have edited.
    ``no_events``
        ``audit show`` found no event to show (values ``chain`` and ``document``, the document
        asked for, or empty).
    ``moved``
        A transition done: the file written (``document``), the ``action``, the status before
        and after (``from_status``, ``to_status``), and the position of its event in the chain
        (``event``; empty without a chain).
    ``approved``
        After a plan's ``approve``, the step approved (``step``) and the step of the chain that
        waits next (``next``; empty when none waits, and the plan can be activated).
    ``withdrawal_scheduled``
        After a consent's ``withdraw`` from a later day, which leaves it ``active`` with its
        ``withdrawn_on`` set: that day (value ``day``), until which it covers sharing.
    ``beyond_plan``
        After a plan's ``deliver`` whose event records ``beyond_plan``: the measure's position
        (``measure``) and code (``code``), and what went beyond the plan (``beyond``:
        ``sessions``, ``hours`` or both, comma-separated; ``what``, the same in English words).
    ``special_categories``
        After a referral's ``send`` whose event records ``special_categories`` (health data,
        GDPR Art. 9): ``categories`` (``health``) and the ``lawful_basis`` the event records
        (``basis``; absent when it records none). The sender is asked to share only what the
        recipient needs.
    ``hint``
        After a refusal, the option of the command that would answer it (value ``hint``):
        ``reason`` (a reason missing), ``override_reason`` (an override without one),
        ``consent`` (the consent the referral names was not given; value ``consent``, its id)
        or ``state_vocational_school`` (the municipal coordinator's approval asked of a plan by
        the national chain).
    """

    code: str
    text: str
    values: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen, hash=False)
    error: LifecycleError | None = attrs.field(default=None, eq=False)
    verdict: ChainVerdict | None = None
    event: AuditEvent | None = attrs.field(default=None, eq=False)

    def __str__(self) -> str:
        return self.text


def read_bytes(path: Path) -> bytes:
    """The bytes of the file at ``path``; a :class:`~atbalsts.errors.FileError` when it
    cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise FileError(str(path), "read", exc) from None
