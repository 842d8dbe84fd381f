"""Pure mapping from validated Solana RPC answers to the unified chain models.

Vote credits are the measure of voting: a validator earns up to 16 per slot it
votes on promptly, so within one epoch the best validators set the ceiling and
the median the norm. Uptime compares the last *completed* epoch with the best
validator (a full epoch is comparable across validators); performance compares
the running epoch with the cluster median (capped at 1), so it reacts within hours.

Names come from validator-info accounts (`solana validator-info publish`): Config
program accounts whose first key is the Va1idator1nfo marker and whose second, a
signer, is the validator's identity (node) key; a vote account gets the info its
`nodePubkey` signed. Everything in them is untrusted text (`untrusted.py`).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from domain.chains import ChainMetrics, Observation, Validator, ValidatorStatus
from domain.models import Chain
from infrastructure.chains.solana.schemas import (
    BlockProduction,
    ClusterNode,
    EpochInfo,
    InflationRate,
    KeyedParsedAccount,
    ParsedData,
    Supply,
    ValidatorInfo,
    VoteAccount,
    VoteAccounts,
)
from infrastructure.chains.untrusted import (
    DETAILS_MAX,
    NAME_MAX,
    clean_handle,
    clean_text,
    clean_url,
)

PLACES = Decimal("0.000001")
CONFIG_PROGRAM_ID = "Config1111111111111111111111111111111111111"
VALIDATOR_INFO_KEY = "Va1idator1nfo111111111111111111111111111111"


@dataclass(frozen=True, slots=True)
class Published:
    """What a validator published about itself, cleaned."""

    name: str | None = None
    # website, iconUrl (http(s) only), details, keybaseUsername: only those present
    about: Mapping[str, str] = field(default_factory=dict)


def published(data: Mapping[str, Any]) -> Published:
    about = {
        "website": clean_url(data.get("website")),
        "iconUrl": clean_url(data.get("iconUrl")),
        "details": clean_text(data.get("details"), DETAILS_MAX),
        "keybaseUsername": clean_handle(data.get("keybaseUsername")),
    }
    return Published(
        name=clean_text(data.get("name"), NAME_MAX),
        about={k: v for k, v in about.items() if v is not None},
    )


def validator_infos(accounts: Iterable[KeyedParsedAccount]) -> dict[str, Published]:
    """identity (node) key -> what it published. Accounts that are not well-formed
    validator-info (other Config data, unparsed, no signing identity) are skipped; of
    two infos signed by one identity the one at the lower account address counts, so
    the answer does not depend on the node's order."""
    found: dict[str, Published] = {}
    for keyed in sorted(accounts, key=lambda k: k.pubkey):
        data = keyed.account.data
        if keyed.account.owner != CONFIG_PROGRAM_ID or not isinstance(data, ParsedData):
            continue
        if data.parsed.type != "validatorInfo":
            continue
        try:
            info = ValidatorInfo.model_validate(data.parsed.info)
        except ValidationError:
            continue
        if len(info.keys) < 2 or info.keys[0].pubkey != VALIDATOR_INFO_KEY:
            continue
        signer = info.keys[1]
        if signer.signer and signer.pubkey not in found:
            found[signer.pubkey] = published(info.configData)
    return found


def fraction(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator in [0, 1] to 6 places; None when undefined."""
    if denominator <= 0:
        return None
    value = Decimal(numerator) / Decimal(denominator)
    return min(Decimal(1), max(Decimal(0), value)).quantize(PLACES)


def versions(nodes: Iterable[ClusterNode]) -> dict[str, str | None]:
    """node identity -> client version as gossiped (None when not advertised)."""
    return {node.pubkey: node.version for node in nodes}


def all_votes(votes: VoteAccounts) -> list[tuple[VoteAccount, bool]]:
    """(vote account, delinquent) for current and delinquent accounts alike."""
    return [(a, False) for a in votes.current] + [(a, True) for a in votes.delinquent]


def earned(account: VoteAccount, epoch: int) -> int:
    """Credits the account earned in `epoch` (0 when it has no entry: did not vote)."""
    for entry_epoch, credits, previous in account.epochCredits:
        if entry_epoch == epoch:
            return max(0, credits - previous)
    return 0


def to_validator(
    account: VoteAccount,
    delinquent: bool,
    node_versions: Mapping[str, str | None],
    at: datetime,
    infos: Mapping[str, Published] | None = None,
) -> Validator:
    """`infos` None: the validator-info could not be read this time (the stored name
    and description stand); a validator absent from it published nothing."""
    identity = {"nodePubkey": account.nodePubkey, "lastVote": str(account.lastVote)}
    version = node_versions.get(account.nodePubkey)
    if version:  # absent from gossip or not advertised: leave it out rather than guess
        identity["version"] = version
    info = (infos or {}).get(account.nodePubkey, Published())
    identity.update(info.about)
    return Validator(
        chain=Chain.SOL,
        address=account.votePubkey,
        status=ValidatorStatus.DELINQUENT if delinquent else ValidatorStatus.ACTIVE,
        stake=account.activatedStake,
        fetched_at=at,
        name=info.name,
        commission=Decimal(account.commission) / 100,
        identity=identity,
        described=infos is not None,
    )


def skip_rate(production: BlockProduction, node: str) -> Decimal | None:
    """Skipped share of the leader slots so far this epoch; None without leader slots."""
    leader_slots, produced = production.byIdentity.get(node, (0, 0))
    if leader_slots == 0:
        return None
    return fraction(leader_slots - min(produced, leader_slots), leader_slots)


def to_observations(
    ids: Iterable[str],
    votes: VoteAccounts,
    node_versions: Mapping[str, str | None],
    production: BlockProduction,
    epoch: EpochInfo,
    at: datetime,
) -> list[Observation]:
    accounts = all_votes(votes)
    completed = epoch.epoch - 1
    best = max((earned(a, completed) for a, _ in accounts), default=0)
    running = [earned(a, epoch.epoch) for a, delinquent in accounts if not delinquent]
    median = statistics.median(running) if running else 0
    by_vote = {a.votePubkey: (a, delinquent) for a, delinquent in accounts}
    observations = []
    for vote in dict.fromkeys(ids):  # unknown ids (closed vote accounts) yield nothing
        if vote not in by_vote:
            continue
        account, delinquent = by_vote[vote]
        performance = fraction(earned(account, epoch.epoch), Decimal(median))
        observations.append(
            Observation(
                chain=Chain.SOL,
                validator=vote,
                observed_at=at,
                status=ValidatorStatus.DELINQUENT if delinquent else ValidatorStatus.ACTIVE,
                stake=account.activatedStake,
                commission=Decimal(account.commission) / 100,
                uptime=Decimal(0) if delinquent else fraction(earned(account, completed), best),
                performance=performance,
                skip_rate=skip_rate(production, account.nodePubkey),
                version=node_versions.get(account.nodePubkey),
            )
        )
    return observations


def to_metrics(
    votes: VoteAccounts, inflation: InflationRate, epoch: EpochInfo, supply: Supply, at: datetime
) -> ChainMetrics:
    total_staked = sum(a.activatedStake for a, _ in all_votes(votes))
    ratio = Decimal(total_staked) / Decimal(supply.total) if supply.total else None
    # rewards go to stakers only, so their rate is the validator inflation over the staked share
    apr = (inflation.validator / ratio).quantize(PLACES) if ratio else None
    return ChainMetrics(
        chain=Chain.SOL,
        observed_at=at,
        total_staked=total_staked,
        validator_count=len(votes.current) + len(votes.delinquent),
        active_validator_count=len(votes.current),
        total_supply=supply.total,
        inflation=inflation.total,
        nominal_apr=apr,
        bonded_ratio=ratio.quantize(PLACES) if ratio is not None else None,
        epoch=epoch.epoch,
        details={
            "validatorInflation": str(inflation.validator),
            "foundationInflation": str(inflation.foundation),
            "circulatingSupply": str(supply.circulating),
        },
    )
