"""Demo Solana RPC node: answers JSON-RPC 2.0 POSTs (single or batched) in the real
wire formats for every method the Solana adapter uses. The validators come from
`solana_world`, the stake accounts and StakeHistory from `solana_stakes`, the
validator-info (Config program) accounts from `solana_info`; getProgramAccounts
applies `dataSize`/`memcmp` filters to the account bytes, as a node does, and serves
Config accounts as base64 or jsonParsed (unparsable ones fall back to base64).
Unknown methods and bad params get the JSON-RPC error objects.
"""

from __future__ import annotations

import base64
import binascii
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import orjson

from infrastructure.chains.demo import solana_world as w
from infrastructure.chains.demo.solana_info import config_accounts
from infrastructure.chains.demo.solana_info import parse as parse_config
from infrastructure.chains.demo.solana_rewards import SolanaRewards
from infrastructure.chains.demo.solana_stakes import StakeAccounts
from infrastructure.chains.solana.activation import STAKE_HISTORY_SYSVAR
from infrastructure.chains.solana.mapping import CONFIG_PROGRAM_ID
from infrastructure.chains.solana.stake_account import STAKE_PROGRAM_ID, U64_MAX

API_VERSION = "2.3.7"
HISTORY_RENT = 114_979_200  # rent-exempt minimum of the 16,392-byte StakeHistory sysvar
SYSVAR_OWNER = "Sysvar1111111111111111111111111111111111111"
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
Config = dict[str, Any] | None


class Fault(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _ALPHABET:
            raise Fault(-32602, "Invalid params: invalid base58 in a memcmp filter")
        number = number * 58 + _ALPHABET.index(char)
    zeros = len(text) - len(text.lstrip("1"))  # each leading "1" is a zero byte
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8)


class SolanaDemo:
    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._all_votes: tuple[w.Clock, Any] | None = None  # the last unfiltered answer
        self._world = w.World(seed)
        self._stakes = StakeAccounts(self._world)
        self._config = config_accounts(self._world)
        self._methods: dict[str, Callable[..., Any]] = {
            "getVoteAccounts": self._vote_accounts,
            "getClusterNodes": self._cluster_nodes,
            "getBlockProduction": self._block_production,
            "getEpochInfo": self._epoch_info,
            "getInflationRate": self._inflation_rate,
            "getSupply": self._supply,
            "getAccountInfo": self._account_info,
            "getProgramAccounts": self._program_accounts,
            "getInflationReward": self._inflation_reward,
        }
        self.rewards = SolanaRewards(self._world, self._stakes)

    async def __call__(self, request: httpx.Request, now: datetime) -> httpx.Response:
        if request.method != "POST":
            if request.url.path == "/health":
                return httpx.Response(200, text="ok")
            return httpx.Response(405, text="Used HTTP Method is not allowed. POST is required")
        clock = w.Clock.at(now)
        try:
            body = orjson.loads(request.content)
        except orjson.JSONDecodeError:
            answer: Any = _error(None, -32700, "Parse error")
        else:
            batch = isinstance(body, list)
            answers = [self._answer(one, clock) for one in (body if batch else [body])]
            answer = answers if batch else answers[0]
        headers = {"content-type": "application/json"}
        return httpx.Response(200, content=orjson.dumps(answer), headers=headers)

    def _answer(self, body: Any, clock: w.Clock) -> dict[str, Any]:
        if not isinstance(body, dict) or body.get("jsonrpc") != "2.0":
            return _error(None, -32600, "Invalid request")
        handler = self._methods.get(str(body.get("method")))
        if handler is None:
            return _error(body.get("id"), -32601, "Method not found")
        params = body.get("params", [])
        try:
            if not isinstance(params, list):
                raise Fault(-32602, "Invalid params: expected an array")
            try:
                bound = inspect.signature(handler).bind(clock, *params)
            except TypeError:
                raise Fault(-32602, f"Invalid params: {len(params)} given") from None
            if not isinstance(bound.arguments.get("config"), dict | None):
                raise Fault(-32602, "Invalid params: the configuration must be an object")
            result = handler(clock, *params)  # a bug in here raises, visibly
        except Fault as exc:
            return _error(body.get("id"), exc.code, str(exc))
        return {"jsonrpc": "2.0", "result": result, "id": body.get("id")}

    # --- validators ------------------------------------------------------------------

    def _vote_accounts(self, clock: w.Clock, config: Config = None) -> Any:
        only = (config or {}).get("votePubkey")
        if not only and self._all_votes is not None and self._all_votes[0] == clock:
            return self._all_votes[1]  # asked again at the same slot (observations, metrics)
        result: dict[str, list[Any]] = {"current": [], "delinquent": []}
        for s in self._world.state(clock):
            if only and s.row.profile.vote != only:
                continue
            result["delinquent" if s.row.delinquent else "current"].append(
                {
                    "votePubkey": s.row.profile.vote,
                    "nodePubkey": s.row.profile.node,
                    "activatedStake": s.row.stake,
                    "epochVoteAccount": s.row.stake > 0,
                    "commission": s.row.commission,
                    "lastVote": s.last_vote,
                    "epochCredits": [list(entry) for entry in s.credits],
                    "rootSlot": max(0, s.last_vote - 32),
                }
            )
        if not only:
            self._all_votes = (clock, result)  # serialised at once, never changed
        return result

    def _cluster_nodes(self, clock: w.Clock) -> Any:
        validators = [
            _node(s.row.profile.node, s.row.profile.index, s.row.version)
            for s in self._world.state(clock)
            if not (
                s.row.profile.dead_since is not None and clock.epoch >= s.row.profile.dead_since
            )
        ]  # a dead validator has left gossip
        rpc = [_node(w.pubkey(self._seed, "rpc", i), 5_000 + i, API_VERSION) for i in range(60)]
        return validators + rpc

    def _block_production(self, clock: w.Clock, config: Config = None) -> Any:
        only = (config or {}).get("identity")
        states = self._world.state(clock)
        total = sum(s.row.stake for s in states) or 1
        by_identity: dict[str, list[int]] = {}
        for s in states:
            # leader slots come in groups of four, in proportion to stake
            bias = w.unit(self._seed, "leader", s.row.profile.index, clock.epoch)
            leader = 4 * int(clock.slot_index * s.row.stake / total / 4 + bias)
            if leader == 0 or (only and s.row.profile.node != only):
                continue
            produced = (
                0
                if self._world.down(s.row.profile, clock.epoch)
                else leader - round(leader * s.row.skip)
            )
            by_identity[s.row.profile.node] = [leader, produced]
        first = clock.epoch * w.SLOTS_PER_EPOCH
        value = {"byIdentity": by_identity, "range": {"firstSlot": first, "lastSlot": clock.slot}}
        return _with_context(clock, value)

    # --- network -----------------------------------------------------------------------

    def _epoch_info(self, clock: w.Clock, config: Config = None) -> Any:
        return {
            "absoluteSlot": clock.slot,
            "blockHeight": int(clock.slot * 0.955),  # skipped slots have no block
            "epoch": clock.epoch,
            "slotIndex": clock.slot_index,
            "slotsInEpoch": w.SLOTS_PER_EPOCH,
            "transactionCount": clock.slot * 1_100,
        }

    def _inflation_rate(self, clock: w.Clock) -> Any:
        total = w.inflation(clock.epoch)
        return {"total": total, "validator": total, "foundation": 0.0, "epoch": clock.epoch}

    def _supply(self, clock: w.Clock, config: Config = None) -> Any:
        total = w.supply(clock.epoch)
        circulating = int(total * 0.87)
        exclude = (config or {}).get("excludeNonCirculatingAccountsList")
        listed = [] if exclude else [w.pubkey(self._seed, "locked", i) for i in range(12)]
        value = {
            "total": total,
            "circulating": circulating,
            "nonCirculating": total - circulating,
            "nonCirculatingAccounts": listed,
        }
        return _with_context(clock, value)

    # --- accounts ----------------------------------------------------------------------

    def _account_info(self, clock: w.Clock, key: str, config: Config = None) -> Any:
        _base64_only(config)
        if key == STAKE_HISTORY_SYSVAR:
            history = self._stakes.history(clock.epoch)
            return _with_context(clock, _account(history, HISTORY_RENT, SYSVAR_OWNER))
        found = next((s for s in self._stakes.at(clock.epoch) if s.pubkey == key), None)
        value = _account(found.data, found.lamports, STAKE_PROGRAM_ID) if found else None
        return _with_context(clock, value)

    def _inflation_reward(self, clock: w.Clock, addresses: Any, config: Config = None) -> Any:
        if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
            raise Fault(-32602, "Invalid params: expected an array of addresses")
        epoch = (config or {}).get("epoch", clock.epoch - 1)
        if not isinstance(epoch, int) or epoch < 0:
            raise Fault(-32602, "Invalid params: epoch must be a u64")
        if epoch >= clock.epoch:
            raise Fault(-32004, f"Block not available for slot {(epoch + 1) * w.SLOTS_PER_EPOCH}")
        answers = []
        for address in addresses:
            found = self.rewards.reward(address, epoch)
            answers.append(
                None
                if found is None
                else {
                    "epoch": found.epoch,
                    "effectiveSlot": found.effective_slot,
                    "amount": found.amount,
                    "postBalance": found.post_balance,
                    "commission": found.commission,
                }
            )
        return answers

    def _program_accounts(self, clock: w.Clock, program: str, config: Config = None) -> Any:
        filters = (config or {}).get("filters") or []
        if len(filters) > 4:
            raise Fault(-32602, "Invalid params: too many filters provided; max 4")
        if program == CONFIG_PROGRAM_ID:
            encoding = (config or {}).get("encoding")
            if encoding not in ("base64", "jsonParsed"):
                raise Fault(-32602, "Invalid params: this demo node serves base64 or jsonParsed")
            found = [
                {"pubkey": c.pubkey, "account": _config_account(c.data, c.lamports, encoding)}
                for c in self._config
                if all(_matches(c.data, rule) for rule in filters)
            ]
        else:
            _base64_only(config)
            found = [
                {"pubkey": s.pubkey, "account": _account(s.data, s.lamports, STAKE_PROGRAM_ID)}
                for s in (self._stakes.at(clock.epoch) if program == STAKE_PROGRAM_ID else [])
                if all(_matches(s.data, rule) for rule in filters)
            ]
        return _with_context(clock, found) if (config or {}).get("withContext") else found


def _error(id_: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": {"code": code, "message": message}, "id": id_}


def _with_context(clock: w.Clock, value: Any) -> dict[str, Any]:
    return {"context": {"apiVersion": API_VERSION, "slot": clock.slot}, "value": value}


def _account(data: bytes, lamports: int, owner: str) -> dict[str, Any]:
    return {
        "data": [base64.b64encode(data).decode(), "base64"],
        "executable": False,
        "lamports": lamports,
        "owner": owner,
        "rentEpoch": U64_MAX,
        "space": len(data),
    }


def _config_account(data: bytes, lamports: int, encoding: str) -> dict[str, Any]:
    account = _account(data, lamports, CONFIG_PROGRAM_ID)
    parsed = parse_config(data) if encoding == "jsonParsed" else None
    if parsed is not None:
        account["data"] = {"parsed": parsed, "program": "config", "space": len(data)}
    return account


def _node(key: str, index: int, version: str | None) -> dict[str, Any]:
    host = f"10.{index // 65_536 % 256}.{index // 256 % 256}.{index % 256}"
    return {
        "pubkey": key,
        "gossip": f"{host}:8001",
        "tpu": f"{host}:8003",
        "rpc": None,
        "version": version,
        "featureSet": next((f for name, _, f in w.VERSIONS if name == version), None),
        "shredVersion": 50_093,
    }


def _base64_only(config: Config) -> None:
    if (config or {}).get("encoding") != "base64":
        raise Fault(-32602, "Invalid params: this demo node serves account data as base64 only")


def _matches(data: bytes, rule: Any) -> bool:
    try:
        if "dataSize" in rule:
            return len(data) == int(rule["dataSize"])
        if "memcmp" in rule:
            memcmp = rule["memcmp"]
            offset, encoded = int(memcmp["offset"]), str(memcmp["bytes"])
            if memcmp.get("encoding", "base58") == "base64":
                wanted = base64.b64decode(encoded, validate=True)
            else:
                wanted = b58decode(encoded)
            return data[offset : offset + len(wanted)] == wanted
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error):
        raise Fault(-32602, f"Invalid params: bad filter {rule!r}") from None
    raise Fault(-32602, f"Invalid params: unknown filter {rule!r}")
