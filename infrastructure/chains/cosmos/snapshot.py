"""Joins the three views of a Cosmos Hub validator — staking record (operator address),
CometBFT consensus set and slashing signing info (both by consensus address) — and
derives its status and uptime. Pure functions over validated LCD models.

Since Interchain Security's inactive validators, BOND_STATUS_BONDED no longer means
"validating on the Hub": only the CometBFT validator set is the active set
(interchain-security/integrating_inactive_validators.md). Bonded validators outside it
earn no ATOM inflation and cannot be slashed for Hub downtime, so their uptime is not
measurable rather than 100 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from domain.chains import ValidatorStatus
from infrastructure.chains.cosmos.consensus import consensus_address
from infrastructure.chains.cosmos.schemas import ConsensusValidator, SigningInfo, StakingValidator


@dataclass(frozen=True, slots=True)
class ConsensusSet:
    block_height: int
    addresses: frozenset[str]  # cosmosvalcons1…
    by_pubkey: dict[str, str]  # base64 consensus key -> cosmosvalcons1…

    @classmethod
    def of(cls, block_height: int, validators: Iterable[ConsensusValidator]) -> ConsensusSet:
        members = list(validators)
        return cls(
            block_height=block_height,
            addresses=frozenset(v.address for v in members),
            by_pubkey={v.pub_key.key: v.address for v in members if v.pub_key and v.pub_key.key},
        )


@dataclass(frozen=True, slots=True)
class ValidatorView:
    validator: StakingValidator
    consensus_address: str | None
    active: bool
    signing: SigningInfo | None

    @property
    def tombstoned(self) -> bool:
        return bool(self.signing and self.signing.tombstoned)

    @property
    def status(self) -> ValidatorStatus:
        # most severe first: a tombstoned validator is also jailed, a jailed one unbonding
        if self.tombstoned:
            return ValidatorStatus.TOMBSTONED
        if self.validator.jailed:
            return ValidatorStatus.JAILED
        if self.active:
            return ValidatorStatus.ACTIVE
        if self.validator.status == "BOND_STATUS_UNBONDING":
            return ValidatorStatus.EXITING
        return ValidatorStatus.INACTIVE  # bonded outside the consensus set, or unbonded

    def uptime(self, signed_blocks_window: int) -> Decimal | None:
        """Share of tracked blocks signed over the slashing window; None outside the
        active set. The window is shorter than `signed_blocks_window` while the signing
        info is younger than it (`index_offset` counts the blocks tracked so far)."""
        if not self.active or self.signing is None or signed_blocks_window <= 0:
            return None
        tracked = self.signing.index_offset
        window = min(signed_blocks_window, tracked) if tracked > 0 else signed_blocks_window
        missed = min(max(self.signing.missed_blocks_counter, 0), window)
        return 1 - Decimal(missed) / Decimal(window)


def join(
    validators: Iterable[StakingValidator],
    consensus: ConsensusSet,
    signing_infos: Iterable[SigningInfo],
) -> list[ValidatorView]:
    signing = {info.address: info for info in signing_infos}
    views = []
    for validator in validators:
        pubkey = validator.consensus_pubkey
        address = consensus_address(pubkey.type_url, pubkey.key)
        if address is None and pubkey.key:  # not ed25519: the set still names its address
            address = consensus.by_pubkey.get(pubkey.key)
        views.append(
            ValidatorView(
                validator=validator,
                consensus_address=address,
                active=address is not None and address in consensus.addresses,
                signing=signing.get(address) if address else None,
            )
        )
    return views
