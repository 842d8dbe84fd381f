"""Streaming decoder of the whole validator set (`GET /eth/v1/beacon/states/head/validators`,
~1.1M entries, ~530 MB of JSON) in bounded memory.

Raw chunks are buffered until about `batch_bytes` have arrived, then cut after the last
complete array element: between two elements of an array of objects the text is
`}` `,` `{` (whitespace allowed), which occurs nowhere else in a validator entry. Each
batch is decoded by msgspec into typed structs holding only the stored fields and turned
into compact row tuples for the bulk writer. A cut in the wrong place (a string holding
`},{`) can only make the batch undecodable, never silently wrong; any batch that does not
decode raises ChainDataInvalid naming the endpoint.
"""

from __future__ import annotations

import gc
import re
from collections.abc import AsyncIterable, AsyncIterator, Iterator
from dataclasses import dataclass

import msgspec

from domain.errors import ChainDataInvalid
from infrastructure.chains.ethereum.schemas import (
    FAR_FUTURE_EPOCH,
    MAX_INT64,
    StreamedEntry,
    StreamedEnvelope,
)
from infrastructure.chains.ethereum.statuses import ACTIVE_STATUSES

# one stored validator, in the column order of `eth_validators`
ValidatorRecord = tuple[int, str, int, str | None, str, bool, int, int, int | None, int | None]
RECORD_FIELDS = (
    "index",
    "pubkey",
    "withdrawal_prefix",
    "withdrawal_address",
    "status",
    "slashed",
    "balance",
    "effective_balance",
    "activation_epoch",
    "exit_epoch",
)

DEFAULT_BATCH_BYTES = 1 << 20  # ~2,200 entries: faster than bigger batches (cache, allocator)
_HEAD_LIMIT = 1 << 20  # the "data" key must appear within the first MiB
_DATA_KEY = re.compile(rb'"data"\s*:\s*\[')
_SEPARATOR = b"},{"
_SEPARATOR_SPACED = re.compile(rb"\}\s*,\s*\{")
_ARRAY_END = re.compile(rb"\}\s*\]")
_OPEN, _CLOSE = ord("["), ord("]")
_ZERO_PADDING = "0" * 22  # the 11 bytes between a 0x01/0x02 prefix and the address
_ADDRESS_PREFIXES = {"01": 1, "02": 2}

_entries = msgspec.json.Decoder(list[StreamedEntry], strict=False)
_envelope = msgspec.json.Decoder(StreamedEnvelope)


def withdrawal_target(credentials: str) -> tuple[int, str | None]:
    """(prefix byte, lower-case execution address or None) of 0x-hex withdrawal credentials.

    0x00 are BLS credentials (no address); 0x01 and 0x02 carry the address in their last
    20 bytes after 11 zero bytes — with nonzero padding they are treated as no address.
    """
    if credentials[:2] != "0x":
        raise ValueError(f"withdrawal credentials without 0x: {credentials[:8]}…")
    kind = credentials[2:4]
    prefix = _ADDRESS_PREFIXES.get(kind)
    if prefix is None:
        return int(kind, 16), None
    if credentials[4:26] != _ZERO_PADDING:
        return prefix, None
    return prefix, "0x" + credentials[26:].lower()


@dataclass
class SetSummary:
    """Totals of one streamed set, a side product of decoding it (for chain metrics)."""

    validators: int = 0
    active_validators: int = 0
    active_balance: int = 0  # sum of the active validators' effective balances (gwei)
    total_balance: int = 0  # sum of all balances (gwei)


class ValidatorSetDecoder:
    """Push parser: `feed()` raw chunks and collect the finished batches, then `finish()`.

    The elements are copied into one preallocated buffer that starts with `[`; a batch is
    decoded in place by writing `]` over the separator after its last element, so no
    batch-sized copy is ever made and the buffer's pages are reused (fresh large
    allocations cost more in page faults than the copies themselves). Memory stays at
    about `batch_bytes` plus the decoded batch.
    """

    def __init__(self, endpoint: str, *, batch_bytes: int = DEFAULT_BATCH_BYTES) -> None:
        self.endpoint = endpoint
        self.summary = SetSummary()
        self._head: bytes | None = None  # the document before the array, once found
        self._head_buffer = bytearray()
        self._buffer = bytearray(max(2, batch_bytes + 1))
        self._buffer[0] = _OPEN
        self._used = 1
        self._scanned = 1  # buffer offset up to which no separator was found
        self._batches = 0

    def feed(self, chunk: bytes | bytearray | memoryview) -> list[list[ValidatorRecord]]:
        data = memoryview(chunk)
        batches: list[list[ValidatorRecord]] = []
        if self._head is None:
            data = self._find_head(data)
        while data:
            buffer, used = self._buffer, self._used
            if used == len(buffer):
                batch = self._cut()
                if batch is None:  # one element longer than the buffer: grow it
                    buffer.extend(bytes(len(buffer)))
                else:
                    batches.append(batch)
                continue
            take = min(len(buffer) - used, len(data))
            buffer[used : used + take] = data[:take]
            self._used = used + take
            data = data[take:]
        return batches

    def finish(self) -> list[list[ValidatorRecord]]:
        """Decode the rest; check the array and the document around it are complete."""
        if self._head is None:
            raise self._invalid("no `data` array in the response")
        buffer, used = self._buffer, self._used
        batches = []
        end = _ARRAY_END.search(buffer, 1, used)
        if bytes(buffer[1:used]).lstrip()[:1] == b"]":  # nothing left in the array
            tail = bytes(buffer[buffer.index(b"]", 1, used) + 1 : used])
        elif end is None:
            raise self._invalid("the response ended inside the `data` array")
        else:
            tail = bytes(buffer[end.end() : used])
            batches.append(self._decode(end.start() + 1))
        try:
            _envelope.decode(self._head + b"[]" + tail)
        except msgspec.DecodeError as exc:
            raise self._invalid("malformed response around the `data` array", exc) from None
        self._used = 1
        return batches

    def _find_head(self, data: memoryview) -> memoryview:
        """Buffer the document's head until `"data": [`; return what follows it."""
        head = self._head_buffer
        head += data
        match = _DATA_KEY.search(head)
        if match is None:
            if len(head) > _HEAD_LIMIT:
                raise self._invalid("no `data` array in the response")
            return memoryview(b"")
        self._head = bytes(head[: match.end() - 1])
        rest = memoryview(bytes(head[match.end() :]))
        self._head_buffer = bytearray()
        return rest

    def _cut(self) -> list[ValidatorRecord] | None:
        """Decode the complete elements in the buffer; move the partial last one to the
        front. None when the buffer holds no complete element."""
        buffer, used = self._buffer, self._used
        start = max(1, self._scanned - 2)
        position = buffer.rfind(_SEPARATOR, start, used)
        if position >= 0:
            end, next_start = position + 1, position + 2
        else:  # pretty-printed JSON
            last = None
            for last in _SEPARATOR_SPACED.finditer(buffer, start, used):  # noqa: B007
                pass
            if last is None:
                self._scanned = used
                return None
            end, next_start = last.start() + 1, last.end() - 1
        batch = self._decode(end)
        rest = used - next_start
        buffer[1 : 1 + rest] = buffer[next_start:used]
        self._used = 1 + rest
        self._scanned = 1
        return batch

    def _decode(self, end: int) -> list[ValidatorRecord]:
        """Decode the elements in buffer[1:end] (`end` is just past an element's `}`)."""
        self._batches += 1
        self._buffer[end] = _CLOSE
        enabled = gc.isenabled()
        gc.disable()  # the batch is acyclic; collections triggered by its allocations are waste
        try:
            with memoryview(self._buffer) as view:
                entries = _entries.decode(view[: end + 1])
            return self._records(entries)
        except (msgspec.DecodeError, ValueError) as exc:  # ValidationError is a DecodeError
            raise self._invalid(f"validator batch {self._batches} does not decode", exc) from None
        finally:
            if enabled:
                gc.enable()

    def _records(self, entries: list[StreamedEntry]) -> list[ValidatorRecord]:
        records: list[ValidatorRecord] = []
        append = records.append
        active = active_balance = total_balance = 0
        for entry in entries:
            validator = entry.validator
            credentials = validator.withdrawal_credentials
            kind = credentials[:4]
            if kind == "0x01" or kind == "0x02":  # the common cases, inlined
                prefix = 1 if kind == "0x01" else 2
                address = (
                    "0x" + credentials[26:].lower() if credentials[4:26] == _ZERO_PADDING else None
                )
            else:
                prefix, address = withdrawal_target(credentials)
            activation: int | None = validator.activation_epoch
            if activation > MAX_INT64:  # type: ignore[operator]
                activation = _epoch(validator.activation_epoch)
            exit_: int | None = validator.exit_epoch
            if exit_ > MAX_INT64:  # type: ignore[operator]
                exit_ = _epoch(validator.exit_epoch)
            status = entry.status
            effective = validator.effective_balance
            balance = entry.balance
            if status in ACTIVE_STATUSES:
                active += 1
                active_balance += effective
            total_balance += balance
            append(
                (
                    entry.index,
                    validator.pubkey,
                    prefix,
                    address,
                    status,
                    validator.slashed,
                    balance,
                    effective,
                    activation,
                    exit_,
                )
            )
        summary = self.summary
        summary.validators += len(records)
        summary.active_validators += active
        summary.active_balance += active_balance
        summary.total_balance += total_balance
        return records

    def _invalid(self, message: str, exc: Exception | None = None) -> ChainDataInvalid:
        details = {"errors": [str(exc)]} if exc is not None else None
        return ChainDataInvalid(
            f"{message} ({self.endpoint})", endpoint=self.endpoint, details=details
        )


def _epoch(value: int) -> int | None:
    if value == FAR_FUTURE_EPOCH:
        return None
    raise msgspec.ValidationError(f"epoch {value} out of range")


async def decode_stream(
    decoder: ValidatorSetDecoder, chunks: AsyncIterable[bytes]
) -> AsyncIterator[list[ValidatorRecord]]:
    """Batches of records from a byte stream (e.g. `httpx.Response.aiter_bytes()`)."""
    async for chunk in chunks:
        for batch in decoder.feed(chunk):
            yield batch
    for batch in decoder.finish():
        yield batch


def decode_all(
    document: bytes, endpoint: str, *, batch_bytes: int = DEFAULT_BATCH_BYTES
) -> Iterator[list[ValidatorRecord]]:
    """Every batch of a complete document held in memory (tests, small sets)."""
    decoder = ValidatorSetDecoder(endpoint, batch_bytes=batch_bytes)
    yield from decoder.feed(document)
    yield from decoder.finish()
