"""Batch evaluation over HTTP: NDJSON in, NDJSON out, streamed both ways.

The body is taken as JSON Lines only when it is sent as such (:data:`LINES_TYPES`, with no
charset or UTF-8): another type, or none, gets 415 before a line is read, as a JSON body sent as
another type does at `/v1/evaluate`.

The lines go through :func:`atbalsts.batch.evaluate_lines`, the function behind `atbalsts
batch`, so the records are the same: one output line per non-blank input line, in input order
(a Decision, an `invalid` record or an `error` record). It runs in a thread of its own; the
request body is read as it arrives and the decisions are sent as they are made.

Each Decision passes through the app's view hook before it is sent (by default the key's role's
view: :func:`atbalsts.server.role_view`), with the case of its line, its evaluation date and
what the rules of its municipality's policy declare they read (which a role's view needs to tell
what the rules behind a measure's reasons and a plan's issues read). Another hook gets the
Decision with its trace, in case it needs it; the trace is sent only when asked for.

Three records come from the service, not from `evaluate_lines`, each in the place of its line:
`Forbidden` (the learner is outside the key's scope), `LineTooLong` (a line over
`max_body_bytes`; the line is skipped unread) and `BatchTooLong` (more lines or bytes than
the limits, seen after decisions were already sent: this line and those after it are not read).
A line that is not UTF-8 gets an `invalid` record (kind `not_utf8`).

A body that is not JSON Lines (a pretty-printed case, a JSON array of cases) is refused as
`atbalsts batch` refuses it, with the check and the spool both share (:mod:`atbalsts._jsonlines`):
when its first line that is not blank opens a JSON document the line does not close, or a JSON
array, the answer waits (the records of the lines are held back, once large in a temporary
file) until a line is a case, and is then sent as for any batch; when the body ends and no line
was a case, the answer is one 422 problem (kind ``not_json_lines``) and not one record is sent
(413 when it went over a limit first, as for a batch found too long before its answer starts).
Any other body is streamed from its first record, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Annotated, TextIO, cast

import attrs
from fastapi import APIRouter, Depends, Query, Request
from starlette.requests import ClientDisconnect
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from atbalsts._jsonlines import CODE, HELD_IN_MEMORY, Shape, Spool, opens
from atbalsts.batch import blank_line, evaluate_lines
from atbalsts.engine import PolicyRegistry
from atbalsts.model import Decision, SupportCase
from atbalsts.privacy import Reads
from atbalsts.server._access import (
    DecisionView,
    Principal,
    ViewContext,
    authenticated,
    check_role,
    forbidden_message,
    role_view,
    unredacted,
)
from atbalsts.server._keys import ScopeKind
from atbalsts.server._limits import Limits
from atbalsts.server._logs import request_state
from atbalsts.server._models import FieldProblem, IsoDate, MunicipalitySlug
from atbalsts.server._problems import ApiError
from atbalsts.server._routes._common import (
    LINES_TYPES,
    NDJSON,
    content_length,
    limits_of,
    lines_content,
    registry_of,
    responses,
    view_of,
)
from atbalsts.server._views import shown_json

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["decisions"])

_BOM = "\ufeff"


@attrs.frozen
class _Record:
    """A line answered by the service itself (already a JSON line)."""

    text: str


@attrs.frozen
class _Line:
    """An input line with its number (1-based; blank lines count)."""

    number: int
    text: str


@attrs.frozen
class _TooLong:
    """The batch is over a limit from this line on."""

    text: str


_READS_MAX = 256  # the rules' reads kept per run, by municipality and date
_UNSENT_MAX = 1 << 20  # characters a batch may have waiting to be sent before it waits
_CHUNK_MAX = 1 << 18  # characters joined into one chunk of the response at most
_END = object()  # the input ended
_STOP = object()  # stop now: the client is gone or the response was abandoned


class _Stopped(Exception):
    """Raised into `evaluate_lines` (through its input) to end it early."""


def _json_line(record: dict[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


def _record(line: int, kind: str, error: str) -> str:
    return _json_line({"error": error, "line": line, "type": kind})


def _invalid(line: int, message: str, kind: str) -> str:
    rows = [{"kind": kind, "message": message, "path": "(document)", "values": {}}]
    return _json_line({"invalid": rows, "line": line})


Item = _Line | _Record | _TooLong


class _LineReader:
    """Splits the request body into lines as it arrives, each line one item, within the limits.

    A line over `max_body_bytes` is never held whole. Blank lines are items too, so that line
    numbers stay those of the input.
    """

    def __init__(self, request: Request, limits: Limits) -> None:
        self._chunks = request.stream().__aiter__()
        self._limits = limits
        self._buffer = bytearray()
        self._oversize = False
        self.number = 0  # lines seen
        self.counted = 0  # non-blank lines seen
        self.size = 0  # bytes seen
        self.done = False
        #: The number of the first line that is not blank, and what it opens when it is not a
        #: JSON Lines record (:func:`atbalsts._jsonlines.opens`; None for a line too long or
        #: not UTF-8, which is no JSON document either).
        self.first: int | None = None
        self.opens: Shape | None = None

    async def next_items(self) -> list[Item]:
        """The items of the next chunk of the body (none at its end: then `done` is set)."""
        try:
            chunk = await self._chunks.__anext__()
        except StopAsyncIteration:
            chunk = None
        if chunk is None:
            self.done = True
            if self._buffer or self._oversize:
                return [self._line(bytes(self._buffer))]
            return []
        self.size += len(chunk)
        limit = self._limits.max_batch_bytes
        if self.size > limit:
            self.done = True
            number = self.number + 1
            message = (
                f"the batch is over the limit of {limit} bytes; line {number} and later ones "
                "were not read"
            )
            return [_TooLong(_record(number, "BatchTooLong", message))]
        items: list[Item] = []
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            self._take(chunk[start:end])
            items.append(self._line(bytes(self._buffer)))
            self._buffer.clear()
            self._oversize = False
            start = end + 1
            if self.done:
                return items
        self._take(chunk[start:])
        return items

    def _take(self, part: bytes) -> None:
        if self._oversize:
            return
        self._buffer += part
        if len(self._buffer) > self._limits.max_body_bytes:
            self._oversize = True
            self._buffer.clear()

    def _line(self, raw: bytes) -> Item:
        self.number += 1
        number = self.number
        if self._oversize:
            self.counted += 1
            self.first = self.first or number
            limit = self._limits.max_body_bytes
            return _Record(_record(number, "LineTooLong", f"the line is over {limit} bytes"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.counted += 1
            self.first = self.first or number
            return _Record(_invalid(number, "the line is not UTF-8 text", "not_utf8"))
        if number == 1:
            text = text.removeprefix(_BOM)
        if blank_line(text):  # as the command's batch: only JSON white space is blank
            return _Line(number, "")
        self.counted += 1
        if self.first is None:
            self.first, self.opens = number, opens(text)
        if self.counted > self._limits.max_batch_lines:
            self.done = True
            message = (
                f"the batch has more than {self._limits.max_batch_lines} lines that are not "
                f"blank; line {number} and later ones were not read"
            )
            return _TooLong(_record(number, "BatchTooLong", message))
        return _Line(number, text)


class _Outbox(io.TextIOBase):
    """The file `evaluate_lines` writes to: each line goes to the event loop's queue. While
    more than :data:`_UNSENT_MAX` characters wait to be sent (a client that does not read),
    the batch waits, unless it is ``stopped``."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        lines: asyncio.Queue[str | None],
        stopped: threading.Event,
    ) -> None:
        self._loop = loop
        self._lines = lines
        self._stopped = stopped
        self._room = threading.Condition()
        self._unsent = 0

    def write(self, text: str) -> int:
        with self._room:
            while self._unsent > _UNSENT_MAX and not self._stopped.is_set():
                self._room.wait(0.25)
            self._unsent += len(text)
        self._loop.call_soon_threadsafe(self._lines.put_nowait, text)
        return len(text)

    def sent(self, size: int) -> None:
        """``size`` characters were handed to the response: room for as many more."""
        with self._room:
            self._unsent -= size
            self._room.notify_all()

    def close_stream(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._loop.call_soon_threadsafe(self._lines.put_nowait, None)


def _settle(outcome: asyncio.Future[bool], case_found: bool) -> None:
    if not outcome.done():  # the request may be gone already
        outcome.set_result(case_found)


class _HeldOutbox(_Outbox):
    """The output of a body whose first line opens a JSON document or array (``spool`` in doubt):
    its records are held back while they are those of invalid lines, by the rule ``atbalsts
    batch`` holds them by (:class:`atbalsts._jsonlines.Spool`). The first record of a line that
    may be a case (a decision, an ``error`` record, a line refused for the key's scope or too
    long) settles ``outcome`` (True), and the held records go out before it, in order. When the
    run ends with none, ``outcome`` is False, nothing was sent, and ``refusal`` is the message
    and values of the error that refuses the body; ``too_long`` is then the message of the
    ``BatchTooLong`` record that ended it, if one did."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        lines: asyncio.Queue[str | None],
        stopped: threading.Event,
        outcome: asyncio.Future[bool],
        spool: Spool,
    ) -> None:
        super().__init__(loop, lines, stopped)
        self._outcome = outcome
        self._spool = spool
        self.too_long: str | None = None
        self.refusal: tuple[str, dict[str, str]] | None = None

    def write(self, text: str) -> int:
        spool = self._spool
        if spool.in_doubt:  # read the record only while in doubt
            record = json.loads(text)
            if "invalid" in record and spool.bad_line(text):
                return len(text)
            if record.get("type") == "BatchTooLong":  # the last record of the run
                self.too_long = str(record["error"])
                return len(text)
            # the answer starts before the held records go out: they may be more than may wait
            self._loop.call_soon_threadsafe(_settle, self._outcome, True)
            for held in spool.case():
                super().write(held)
        return super().write(text)

    def close_stream(self) -> None:
        self.refusal = self._spool.ended("the batch")  # when no line was a case
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            self._loop.call_soon_threadsafe(_settle, self._outcome, False)
        super().close_stream()


def _in_scope(principal: Principal, line: str) -> bool:
    """Whether the learner of the JSON `line` is plainly in the key's scope, read as quickly as
    possible; a line whose enrolment cannot be read here is left to `evaluate_lines`, and the
    scope is checked again on the validated case (:meth:`_Run.show`)."""
    try:
        enrolment = json.loads(line.removeprefix(_BOM))["learner"]["enrolment"]
        school, municipality = enrolment["school_id"], enrolment["municipality"]
    except (ValueError, LookupError, TypeError, RecursionError):
        return True
    return principal.scope.covers_raw(school, municipality)


@attrs.define
class _Run:
    """One batch: its input items, its output and its counts."""

    principal: Principal
    view: DecisionView
    drop_trace: bool = False  # the trace was made for the view hook only: not sent
    registry: PolicyRegistry | None = None  # set when the run starts
    municipality: str | None = None
    # by municipality and date, at most _READS_MAX
    reads: dict[tuple[str, date], Reads] = attrs.field(factory=dict)
    inbox: queue.SimpleQueue[object] = attrs.field(factory=queue.SimpleQueue)
    counts: dict[str, int] = attrs.field(factory=dict)
    error: BaseException | None = None
    current: int = 0  # the number of the line `evaluate_lines` is deciding
    out: _Outbox | None = None  # where `evaluate_lines` writes, set when the run starts
    stopped: threading.Event = attrs.field(factory=threading.Event)

    def stop(self) -> None:
        """Stop before the next line (the client is gone, or the response was abandoned), even
        when every line is already in the inbox."""
        self.stopped.set()
        self.inbox.put(_STOP)

    def _refuse(self) -> None:
        self.counts["refused"] = self.counts.get("refused", 0) + 1

    def lines(self, out: _Outbox) -> Iterator[str]:
        """The input of `evaluate_lines`: every line, with the service's own records written
        in their place (as a blank line, so that numbering goes on)."""
        scoped = self.principal.scope.kind is not ScopeKind.NATIONAL
        while True:
            if self.stopped.is_set():
                raise _Stopped
            item = self.inbox.get()
            if item is _END:
                return
            if item is _STOP:
                raise _Stopped
            if isinstance(item, _TooLong):
                out.write(item.text)
                self._refuse()
                return
            if isinstance(item, _Record):
                out.write(item.text)
                self._refuse()
                yield ""
                continue
            line = cast(_Line, item)
            if scoped and line.text and not _in_scope(self.principal, line.text):
                out.write(_record(line.number, "Forbidden", forbidden_message(self.principal)))
                self._refuse()
                yield ""
                continue
            self.current = line.number
            yield line.text

    def show(self, decision: Decision, case: SupportCase) -> str | None:
        """A Decision of `evaluate_lines` as the view hook shows it, given the case it decides
        (and without the trace unless it was asked for); a `Forbidden` record instead when the
        validated case is outside the key's scope. That is the check that holds: the one on
        the raw line (:func:`_in_scope`) only spares deciding what is plainly outside it."""
        if not self.principal.scope.covers(case.learner.enrolment):
            self._refuse()  # in the line's place, and not counted as decided
            cast(_Outbox, self.out).write(
                _record(self.current, "Forbidden", forbidden_message(self.principal))
            )
            return None
        if self.view is unredacted:  # what evaluate_lines writes, byte for byte
            return decision.model_dump_json()
        reads = self._reads(case, decision.as_of)
        context = ViewContext(self.principal, case, decision.as_of, reads=reads)
        return shown_json(self.view, decision, context, trace=not self.drop_trace)

    def _reads(self, case: SupportCase, on: date) -> Reads:
        """What the rules in force on ``on`` of the policy set that decided ``case`` declare
        they read, and which measures each may decide (a rule not in force that day decided
        nothing: it never hides a verdict)."""
        municipality = self.municipality or case.learner.enrolment.municipality
        found = self.reads.get((municipality, on))
        if found is None:
            if len(self.reads) >= _READS_MAX:
                self.reads.clear()
            policy_set = cast(PolicyRegistry, self.registry).policy_set(municipality)
            rules = policy_set.rules_in_force(on)
            found = self.reads[municipality, on] = Reads.declared(rule for rule, _ in rules)
        return found

    def evaluate(
        self,
        out: _Outbox,
        registry: PolicyRegistry,
        as_of: date | None,
        municipality: str | None,
        trace: bool,
    ) -> None:
        """Run `evaluate_lines` over :meth:`lines` (in the batch's thread)."""
        self.registry, self.municipality, self.out = registry, municipality, out
        scoped = self.principal.scope.kind is not ScopeKind.NATIONAL
        try:
            stats = evaluate_lines(
                self.lines(out),
                cast(TextIO, out),
                as_of=as_of,
                registry=registry,
                trace=trace,
                municipality=municipality,
                show=self.show if scoped or self.view is not unredacted else None,
                # an invalid line's fields are named whole, as /v1/evaluate names them: the
                # answer goes back to the sender of the line, who holds what it sent (a file
                # made for a role's reader, `atbalsts batch --role`, is masked instead)
            )
            self.counts.update(attrs.asdict(stats))
        except _Stopped:
            pass
        except BaseException as exc:  # reported by the response, which is still open
            self.error = exc
        finally:
            out.close_stream()


class _DuplexStream(StreamingResponse):
    """A streaming response that leaves the request's body to the endpoint: Starlette's own
    (for servers of ASGI spec below 2.4, uvicorn's included) reads the request channel to notice
    a disconnect, which would take the body chunks the batch is still reading."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.stream_response(send)
        finally:
            closing = getattr(self.body_iterator, "aclose", None)
            if closing is not None:
                await closing()


async def _feed(reader: _LineReader, run: _Run, request: Request) -> None:
    """Read the rest of the body into the run; then watch for the client going away, and stop
    the run when it does (a run whose lines are all read goes on deciding them otherwise)."""
    try:
        while not reader.done:
            for item in await reader.next_items():
                run.inbox.put(item)
    except ClientDisconnect:
        run.stop()
        return
    run.inbox.put(_END)
    while (await request.receive())["type"] != "http.disconnect":
        pass
    run.stop()  # harmless when the run is over


@attrs.frozen
class _Flow:
    """A batch under way: the lines its thread writes, where it writes them, and the task that
    feeds it the rest of the body."""

    lines: asyncio.Queue[str | None]
    out: _Outbox
    feeder: asyncio.Task[None]


def _start(
    request: Request,
    reader: _LineReader,
    run: _Run,
    as_of: date | None,
    municipality: str | None,
    trace: bool,
    outcome: asyncio.Future[bool] | None = None,
) -> _Flow:
    """Start the batch's thread and the task that feeds it; with ``outcome``, its records are
    held back until a line is a case (:class:`_HeldOutbox`)."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    if outcome is None:
        out = _Outbox(loop, lines, run.stopped)
    else:  # held in memory up to what may wait to be sent at most
        spool = Spool(reader.first, reader.opens, memory=min(_UNSENT_MAX, HELD_IN_MEMORY))
        out = _HeldOutbox(loop, lines, run.stopped, outcome, spool)
    worker = threading.Thread(
        target=run.evaluate,
        args=(out, registry_of(request), as_of, municipality, trace),
        name="atbalsts-batch",
        daemon=True,
    )
    worker.start()
    return _Flow(lines, out, asyncio.create_task(_feed(reader, run, request)))


async def _finish(flow: _Flow, request: Request, reader: _LineReader, run: _Run) -> None:
    """Stop the run (harmless when it is over) and the task that feeds it; log its counts."""
    run.stop()
    flow.feeder.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await flow.feeder
    state = request_state(request.scope)
    state["log"] = {"lines": reader.number, **run.counts}


async def _decisions(
    request: Request,
    reader: _LineReader,
    run: _Run,
    as_of: date | None,
    municipality: str | None,
    trace: bool,
    flow: _Flow | None = None,
) -> AsyncIterator[bytes]:
    """The response: the lines of the run as they come (the run started here unless ``flow``
    is one already under way)."""
    if flow is None:
        flow = _start(request, reader, run, as_of, municipality, trace)
    lines, out = flow.lines, flow.out
    try:
        ended = False
        while not ended:
            parts = [await lines.get()]
            size = len(parts[0] or "")
            while not lines.empty() and size < _CHUNK_MAX:  # what is ready goes in one chunk
                parts.append(lines.get_nowait())
                size += len(parts[-1] or "")
            if None in parts:
                ended = True
                parts = parts[: parts.index(None)]
            if parts:
                chunk = "".join(cast(list[str], parts))
                out.sent(len(chunk))
                yield chunk.encode("utf-8")
        if run.error is not None:
            raise run.error
    finally:
        await _finish(flow, request, reader, run)


async def _once_a_case(
    request: Request,
    reader: _LineReader,
    run: _Run,
    as_of: date | None,
    municipality: str | None,
    trace: bool,
) -> _Flow:
    """The run of a body whose first line opens a JSON document or array, started and under way
    once a line is a case. Else nothing is sent: 422 naming the body as not JSON Lines, as
    ``atbalsts batch`` refuses it, when it ended with no line a case; 413 when it went over a
    limit first, as a batch found too long before its answer starts does."""
    outcome: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
    flow = _start(request, reader, run, as_of, municipality, trace, outcome)
    try:
        case_found = await outcome
    except BaseException:
        await _finish(flow, request, reader, run)
        raise
    if case_found:
        return flow
    gone = run.stopped.is_set()  # the client went away before the answer (before _finish)
    await _finish(flow, request, reader, run)
    if run.error is not None:
        raise run.error
    if gone:
        raise ApiError(400, "the client closed the connection before the body ended")
    held = cast(_HeldOutbox, flow.out)
    if held.too_long is not None:  # over a limit before the answer started: as in the prefetch
        raise ApiError(413, held.too_long)
    message, values = cast(tuple[str, dict[str, str]], held.refusal)
    row = FieldProblem(
        path="(document)",
        message="not JSON Lines: one support case per line",
        kind=CODE,
        values=values,
    )
    raise ApiError(422, message, errors=[row])


_AS_OF = Query(
    description="The evaluation date of every case (default: each case's latest observation's)."
)
_MUNICIPALITY = Query(
    description="Decide every case under this municipality's policy (default: each learner's)."
)
_TRACE = Query(
    description="Include the full trace in each Decision (about 20 KB per learner): `true` or "
    "`false`, nothing else."
)


_TYPES = " or ".join(f"`{media_type}`" for media_type in LINES_TYPES)
_LINE_TYPES_415 = (
    f"The batch is not sent as JSON Lines: its `Content-Type` is not {_TYPES} (with no charset, "
    "or utf-8)."
)
_NOT_JSON_LINES_422 = (
    "A query parameter is invalid, or the body is not JSON Lines: a pretty-printed case or a "
    "JSON array, of which no line is a case (one error, kind `not_json_lines`). Every failing "
    "field is named."
)


@router.post(
    "/batch",
    summary="Decide many cases: NDJSON in, NDJSON out",
    response_class=_DuplexStream,
    responses=responses(
        "BatchLine",
        401,
        403,
        413,
        415,
        422,
        media_type=NDJSON,
        described={415: _LINE_TYPES_415, 422: _NOT_JSON_LINES_422},
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": f"One support case per line (JSON Lines, UTF-8), sent as {_TYPES} "
            "(another type, or none, gets 415); blank lines are skipped, an empty body is an "
            "empty batch. The schema is that of each line.",
            "content": {
                media_type: {"schema": {"$ref": "#/components/schemas/SupportCase"}}
                for media_type in LINES_TYPES
            },
        }
    },
)
async def batch(
    request: Request,
    principal: Annotated[Principal, Depends(authenticated)],
    as_of: Annotated[IsoDate | None, _AS_OF] = None,
    municipality: Annotated[MunicipalitySlug | None, _MUNICIPALITY] = None,
    trace: Annotated[bool, _TRACE] = False,
) -> _DuplexStream:
    """One output line per non-blank input line, in input order, as `atbalsts batch` writes
    them: the Decision (without its trace unless `trace`) as the key's role may see it, the same
    view as `/v1/evaluate` gives, an `invalid` record naming every failing field by its path (as
    `/v1/evaluate` names them, whatever the key's role: the answer goes back to the system that
    sent the line), or an `error` record. Each case is decided on `as_of` (default: its latest
    observation's date; a case without one gets a `NoEvaluationDate` error record) under the
    policy of `municipality` (default: its learner's). Lines of learners outside the key's
    scope get a `Forbidden` record. Decisions are sent as they are made, while the body is
    still arriving.

    The body is sent as `Content-Type: application/x-ndjson` or `application/jsonl` (no charset,
    or `utf-8`); another type, or none, gets 415, as a JSON body sent as another type does.

    A body that is not JSON Lines is refused as `atbalsts batch` refuses it: when its first line
    that is not blank opens a JSON document it does not close (a pretty-printed case) or a JSON
    array, and no line is a case, the answer is one 422 problem whose error has the kind
    `not_json_lines` (values `line`, that first line, and `shape`, `document` or `array`) and
    says how to convert it (`jq -c`); not one record is sent. Such a body is answered only once
    a line is a case, and then as any batch: a broken first line among cases is a bad line like
    any other.

    Over the limits: a body whose declared length is too large gets 413 at once, and so does a
    batch found too long within its first `batch_prefetch_bytes`, or before any of its lines is
    a case when its answer waits for one; found too long later, the stream ends with a
    `BatchTooLong` record."""
    lines_content(request)
    limits, view = limits_of(request), view_of(request)
    check_role(principal, view)
    content_length(request, limits.max_batch_bytes)
    reader = _LineReader(request, limits)
    # The role's view learns what the rules read from the policy; another hook gets the trace,
    # made for it even when it is not sent.
    drop_trace = not trace and view not in (unredacted, role_view)
    run = _Run(principal, view, drop_trace=drop_trace)
    try:
        # read on past the first lines until one is not blank: what it opens says whether the
        # body may not be JSON Lines at all
        while not reader.done and (
            reader.size < limits.batch_prefetch_bytes or reader.first is None
        ):
            for item in await reader.next_items():
                if isinstance(item, _TooLong):
                    raise ApiError(413, json.loads(item.text)["error"])
                run.inbox.put(item)
    except ClientDisconnect:
        raise ApiError(400, "the client closed the connection before the body ended") from None
    trace = trace or drop_trace
    flow = None
    if reader.opens is not None:  # a pretty-printed case, an array: answered once it is known
        flow = await _once_a_case(request, reader, run, as_of, municipality, trace)
    chunks = _decisions(request, reader, run, as_of, municipality, trace, flow)
    return _DuplexStream(chunks, media_type=NDJSON)
