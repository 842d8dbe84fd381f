"""The streaming decoder of the whole validator set: spec-format fixtures, every
withdrawal-credential prefix, far-future epochs, chunk boundaries anywhere, errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from domain.errors import ChainDataInvalid, ChainUnavailable
from infrastructure.chains.ethereum.adapter import VALIDATORS, EthConfig, EthereumAdapter
from infrastructure.chains.ethereum.validator_set import (
    RECORD_FIELDS,
    ValidatorSetDecoder,
    decode_all,
    withdrawal_target,
)
from infrastructure.chains.http import ChainHttp

FAR = "18446744073709551615"
ENDPOINT = "/eth/v1/beacon/states/head/validators"
# example values of the Beacon API spec (types/primitive.yaml, types/api.yaml)
SPEC_PUBKEY = (
    "0x93247f2209abcacf57b75a51dafae777f9dd38bc7053d1af526f220a7489a6d3a"
    "2753e5f3e8b1cfe39b56f43611df74a"
)
SPEC_ROOT = "0xcf8e0d4e9587369b2301d0790347320302cc0943d5a1884560367e8208d920f2"
ADDRESS = "b9d7934878b5fb9610b3fe8a5e441e8fad7e293f"
PADDING = "00" * 11


def entry(
    index: int,
    *,
    credentials: str,
    status: str = "active_ongoing",
    balance: str = "32000123456",
    effective: str = "32000000000",
    slashed: bool = False,
    activation: str = "1",
    exit_: str = FAR,
    pubkey: str = SPEC_PUBKEY,
) -> dict[str, Any]:
    """One element of GetStateValidatorsResponse.data (types/api.yaml#/ValidatorResponse)."""
    return {
        "index": str(index),
        "balance": balance,
        "status": status,
        "validator": {
            "pubkey": pubkey,
            "withdrawal_credentials": credentials,
            "effective_balance": effective,
            "slashed": slashed,
            "activation_eligibility_epoch": "0" if activation != FAR else FAR,
            "activation_epoch": activation,
            "exit_epoch": exit_,
            "withdrawable_epoch": exit_ if exit_ == FAR else str(int(exit_) + 256),
        },
    }


ENTRIES = [
    # the spec's own example: credentials with an unknown prefix (0xcf), no address
    entry(1, credentials=SPEC_ROOT, balance="1", effective="1"),
    entry(2, credentials="0x00" + "ab" * 31),  # BLS
    entry(3, credentials="0x01" + PADDING + ADDRESS.upper()),  # execution address
    entry(4, credentials="0x02" + PADDING + ADDRESS, balance="2048000000000"),  # compounding
    entry(5, credentials="0x01" + "00" * 10 + "01" + ADDRESS),  # nonzero padding: no address
    entry(6, credentials="0x01" + PADDING + ADDRESS, status="pending_queued", activation=FAR),
    entry(
        7,
        credentials="0x02" + PADDING + ADDRESS,
        status="exited_slashed",
        slashed=True,
        exit_="390000",
        balance="31000000000",
        effective="31000000000",
    ),
]
EXPECTED = [
    (1, SPEC_PUBKEY, 0xCF, None, "active_ongoing", False, 1, 1, 1, None),
    (2, SPEC_PUBKEY, 0, None, "active_ongoing", False, 32000123456, 32 * 10**9, 1, None),
    (3, SPEC_PUBKEY, 1, "0x" + ADDRESS, "active_ongoing", False, 32000123456, 32 * 10**9, 1, None),
    (4, SPEC_PUBKEY, 2, "0x" + ADDRESS, "active_ongoing", False, 2048 * 10**9, 32 * 10**9, 1, None),
    (5, SPEC_PUBKEY, 1, None, "active_ongoing", False, 32000123456, 32 * 10**9, 1, None),
    (
        6,
        SPEC_PUBKEY,
        1,
        "0x" + ADDRESS,
        "pending_queued",
        False,
        32000123456,
        32 * 10**9,
        None,
        None,
    ),
    (7, SPEC_PUBKEY, 2, "0x" + ADDRESS, "exited_slashed", True, 31 * 10**9, 31 * 10**9, 1, 390000),
]


def document(entries: list[dict[str, Any]], **json_options: Any) -> bytes:
    body = {"execution_optimistic": False, "finalized": False, "data": entries}
    return json.dumps(body, **json_options).encode()


def decode(content: bytes, chunk: int, batch_bytes: int) -> tuple[list[Any], Any]:
    decoder = ValidatorSetDecoder(ENDPOINT, batch_bytes=batch_bytes)
    batches = []
    for start in range(0, len(content), chunk):
        batches.extend(decoder.feed(content[start : start + chunk]))
    batches.extend(decoder.finish())
    return [row for batch in batches for row in batch], decoder


def test_spec_fixture_decodes_into_rows_in_column_order() -> None:
    rows = [row for batch in decode_all(document(ENTRIES), ENDPOINT) for row in batch]
    assert rows == EXPECTED
    assert RECORD_FIELDS[:4] == ("index", "pubkey", "withdrawal_prefix", "withdrawal_address")
    assert len(RECORD_FIELDS) == len(EXPECTED[0])


def test_summary_counts_active_validators_and_their_effective_balance() -> None:
    _, decoder = decode(document(ENTRIES), chunk=1 << 20, batch_bytes=1 << 20)
    summary = decoder.summary
    assert summary.validators == 7
    assert summary.active_validators == 5  # not the pending nor the exited one
    assert summary.active_balance == 1 + 4 * 32 * 10**9
    assert summary.total_balance == 1 + 4 * 32000123456 + 2048 * 10**9 + 31 * 10**9


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 13, 64, 997])
@pytest.mark.parametrize("batch_bytes", [1, 5, 300, 1 << 20])
def test_chunk_boundaries_anywhere_give_the_same_rows(chunk: int, batch_bytes: int) -> None:
    content = document(ENTRIES * 3)
    rows, decoder = decode(content, chunk, batch_bytes)
    assert rows == EXPECTED * 3
    assert decoder.summary.validators == 21


@pytest.mark.parametrize("options", [{"indent": 2}, {"indent": "\t"}, {"separators": (",", ":")}])
def test_whitespace_and_pretty_printing(options: dict[str, Any]) -> None:
    for chunk in (1, 50, 1 << 20):
        rows, _ = decode(document(ENTRIES, **options), chunk, batch_bytes=200)
        assert rows == EXPECTED


def test_key_order_and_optional_flags() -> None:
    data_first = json.dumps({"data": ENTRIES[:2], "finalized": True}).encode()
    rows, _ = decode(data_first, 7, 100)
    assert rows == EXPECTED[:2]
    only_data = json.dumps({"data": ENTRIES[:1]}).encode()
    assert decode(only_data, 3, 1)[0] == EXPECTED[:1]


def test_an_empty_set() -> None:
    rows, decoder = decode(document([]), 1, 1)
    assert rows == [] and decoder.summary.validators == 0
    assert decode(b'{"data": [ ] , "finalized": false}', 2, 1)[0] == []


def test_withdrawal_credential_prefixes() -> None:
    assert withdrawal_target("0x00" + "ab" * 31) == (0, None)
    assert withdrawal_target("0x01" + PADDING + ADDRESS.upper()) == (1, "0x" + ADDRESS)
    assert withdrawal_target("0x02" + PADDING + ADDRESS) == (2, "0x" + ADDRESS)
    assert withdrawal_target("0x02" + "11" * 11 + ADDRESS) == (2, None)  # padding not zero
    assert withdrawal_target("0x03" + PADDING + ADDRESS) == (3, None)  # a future prefix
    with pytest.raises(ValueError):
        withdrawal_target("ab01" + PADDING + ADDRESS)


def error_of(content: bytes, chunk: int = 1 << 20, batch_bytes: int = 1 << 20) -> ChainDataInvalid:
    with pytest.raises(ChainDataInvalid) as caught:
        decode(content, chunk, batch_bytes)
    error = caught.value
    assert error.endpoint == ENDPOINT and ENDPOINT in str(error)
    assert error.code == "CHAIN_DATA_INVALID"
    return error


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e.update(balance="12abc"),
        lambda e: e.update(balance="-5"),
        lambda e: e.update(index="9223372036854775808"),  # beyond int64
        lambda e: e.update(status="active_dancing"),
        lambda e: e.pop("validator"),
        lambda e: e["validator"].update(pubkey="0x1234"),
        lambda e: e["validator"].update(exit_epoch="18446744073709551614"),  # not FAR, > int64
        lambda e: e["validator"].update(withdrawal_credentials="zz" + "00" * 32),
        lambda e: e["validator"].update(slashed="maybe"),
    ],
)
def test_a_malformed_element_names_the_endpoint(change: Any) -> None:
    entries = json.loads(json.dumps(ENTRIES))
    change(entries[4])
    for chunk, batch_bytes in ((1 << 20, 1 << 20), (5, 100)):
        error = error_of(document(entries), chunk, batch_bytes)
        assert "does not decode" in error.message
        assert error.details["errors"]


@pytest.mark.parametrize(
    "content",
    [
        b'{"execution_optimistic":false,"data":[{"index":"1"',  # cut off mid-element
        document(ENTRIES)[:-2],  # cut off after the last element
        b'{"execution_optimistic":false,"finalized":false}',  # no data
        b'{"data":{"index":"1"}}',  # data is not an array
        document(ENTRIES)[:-1] + b',"finalized":"yes"}',  # a flag of the wrong type
        document(ENTRIES) + b"garbage",
        b"<html>502 Bad Gateway</html>",
    ],
)
def test_a_malformed_document_is_invalid(content: bytes) -> None:
    error_of(content)
    error_of(content, chunk=3, batch_bytes=7)


def test_a_missing_data_key_is_noticed_without_buffering_everything() -> None:
    decoder = ValidatorSetDecoder(ENDPOINT)
    with pytest.raises(ChainDataInvalid):
        for _ in range(100):
            decoder.feed(b'{"padding": "' + b"x" * 65536)


# --- through the adapter: ChainHttp streaming -----------------------------------------------


class ChunkedStream(httpx.AsyncByteStream):
    def __init__(self, content: bytes, size: int, fail_after: int | None = None) -> None:
        self._content, self._size, self._fail_after = content, size, fail_after

    async def __aiter__(self) -> Any:
        for number, start in enumerate(range(0, len(self._content), self._size)):
            if self._fail_after is not None and number >= self._fail_after:
                raise httpx.ReadError("connection reset")
            yield self._content[start : start + self._size]


def adapter_for(stream: httpx.AsyncByteStream) -> EthereumAdapter:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == VALIDATORS
        return httpx.Response(200, stream=stream)

    http = ChainHttp("eth-beacon", ["http://beacon"], transport=httpx.MockTransport(handler))
    return EthereumAdapter(http, index=None, config=EthConfig(batch_bytes=333))  # type: ignore[arg-type]


async def test_stream_validator_set_through_chain_http() -> None:
    adapter = adapter_for(ChunkedStream(document(ENTRIES * 40), 101))
    batches = [batch async for batch in adapter.stream_validator_set()]
    assert len(batches) > 10
    assert [row for batch in batches for row in batch] == EXPECTED * 40
    assert adapter.last_set_summary is not None
    assert adapter.last_set_summary.validators == 280


async def test_a_connection_lost_midway_is_unavailable() -> None:
    adapter = adapter_for(ChunkedStream(document(ENTRIES * 40), 101, fail_after=20))
    seen = 0
    with pytest.raises(ChainUnavailable) as caught:
        async for batch in adapter.stream_validator_set():
            seen += len(batch)
    assert caught.value.endpoint == VALIDATORS
    assert 0 < seen < 280
    assert adapter.last_set_summary is None  # only a complete stream leaves a summary
