"""Solana over JSON-RPC 2.0 (see `rpc.py`): validators and their health from vote
accounts, gossip and block production, their names from validator-info accounts
(optional: when those cannot be read the validators still are, and the stored names
stand); wallets' stake accounts from the Stake program (decoded from their binary
layout, activation computed from the StakeHistory sysvar); chain metrics from
inflation, supply and epoch info.

Independent calls of one fetch run concurrently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from solders.pubkey import Pubkey

from domain.chains import ChainMetrics, Observation, Position, PositionKind, Validator
from domain.errors import ChainError, InvalidInput
from domain.models import Chain
from domain.ports import SetProgress, ValidatorSet, no_progress
from domain.rewards.derive import RewardBasis
from domain.rewards.events import RewardEvent
from infrastructure.chains.http import ChainHttp
from infrastructure.chains.solana import mapping, schemas
from infrastructure.chains.solana.activation import (
    MAINNET_NEW_RATE_EPOCH,
    STAKE_HISTORY_SYSVAR,
    StakeHistoryEntry,
    StakeHistoryError,
    decode_stake_history,
    stake_activation,
)
from infrastructure.chains.solana.mapping import CONFIG_PROGRAM_ID, VALIDATOR_INFO_KEY, Published
from infrastructure.chains.solana.rewards import fetch_sol_rewards
from infrastructure.chains.solana.rpc import SolanaRpc
from infrastructure.chains.solana.stake_account import (
    STAKE_ACCOUNT_SIZE,
    STAKE_PROGRAM_ID,
    STAKER_OFFSET,
    WITHDRAWER_OFFSET,
    StakeAccountError,
    decode_stake_account,
)
from infrastructure.logging import get_logger

log = get_logger(__name__)
FINALIZED = {"commitment": "finalized"}
# validator-info data starts with ConfigKeys: a 1-byte short-vec count (2), then the
# first key, the Va1idator1nfo marker: the node filters out every other Config account
VALIDATOR_INFO_FILTER = {"memcmp": {"offset": 1, "bytes": VALIDATOR_INFO_KEY}}


def _utcnow() -> datetime:
    return datetime.now(UTC)


def parse_address(address: str) -> str:
    """The canonical base58 form of a 32-byte public key; InvalidInput otherwise."""
    try:
        key = Pubkey.from_string(address)
    except (ValueError, TypeError):
        raise InvalidInput("Not a Solana address (base58-encoded 32-byte public key).") from None
    if str(key) != address:
        raise InvalidInput("Not a Solana address (base58-encoded 32-byte public key).")
    return address


class SolanaAdapter:
    chain = Chain.SOL

    def __init__(
        self,
        http: ChainHttp,
        *,
        now: Callable[[], datetime] = _utcnow,
        new_rate_epoch: int | None = MAINNET_NEW_RATE_EPOCH,
    ) -> None:
        self._rpc = SolanaRpc(http)
        self._now = now
        self._new_rate_epoch = new_rate_epoch  # when the 9 % warmup/cooldown rate began
        # the last StakeHistory sysvar read and its decoding: every wallet's positions read
        # it, and it changes once an epoch (decoding it is ~3 ms; an hourly fetch reads it
        # once per linked wallet)
        self._history: tuple[bytes, dict[int, StakeHistoryEntry]] | None = None

    async def _votes(self) -> schemas.VoteAccounts:
        return await self._rpc.call("getVoteAccounts", schemas.VoteAccountsResponse, FINALIZED)

    async def _versions(self) -> dict[str, str | None]:
        nodes = await self._rpc.call("getClusterNodes", schemas.ClusterNodesResponse)
        return mapping.versions(nodes)

    async def _epoch(self) -> schemas.EpochInfo:
        return await self._rpc.call("getEpochInfo", schemas.EpochInfoResponse, FINALIZED)

    async def _validator_infos(self) -> dict[str, Published] | None:
        """identity -> published name and description; None when they could not be
        read (names are optional: the validators are stored all the same)."""
        config = {**FINALIZED, "encoding": "jsonParsed", "filters": [VALIDATOR_INFO_FILTER]}
        try:
            accounts = await self._rpc.call(
                "getProgramAccounts", schemas.ConfigAccountsResponse, CONFIG_PROGRAM_ID, config
            )
        except ChainError as exc:
            # the class and endpoint only: a message may carry the node's URL (a key)
            log.warning(
                "validator_names_unavailable",
                chain=self.chain.value,
                error=type(exc).__name__,
                endpoint=exc.endpoint,
            )
            return None
        return mapping.validator_infos(accounts)

    async def fetch_validator_set(self, progress: SetProgress = no_progress) -> ValidatorSet:
        """The whole set, listed (a few hundred validators)."""
        validators = await self.fetch_validators()
        progress(len(validators))
        return ValidatorSet(validators=validators, size=len(validators))

    async def fetch_validators(self, ids: Sequence[str] | None = None) -> list[Validator]:
        if ids is not None and not ids:
            return []
        votes, versions, infos = await asyncio.gather(
            self._votes(), self._versions(), self._validator_infos()
        )
        wanted = None if ids is None else set(ids)
        at = self._now()
        return [
            mapping.to_validator(account, delinquent, versions, at, infos)
            for account, delinquent in mapping.all_votes(votes)
            if wanted is None or account.votePubkey in wanted
        ]

    async def fetch_observations(self, ids: Sequence[str]) -> list[Observation]:
        if not ids:
            return []
        votes, versions, production, epoch = await asyncio.gather(
            self._votes(),
            self._versions(),
            self._rpc.call("getBlockProduction", schemas.BlockProductionResponse, FINALIZED),
            self._epoch(),
        )
        return mapping.to_observations(ids, votes, versions, production.value, epoch, self._now())

    async def fetch_metrics(self) -> ChainMetrics:
        supply_config = {**FINALIZED, "excludeNonCirculatingAccountsList": True}
        votes, inflation, epoch, supply = await asyncio.gather(
            self._votes(),
            self._rpc.call("getInflationRate", schemas.InflationRateResponse),
            self._epoch(),
            self._rpc.call("getSupply", schemas.SupplyResponse, supply_config),
        )
        return mapping.to_metrics(votes, inflation, epoch, supply.value, self._now())

    async def _stake_accounts(self, owner: str, offset: int) -> list[schemas.KeyedAccount]:
        config = {
            **FINALIZED,
            "encoding": "base64",
            "filters": [
                {"dataSize": STAKE_ACCOUNT_SIZE},
                {"memcmp": {"offset": offset, "bytes": owner}},
            ],
        }
        return await self._rpc.call(
            "getProgramAccounts", schemas.ProgramAccountsResponse, STAKE_PROGRAM_ID, config
        )

    async def _stake_history(self) -> dict[int, StakeHistoryEntry]:
        config = {**FINALIZED, "encoding": "base64"}
        answer = await self._rpc.call(
            "getAccountInfo", schemas.AccountInfoResponse, STAKE_HISTORY_SYSVAR, config
        )
        try:
            if answer.value is None:
                raise StakeHistoryError("the StakeHistory sysvar does not exist")
            data = answer.value.data
            if self._history is None or self._history[0] != data:
                self._history = (data, decode_stake_history(data))
            return self._history[1]
        except StakeHistoryError as exc:
            raise self._rpc.invalid(
                "getAccountInfo", "no valid StakeHistory", errors=[str(exc)]
            ) from None

    async def fetch_rewards(
        self, address: str, positions: Sequence[Position], basis: RewardBasis
    ) -> list[RewardEvent]:
        """Each stake account's inflation rewards of the completed epochs not yet stored
        (infrastructure/chains/solana/rewards.py)."""
        if not positions:
            return []
        epoch = await self._epoch()
        return await fetch_sol_rewards(
            self._rpc, parse_address(address), positions, basis, epoch, self._now()
        )

    async def fetch_positions(self, address: str) -> list[Position]:
        """The wallet's delegated stake accounts, found as staker or as withdrawer.

        Initialized-but-undelegated accounts are skipped: they are not staked with
        any validator, earn nothing, and a position needs a validator.
        """
        owner = parse_address(address)
        by_staker, by_withdrawer, epoch, history = await asyncio.gather(
            self._stake_accounts(owner, STAKER_OFFSET),
            self._stake_accounts(owner, WITHDRAWER_OFFSET),
            self._epoch(),
            self._stake_history(),
        )
        accounts = {keyed.pubkey: keyed for keyed in (*by_staker, *by_withdrawer)}
        at = self._now()
        positions = []
        for key, keyed in sorted(accounts.items()):
            try:
                if keyed.account.owner != STAKE_PROGRAM_ID:
                    raise StakeAccountError(f"owned by {keyed.account.owner}")
                state = decode_stake_account(keyed.account.data)
            except StakeAccountError as exc:
                raise self._rpc.invalid(
                    "getProgramAccounts", "a bad stake account", account=key, errors=[str(exc)]
                ) from None
            if state.meta is None or state.delegation is None:
                continue
            if owner not in (state.meta.staker, state.meta.withdrawer):
                continue  # a node that ignored the memcmp filter: not this wallet's stake
            delegation = state.delegation
            activation = stake_activation(delegation, epoch.epoch, history, self._new_rate_epoch)
            positions.append(
                Position(
                    chain=Chain.SOL,
                    owner=owner,
                    validator=delegation.voter,
                    kind=PositionKind.STAKE,
                    amount=delegation.stake,
                    status=activation.status,
                    key=key,
                    fetched_at=at,
                )
            )
        return positions
