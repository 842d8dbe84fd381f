"""Demo Cosmos Hub: an LCD answering the queries `CosmosAdapter` makes, in the Cosmos SDK
REST formats — 18-decimal strings, `next_key` pagination over store-ordered keys,
CometBFT's offset-paginated validator set, `{"code", "message", "details"}` error bodies —
from the world of `cosmos_world` at the request's `now`.
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_left
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from infrastructure.chains.cosmos.consensus import ACCOUNT_HRP, ED25519_PUBKEY, decode
from infrastructure.chains.demo.cosmos_rewards import CosmosRewards
from infrastructure.chains.demo.cosmos_world import (
    COMMUNITY_TAX,
    DENOM,
    MAX_VALIDATORS,
    OSMO_IBC,
    SIGNED_BLOCKS_WINDOW,
    TOMBSTONED,
    UATOM,
    UNBONDING_DAYS,
    CosmosWorld,
    Profile,
    ValidatorState,
    World,
    dec18,
    hash_of,
    height_at,
    rfc3339,
)


def _error(status: int, code: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message, "details": []})


class CosmosDemo:
    """`async (request, now) -> httpx.Response` for the demo transport."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._world = CosmosWorld(seed)
        self.rewards = CosmosRewards(self._world)

    def world(self, now: datetime) -> World:
        return self._world.at(now)

    # --- HTTP -----------------------------------------------------------------------

    async def __call__(self, request: httpx.Request, now: datetime) -> httpx.Response:
        if request.method != "GET":
            return _error(405, 12, "Method Not Allowed")
        path = request.url.path.rstrip("/")
        params = request.url.params
        parts = path.split("/")
        if path == "/cosmos/staking/v1beta1/validators":
            return self._validators(self.world(now), params)
        if path.startswith("/cosmos/staking/v1beta1/validators/") and len(parts) == 6:
            return self._validator(self.world(now), parts[5])
        if path == "/cosmos/base/tendermint/v1beta1/validatorsets/latest":
            return self._validator_set(self.world(now), now, params)
        if path == "/cosmos/slashing/v1beta1/params":
            return httpx.Response(200, json={"params": self._slashing_params()})
        if path == "/cosmos/slashing/v1beta1/signing_infos":
            world = self.world(now)
            return self._page(
                "info", world.signing, lambda s: s.profile.consensus_bytes, self._signing, params
            )
        if path.startswith("/cosmos/staking/v1beta1/delegations/") and len(parts) == 6:
            return self._delegations_page(parts[5], now, params)
        if path.startswith("/cosmos/staking/v1beta1/delegators/") and path.endswith(
            "/unbonding_delegations"
        ):
            return self._unbonding_page(parts[5], now, params)
        if path.startswith("/cosmos/distribution/v1beta1/delegators/") and path.endswith(
            "/rewards"
        ):
            return self._rewards_answer(parts[5], now)
        if path == "/cosmos/staking/v1beta1/pool":
            world = self.world(now)
            pool = {
                "not_bonded_tokens": str(world.not_bonded_tokens),
                "bonded_tokens": str(world.bonded_tokens),
            }
            return httpx.Response(200, json={"pool": pool})
        if path == "/cosmos/bank/v1beta1/supply/by_denom":
            denom = params.get("denom", "")
            amount = self._world.supply(now) if denom == DENOM else 0
            return httpx.Response(200, json={"amount": {"denom": denom, "amount": str(amount)}})
        if path == "/cosmos/mint/v1beta1/inflation":
            return httpx.Response(200, json={"inflation": dec18(self._world.inflation(now))})
        if path == "/cosmos/distribution/v1beta1/params":
            return httpx.Response(200, json={"params": self._distribution_params()})
        if path == "/cosmos/staking/v1beta1/params":
            return httpx.Response(200, json={"params": self._staking_params()})
        return _error(404, 5, "Not Found")

    def _page(
        self,
        field: str,
        items: list[Any],
        key_of: Any,
        render: Any,
        params: httpx.QueryParams,
    ) -> httpx.Response:
        """x/staking-style pagination over a store-ordered list: `next_key` is the store
        key of the next page's first item; offsets work when no key is given."""
        raw_limit = params.get("pagination.limit")
        limit = int(raw_limit) if raw_limit and raw_limit.isdigit() and int(raw_limit) else 100
        key = params.get("pagination.key")
        keys = [key_of(item) for item in items]
        if key:
            try:
                start = bisect_left(keys, _decode_key(key))
            except ValueError:
                return _error(400, 3, "invalid pagination key")
        else:
            offset = params.get("pagination.offset", "0")
            start = int(offset) if offset.isdigit() else 0
        page = items[start : start + limit]
        more = start + limit < len(items)
        counted = not key and (not raw_limit or params.get("pagination.count_total") == "true")
        return httpx.Response(
            200,
            json={
                field: [render(item) for item in page],
                "pagination": {
                    "next_key": _encode_key(keys[start + limit]) if more else None,
                    "total": str(len(items)) if counted else "0",
                },
            },
        )

    def _validators(self, world: World, params: httpx.QueryParams) -> httpx.Response:
        status = params.get("status")
        if status and status not in {
            "BOND_STATUS_BONDED",
            "BOND_STATUS_UNBONDED",
            "BOND_STATUS_UNBONDING",
        }:
            return _error(400, 3, f"invalid validator status {status}")
        states = [s for s in world.states if not status or s.status == status]
        return self._page(
            "validators", states, lambda s: s.profile.operator_bytes, self._render, params
        )

    def _validator(self, world: World, operator: str) -> httpx.Response:
        state = world.by_operator.get(operator)
        if state is None:
            return _error(404, 5, f"validator {operator} not found: key not found")
        return httpx.Response(200, json={"validator": self._render(state)})

    def _render(self, s: ValidatorState) -> dict[str, Any]:
        p = s.profile
        shares = Decimal(s.tokens) * (Decimal("1.0001") if s.jailed else 1)
        return {
            "operator_address": p.operator,
            "consensus_pubkey": {"@type": ED25519_PUBKEY, "key": p.consensus_key},
            "jailed": s.jailed,
            "status": s.status,
            "tokens": str(s.tokens),
            "delegator_shares": dec18(shares),
            "description": {
                "moniker": p.moniker,
                "identity": p.identity,
                "website": p.website,
                "security_contact": "",
                "details": f"{p.moniker}: secure, reliable Cosmos Hub validation.",
            },
            "unbonding_height": str(s.unbonding_height),
            "unbonding_time": s.unbonding_time,
            "commission": {
                "commission_rates": {
                    "rate": dec18(s.commission),
                    "max_rate": dec18(p.max_rate),
                    "max_change_rate": dec18(p.max_change_rate),
                },
                "update_time": rfc3339(s.commission_updated),
            },
            "min_self_delegation": "1",
            "unbonding_on_hold_ref_count": "0",
            "unbonding_ids": [],
        }

    def _validator_set(
        self, world: World, now: datetime, params: httpx.QueryParams
    ) -> httpx.Response:
        """CometBFT's paging: at most 100 per page, page = offset / limit + 1, no next_key."""
        raw_limit, raw_offset = (
            params.get("pagination.limit", ""),
            params.get("pagination.offset", ""),
        )
        limit = min(int(raw_limit) if raw_limit.isdigit() and int(raw_limit) else 100, 100)
        offset = int(raw_offset) if raw_offset.isdigit() else 0
        start = (offset // limit) * limit
        members = world.consensus_set[start : start + limit]
        return httpx.Response(
            200,
            json={
                "block_height": str(height_at(now)),
                "validators": [
                    {
                        "address": s.profile.consensus,
                        "pub_key": {"@type": ED25519_PUBKEY, "key": s.profile.consensus_key},
                        "voting_power": str(s.tokens // UATOM),
                        "proposer_priority": str(
                            hash_of(self._seed, "priority", s.profile.index, now.timestamp())
                            % 2_000_000
                            - 1_000_000
                        ),
                    }
                    for s in members
                ],
                "pagination": {"next_key": None, "total": str(len(world.consensus_set))},
            },
        )

    @staticmethod
    def _signing(s: ValidatorState) -> dict[str, Any]:
        return {
            "address": s.profile.consensus,
            "start_height": str(s.start_height),
            "index_offset": str(s.index_offset),
            "jailed_until": s.jailed_until,
            "tombstoned": s.profile.index == TOMBSTONED,
            "missed_blocks_counter": str(s.missed),
        }

    def _delegator(self, address: str) -> str | None:
        decoded = decode(address)
        if decoded is None or decoded[0] != ACCOUNT_HRP or len(decoded[1]) != 20:
            return None
        return address

    def _delegations_page(
        self, address: str, now: datetime, params: httpx.QueryParams
    ) -> httpx.Response:
        if self._delegator(address) is None:
            return _error(400, 3, "invalid delegator address: decoding bech32 failed")
        rows = sorted(
            ((self._world.by_index[i], amount) for i, amount in self._world.delegations(address)),
            key=lambda row: row[0].operator_bytes,
        )
        world = self.world(now)

        def render(row: tuple[Profile, int]) -> dict[str, Any]:
            profile, amount = row
            shares = Decimal(amount) * (
                Decimal("1.0001") if world.by_operator[profile.operator].jailed else 1
            )
            return {
                "delegation": {
                    "delegator_address": address,
                    "validator_address": profile.operator,
                    "shares": dec18(shares),
                },
                "balance": {"denom": DENOM, "amount": str(amount)},
            }

        return self._page(
            "delegation_responses", rows, lambda row: row[0].operator_bytes, render, params
        )

    def _unbonding_page(
        self, address: str, now: datetime, params: httpx.QueryParams
    ) -> httpx.Response:
        if self._delegator(address) is None:
            return _error(400, 3, "invalid delegator address: decoding bech32 failed")
        grouped: dict[int, list[dict[str, str]]] = {}
        for index, started, amount in self._world.unbondings(address, now):
            grouped.setdefault(index, []).append(
                {
                    "creation_height": str(height_at(started)),
                    "completion_time": rfc3339(started + timedelta(days=UNBONDING_DAYS)),
                    "initial_balance": str(amount),
                    "balance": str(amount),
                    "unbonding_id": str(hash_of(self._seed, "unbonding-id", started) % 10**6),
                    "unbonding_on_hold_ref_count": "0",
                }
            )
        rows = sorted(
            ((self._world.by_index[i], entries) for i, entries in grouped.items()),
            key=lambda row: row[0].operator_bytes,
        )

        def render(row: tuple[Profile, list[dict[str, str]]]) -> dict[str, Any]:
            return {
                "delegator_address": address,
                "validator_address": row[0].operator,
                "entries": row[1],
            }

        return self._page(
            "unbonding_responses", rows, lambda row: row[0].operator_bytes, render, params
        )

    def _rewards_answer(self, address: str, now: datetime) -> httpx.Response:
        if self._delegator(address) is None:
            return _error(400, 3, "invalid delegator address: decoding bech32 failed")
        world = self.world(now)
        rewards = []
        totals: dict[str, Decimal] = {}
        for index, amount in sorted(
            self._world.delegations(address),
            key=lambda row: self._world.by_index[row[0]].operator_bytes,
        ):
            coins = self._coins(world, index, amount, now)
            rewards.append(
                {"validator_address": self._world.by_index[index].operator, "reward": coins}
            )
            for coin in coins:
                totals[coin["denom"]] = totals.get(coin["denom"], Decimal(0)) + Decimal(
                    coin["amount"]
                )
        total = [{"denom": d, "amount": dec18(a)} for d, a in sorted(totals.items())]
        return httpx.Response(200, json={"rewards": rewards, "total": total})

    def _coins(self, world: World, index: int, amount: int, now: datetime) -> list[dict[str, str]]:
        """The delegation's pending rewards (an IBC denom rides along, as on the Hub);
        nothing for a validator out of the active set with nothing pending."""
        state = world.by_operator[self._world.by_index[index].operator]
        atom = self.rewards.pending(index, amount, now)
        if not atom and not state.active:
            return []
        return [
            {"denom": OSMO_IBC, "amount": dec18(atom / 40)},
            {"denom": DENOM, "amount": dec18(atom)},
        ]

    # --- parameters ---------------------------------------------------------------------

    @staticmethod
    def _slashing_params() -> dict[str, str]:
        return {
            "signed_blocks_window": str(SIGNED_BLOCKS_WINDOW),
            "min_signed_per_window": "0.050000000000000000",
            "downtime_jail_duration": "600s",
            "slash_fraction_double_sign": "0.050000000000000000",
            "slash_fraction_downtime": "0.000100000000000000",
        }

    @staticmethod
    def _distribution_params() -> dict[str, Any]:
        return {
            "community_tax": dec18(COMMUNITY_TAX),
            "base_proposer_reward": "0.000000000000000000",
            "bonus_proposer_reward": "0.000000000000000000",
            "withdraw_addr_enabled": True,
        }

    @staticmethod
    def _staking_params() -> dict[str, Any]:
        return {
            "unbonding_time": f"{UNBONDING_DAYS * 86400}s",
            "max_validators": MAX_VALIDATORS,
            "max_entries": 7,
            "historical_entries": 10_000,
            "bond_denom": DENOM,
            "min_commission_rate": "0.050000000000000000",
        }


def _encode_key(address: bytes) -> str:
    # the staking store's key layout: prefix byte, length byte, address bytes
    return base64.b64encode(b"\x21" + bytes([len(address)]) + address).decode()


def _decode_key(key: str) -> bytes:
    try:
        raw = base64.b64decode(key, validate=True)
    except (binascii.Error, ValueError):
        raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    if len(raw) < 3 or raw[1] != len(raw) - 2:
        raise ValueError("not a store key")
    return raw[2:]
