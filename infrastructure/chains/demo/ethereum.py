"""Demo Ethereum beacon node: the Beacon API endpoints the adapter reads, in their exact
wire formats, for a deterministic validator set of any size (seed, `validators`) that
moves with the clock: balances accrue and are swept, the activation queue drains,
voluntary exits progress, one of the whale's validators is slashed on `slash_at`, and a
few attestations are missed in every epoch (rewards below ideal, liveness false).

The whole set is streamed as chunks of JSON rendered from byte templates, so even
1.1M validators (~530 MB) never sit in memory. Every validator is a pure function of
(seed, index, epoch); the small endpoints render the same rows and parse them back,
so they always agree with the streamed set.

Rewards (issue 14): `validator_balances` at any state, and block payloads
(`/eth/v2/beacon/blocks/{slot}`) whose `execution_payload.withdrawals` hold the sweep's
withdrawals of the demo wallets' validators (in the first block of the epoch that swept
them; other validators' withdrawals are left out). `ledger` is what the demo wallets'
validators earned: balance change plus withdrawals.

Demo wallets: "whale" withdraws for 10 validators (3 of them 0x02 compounding, one
slashed on `slash_at`), "staker" for 2 (one still in the activation queue until the end
of 2026), "empty" for none. Simplifications: the slashed validator's balance is never
swept (it stays `withdrawal_possible`), and a POST without ids is refused (400) on the
rewards endpoint rather than answered for the whole set.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from domain.models import Chain
from infrastructure.chains.demo.wallets import demo_addresses

GENESIS_TIME = 1606824023  # mainnet's
GENESIS_VALIDATORS_ROOT = "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"
SECONDS_PER_SLOT = 12
SLOTS_PER_EPOCH = 32
EPOCH_SECONDS = SECONDS_PER_SLOT * SLOTS_PER_EPOCH
EPOCHS_PER_DAY = 86_400 // EPOCH_SECONDS
GWEI = 10**9
FAR = 2**64 - 1
MAX_EFFECTIVE_BALANCE = 2048 * GWEI
MAINNET_ACTIVE_BALANCE = 34_000_000 * GWEI
ANCHOR_TIME = datetime(2026, 11, 1, tzinfo=UTC)  # the demo's recent past: queue, exits
SLASH_AT = datetime(2026, 11, 15, 9, 30, tzinfo=UTC)
QUEUE_DAYS = 60
CHUNK_ROWS = 512  # ~245 KB of JSON per streamed chunk

_M64 = 2**64 - 1
_M160 = 2**160 - 1
_PUBKEY_MULTIPLIER = 0x9E3779B97F4A7C15  # odd: index -> suffix is a bijection mod 2**64
_PUBKEY_INVERSE = pow(_PUBKEY_MULTIPLIER, -1, 2**64)
_PROFILE_BITS = 12

_ROW_HEAD = (
    b'{"index":"%d","balance":"%d","status":"%s","validator":{"pubkey":"%s%016x",'
    b'"withdrawal_credentials":"'
)
_ROW_TAIL = (
    b'","effective_balance":"%d","slashed":%s,"activation_eligibility_epoch":"%d",'
    b'"activation_epoch":"%d","exit_epoch":"%d","withdrawable_epoch":"%d"}}'
)
_SHARED_ROW = _ROW_HEAD + b"%s" + _ROW_TAIL  # credentials from the profile
_SOLO_ROW = _ROW_HEAD + b"0x0%d" + b"00" * 11 + b"%040x" + _ROW_TAIL  # address per index
_BLS_ROW = _ROW_HEAD + b"0x00%s%016x" + _ROW_TAIL  # BLS credentials per index

_BLS, _SHARED, _SOLO = range(3)  # where the credentials come from
_ACTIVE, _DONE, _EXITING, _SLASHED_OLD = range(4)  # life courses of a profile

STATUS_GROUPS = {
    "active": ("active_ongoing", "active_exiting", "active_slashed"),
    "pending": ("pending_initialized", "pending_queued"),
    "exited": ("exited_unslashed", "exited_slashed"),
    "withdrawal": ("withdrawal_possible", "withdrawal_done"),
}


def special_indices(validators: int) -> tuple[list[int], int, int]:
    """The demo wallets' validators in a set of `validators`: the whale's ten, the
    staker's active one and its queued one."""
    queued_from = validators - max(2, validators // 200)
    initialized_from = validators - max(1, validators // 2000)
    whale = [(k + 1) * queued_from // 12 + 3 for k in range(10)]
    return whale, (whale[3] + whale[4]) // 2, initialized_from - 1


def demo_labels(validators: int) -> dict[str, str]:
    """Operator labels of the demo network (ETH has no names on chain; mainnet seeds
    none): validator index -> label, deterministic for a set of `validators`."""
    whale, staker, queued = special_indices(validators)
    labels = {str(i): f"Genesis Operator {'ABC'[i]}" for i in range(3)}
    labels.update({str(index): f"Whale Staking {k + 1}" for k, index in enumerate(whale)})
    labels[str(staker)] = "Staker Solo"
    labels[str(queued)] = "Staker Compounding"
    return labels


def epoch_at(moment: datetime) -> int:
    return max(0, int(moment.timestamp() - GENESIS_TIME) // EPOCH_SECONDS)


@dataclass(frozen=True, slots=True)
class _Profile:
    kind: int  # credential prefix byte: 0, 1, 2
    mode: int  # _BLS, _SHARED or _SOLO
    credentials: bytes  # _SHARED: the credentials; _BLS: 46 hex digits after 0x00
    course: int  # _ACTIVE, _DONE, _EXITING, _SLASHED_OLD
    start_balance: int  # gwei at activation (0x02: 32–2048 ETH)
    offset: int  # epochs: where the exit falls
    phase: int  # position in the withdrawal sweep
    miss_permille: int  # attestations missed per 1000 epochs
    pubkey_prefix: bytes  # "0x" + 80 hex digits
    reward: int = 0  # gwei per epoch at the start balance


@dataclass(frozen=True, slots=True)
class _Special:
    """A demo wallet's validator (not drawn from a profile)."""

    kind: int
    address: str  # lower-case 0x…
    start_balance: int
    slashed_at: int | None = None  # epoch
    queued: bool = False  # waits in the activation queue


@dataclass(frozen=True, slots=True)
class _Life:
    """One validator at one epoch, in wire terms."""

    balance: int
    status: str
    effective: int
    slashed: bool
    eligibility: int
    activation: int
    exit: int
    withdrawable: int


class EthereumDemo:
    def __init__(
        self, seed: int, validators: int = 20_000, *, slash_at: datetime = SLASH_AT
    ) -> None:
        if validators < 100:
            raise ValueError("the demo needs at least 100 validators")
        self.seed = seed
        self.count = validators
        rng = random.Random(f"eth-demo/{seed}")
        self._salt = rng.getrandbits(64)
        self._solo_multiplier = rng.getrandbits(160) | 1
        self._solo_salt = rng.getrandbits(160)
        self._bls_salt = rng.getrandbits(64)
        self._anchor = epoch_at(ANCHOR_TIME)
        self._slash_epoch = epoch_at(slash_at)
        self._queued_from = validators - max(2, validators // 200)  # the activation queue
        self._initialized_from = validators - max(1, validators // 2000)  # not yet queued
        self._queue_step = max(1, QUEUE_DAYS * EPOCHS_PER_DAY // (validators - self._queued_from))
        self._activation_span = self._anchor - 30 * EPOCHS_PER_DAY
        self._sweep = max(1, validators // (16 * SLOTS_PER_EPOCH))  # 16 withdrawals a slot
        # a demo network has fewer validators than mainnet; a smaller BASE_REWARD_FACTOR
        # (read by the adapter from /eth/v1/config/spec) keeps its reward rate mainnet-like
        expected_active = validators * 33 * GWEI
        self.base_reward_factor = max(
            1, round(64 * math.isqrt(expected_active) / math.isqrt(MAINNET_ACTIVE_BALANCE))
        )
        self._base_reward = GWEI * self.base_reward_factor // math.isqrt(expected_active)
        self._max_reward = self._reward(MAX_EFFECTIVE_BALANCE)
        self._profiles = self._make_profiles(rng)
        self._fast = [self._fast_template(profile) for profile in self._profiles]
        self._solo = [profile.mode == _SOLO for profile in self._profiles]
        self._matured_cache: tuple[int, list[bytes | None]] | None = None
        self._special = self._make_special()

    # --- the population ---------------------------------------------------------------

    def _make_profiles(self, rng: random.Random) -> list[_Profile]:
        vault = rng.getrandbits(160)
        operators = [rng.getrandbits(160) for _ in range(max(8, self.count // 400))]
        profiles = []
        for _ in range(1 << _PROFILE_BITS):
            roll = rng.random()
            kind = 0 if roll < 0.05 else 2 if roll < 0.11 else 1
            if kind == 0:
                mode = _BLS
                credentials = b"%046x" % rng.getrandbits(184)
            else:
                share = rng.random()
                if share < 0.2:
                    mode = _SOLO
                    credentials = b""
                else:
                    mode = _SHARED
                    address = (
                        vault
                        if share < 0.45
                        else operators[int(len(operators) ** rng.random()) - 1]
                    )
                    credentials = b"0x%02x" % kind + b"00" * 11 + b"%040x" % address
            roll = rng.random()
            course = (
                _DONE
                if roll < 0.08
                else _EXITING
                if roll < 0.1
                else _SLASHED_OLD
                if roll < 0.104
                else _ACTIVE
            )
            start = 32 * GWEI
            if kind == 2:
                roll = rng.random()
                eth = (
                    32
                    if roll < 0.3
                    else rng.randint(33, 63)
                    if roll < 0.6
                    else rng.randint(64, 256)
                    if roll < 0.85
                    else rng.randint(257, 2047)
                    if roll < 0.95
                    else 2048
                )
                start = eth * GWEI
            roll = rng.random()
            miss = 3 if roll < 0.85 else 20 if roll < 0.97 else 150
            profiles.append(
                _Profile(
                    kind=kind,
                    mode=mode,
                    credentials=credentials,
                    course=course,
                    start_balance=start,
                    offset=rng.randrange(100_000),
                    phase=rng.randrange(1 << 20),
                    miss_permille=miss,
                    pubkey_prefix=b"0x%080x" % rng.getrandbits(320),
                    reward=self._reward(start),
                )
            )
        return profiles

    def _make_special(self) -> dict[int, _Special]:
        wallets = {name: address.lower() for name, address in demo_addresses(Chain.ETH).items()}
        special = {}
        whale, staker, queued = special_indices(self.count)
        for k, index in enumerate(whale):
            kind = 2 if k in (2, 5, 8) else 1
            start = {2: 64 * GWEI, 5: 512 * GWEI, 8: 2048 * GWEI}.get(k, 32 * GWEI)
            slashed_at = self._slash_epoch if k == 4 else None
            special[index] = _Special(kind, wallets["whale"], start, slashed_at)
        special[staker] = _Special(1, wallets["staker"], 32 * GWEI)
        special[queued] = _Special(2, wallets["staker"], 40 * GWEI, queued=True)
        return special

    def _profile(self, index: int) -> _Profile:
        return self._profiles[((index * 2654435761) & 0xFFFFFFFF) >> (32 - _PROFILE_BITS)]

    def _reward(self, effective: int) -> int:
        """Gwei a validator earns per epoch (97 % of the ideal)."""
        return effective // GWEI * self._base_reward * 97 // 100

    def _activation(self, index: int) -> tuple[int, int]:
        """(eligibility epoch, activation epoch); activation may lie in the future."""
        if index >= self._initialized_from:
            return FAR, FAR
        if index >= self._queued_from:
            return self._anchor - 10, self._anchor + (index - self._queued_from + 1) * (
                self._queue_step
            )
        activation = index * self._activation_span // self._queued_from
        return max(0, activation - 6), activation

    def _life(self, index: int, epoch: int) -> tuple[_Life, int, bytes, bytes]:
        """The validator at `epoch`: its state, and (mode, credentials args) to render."""
        special = self._special.get(index)
        profile = self._profile(index)
        eligibility, activation = self._activation(index)
        exit_, withdrawable, slashed_at = FAR, FAR, None
        if special is not None:
            kind, start = special.kind, special.start_balance
            if special.queued:
                eligibility = self._anchor - 10
                activation = self._anchor + QUEUE_DAYS * EPOCHS_PER_DAY
            if special.slashed_at is not None:
                slashed_at = special.slashed_at
                exit_, withdrawable = slashed_at + 256, slashed_at + 8192
            credentials = b"0x%02x" % kind + b"00" * 11 + special.address[2:].encode()
            mode = _SHARED
        else:
            kind, start, mode = profile.kind, profile.start_balance, profile.mode
            credentials = profile.credentials
            if profile.course == _DONE:
                exit_ = max(
                    activation + 1, min(activation + 1000 + profile.offset, self._anchor - 2000)
                )
                withdrawable = exit_ + 256
            elif profile.course == _EXITING:
                exit_ = max(activation + 1, self._anchor - 2250 + profile.offset % 15_750)
                withdrawable = exit_ + 256
            elif profile.course == _SLASHED_OLD:
                exit_ = max(
                    activation + 300, min(activation + 500 + profile.offset, self._anchor - 20_000)
                )
                withdrawable = exit_ + 8192
                slashed_at = exit_ - 256

        # balances: accrue from activation until the exit, swept (0x01) or compounding (0x02)
        at = min(epoch, exit_)
        age = max(0, at - activation) if activation != FAR else 0
        slashed = slashed_at is not None and epoch >= slashed_at
        if kind == 0:
            balance = start + age * self._reward(start)
        elif kind == 1:
            balance = start + min(age, (at + profile.phase) % self._sweep) * self._reward(start)
        else:
            balance = start + age * self._reward(start)
            if balance > MAX_EFFECTIVE_BALANCE:
                balance = MAX_EFFECTIVE_BALANCE + ((at + profile.phase) % self._sweep) * (
                    self._reward(MAX_EFFECTIVE_BALANCE)
                )
        if slashed and slashed_at is not None:
            balance -= start // 4096 + (min(epoch, exit_) - slashed_at) * self._reward(start)
        effective = min(MAX_EFFECTIVE_BALANCE, balance // GWEI * GWEI) if kind == 2 else start

        # status, and the epochs a node reports at this point
        swept = withdrawable + 1 + profile.phase % max(1, self._sweep)
        if activation == FAR or epoch < activation:
            status = "pending_initialized" if eligibility == FAR else "pending_queued"
            if epoch < activation - 5:
                activation = FAR
        elif epoch < exit_:
            status = (
                "active_slashed"
                if slashed
                else "active_exiting"
                if exit_ != FAR and epoch >= exit_ - 256
                else "active_ongoing"
            )
        elif epoch < withdrawable:
            status = "exited_slashed" if slashed else "exited_unslashed"
        elif epoch < swept or special is not None:  # the demo wallets are never swept
            status = "withdrawal_possible"
        else:
            status, balance, effective = "withdrawal_done", 0, 0
        if exit_ != FAR and epoch < exit_ - 256 and not slashed:  # exit not initiated yet
            exit_ = withdrawable = FAR
        life = _Life(
            balance=balance,
            status=status,
            effective=effective,
            slashed=slashed,
            eligibility=eligibility,
            activation=activation,
            exit=exit_,
            withdrawable=withdrawable,
        )
        return life, mode, credentials, profile.pubkey_prefix

    def _render(self, index: int, epoch: int) -> tuple[str, bytes]:
        life, mode, credentials, pubkey_prefix = self._life(index, epoch)
        head = (
            index,
            life.balance,
            life.status.encode(),
            pubkey_prefix,
            (index * _PUBKEY_MULTIPLIER + self._salt) & _M64,
        )
        tail = (
            life.effective,
            b"true" if life.slashed else b"false",
            life.eligibility,
            life.activation,
            life.exit,
            life.withdrawable,
        )
        if mode == _SHARED:
            row = _SHARED_ROW % (*head, credentials, *tail)
        elif mode == _SOLO:
            address = (index * self._solo_multiplier + self._solo_salt) & _M160
            row = _SOLO_ROW % (*head, self._profile(index).kind, address, *tail)
        else:
            suffix = (index * _PUBKEY_MULTIPLIER + self._bls_salt) & _M64
            row = _BLS_ROW % (*head, credentials, suffix, *tail)
        return life.status, row

    def _rows(self, start: int, stop: int, epoch: int, statuses: frozenset[str] | None) -> bytes:
        """Rows [start, stop) joined by commas. Active profile validators (~90 %) take a
        fast path — their profile's pre-rendered template, for 0x01 validators active for
        longer than a sweep even with the epoch's balance filled in — which must agree
        with `_life` (tests compare the streamed set with the per-id answers)."""
        if statuses is not None:
            rendered = (self._render(index, epoch) for index in range(start, stop))
            return b",".join(row for status, row in rendered if status in statuses)
        rows: list[bytes] = []
        append = rows.append
        profiles, special, fast = self._profiles, self._special, self._fast
        matured, solo = self._matured(epoch), self._solo
        span, queued_from, sweep, salt = (
            self._activation_span,
            self._queued_from,
            self._sweep,
            self._salt,
        )
        shift = 32 - _PROFILE_BITS
        for index in range(start, stop):
            number = ((index * 2654435761) & 0xFFFFFFFF) >> shift
            activation = index * span // queued_from
            age = epoch - activation
            template = matured[number]
            if (
                template is not None
                and age >= sweep
                and index < queued_from
                and index not in special
            ):
                pubkey = (index * _PUBKEY_MULTIPLIER + salt) & _M64
                eligibility = activation - 6 if activation > 6 else 0
                if solo[number]:
                    address = (index * self._solo_multiplier + self._solo_salt) & _M160
                    append(template % (index, pubkey, address, eligibility, activation))
                else:
                    append(template % (index, pubkey, eligibility, activation))
                continue
            template = fast[number]
            if template is None or index >= queued_from or age < 0 or index in special:
                append(self._render(index, epoch)[1])
                continue
            profile = profiles[number]
            kind, balance, reward = profile.kind, profile.start_balance, profile.reward
            effective = balance
            if kind == 1:
                accrued = (epoch + profile.phase) % sweep
                balance += (accrued if accrued < age else age) * reward
            else:
                balance += age * reward
                if kind == 2:
                    if balance > MAX_EFFECTIVE_BALANCE:
                        balance = (
                            MAX_EFFECTIVE_BALANCE
                            + ((epoch + profile.phase) % sweep) * self._max_reward
                        )
                    effective = min(MAX_EFFECTIVE_BALANCE, balance // GWEI * GWEI)
            pubkey = (index * _PUBKEY_MULTIPLIER + salt) & _M64
            eligibility = activation - 6 if activation > 6 else 0
            if profile.mode == _SHARED:
                args: tuple[int, ...] = (index, balance, pubkey, effective, eligibility, activation)
            elif profile.mode == _SOLO:
                address = (index * self._solo_multiplier + self._solo_salt) & _M160
                args = (index, balance, pubkey, address, effective, eligibility, activation)
            else:
                suffix = (index * _PUBKEY_MULTIPLIER + self._bls_salt) & _M64
                args = (index, balance, pubkey, suffix, effective, eligibility, activation)
            append(template % args)
        return b",".join(rows)

    def _matured(self, epoch: int) -> list[bytes | None]:
        """Per profile: the row of a 0x01 validator active for longer than a sweep, whose
        balance depends on the epoch only (computed once per epoch)."""
        if self._matured_cache is None or self._matured_cache[0] != epoch:
            templates: list[bytes | None] = []
            for profile in self._profiles:
                if profile.kind != 1 or profile.course != _ACTIVE:
                    templates.append(None)
                    continue
                accrued = (epoch + profile.phase) % self._sweep
                balance = profile.start_balance + accrued * profile.reward
                templates.append(self._fast_template(profile, balance))
            self._matured_cache = (epoch, templates)
        return self._matured_cache[1]

    def _fast_template(self, profile: _Profile, balance: int | None = None) -> bytes | None:
        """`profile`'s row while active_ongoing, with everything constant filled in (and
        the balance, when given; only for 0x01, whose effective balance is fixed)."""
        if profile.course != _ACTIVE:
            return None
        credentials = {
            _SHARED: profile.credentials,
            _SOLO: b"0x%02x" % profile.kind + b"00" * 11 + b"%040x",
            _BLS: b"0x00" + profile.credentials + b"%016x",
        }[profile.mode]
        amounts = (
            (b"%d", b"%d") if balance is None else (b"%d" % balance, b"%d" % profile.start_balance)
        )
        return (
            b'{"index":"%%d","balance":"%s","status":"active_ongoing","validator":{'
            b'"pubkey":"%s%%016x","withdrawal_credentials":"%s","effective_balance":"%s",'
            b'"slashed":false,"activation_eligibility_epoch":"%%d","activation_epoch":"%%d",'
            b'"exit_epoch":"%d","withdrawable_epoch":"%d"}}'
        ) % (amounts[0], profile.pubkey_prefix, credentials, amounts[1], FAR, FAR)

    def entries(self, indices: Iterable[int], epoch: int) -> list[dict[str, Any]]:
        """Wire-format entries of these validators (unknown indices skipped)."""
        rows = [self._render(i, epoch)[1] for i in indices if 0 <= i < self.count]
        result: list[dict[str, Any]] = json.loads(b"[" + b",".join(rows) + b"]")
        return result

    def index_of(self, validator_id: str) -> int | None:
        """A validator index from an index string or a pubkey; None when unknown."""
        if validator_id.isdigit():
            index = int(validator_id)
        else:
            body = validator_id.lower()
            if len(body) != 98 or not body.startswith("0x"):
                return None
            try:
                suffix = int(body[82:], 16)
            except ValueError:
                return None
            index = ((suffix - self._salt) * _PUBKEY_INVERSE) & _M64
            if index >= self.count or self._profile(index).pubkey_prefix != body[:82].encode():
                return None
        return index if index < self.count else None

    def missed(self, index: int, epoch: int) -> bool:
        """Whether the validator missed its attestation in `epoch`."""
        permille = self._profile(index).miss_permille
        digest = hashlib.blake2b(b"%d/%d/%d" % (self.seed, index, epoch), digest_size=4).digest()
        return int.from_bytes(digest) % 1000 < permille

    # --- the HTTP API ---------------------------------------------------------------------

    async def __call__(self, request: httpx.Request, now: datetime) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        head_epoch = epoch_at(now)
        try:
            match (request.method, parts):
                case ("GET", ["eth", "v1", "beacon", "genesis"]):
                    return self._genesis()
                case ("GET", ["eth", "v1", "config", "spec"]):
                    return _json({"data": self.spec()})
                case ("GET", ["eth", "v1", "beacon", "headers", block_id]):
                    return self._header(block_id, now)
                case ("GET", ["eth", "v1", "beacon", "states", state, "finality_checkpoints"]):
                    return self._finality(self._state_epoch(state, head_epoch))
                case (
                    "GET" | "POST",
                    ["eth", "v1", "beacon", "states", state, "validators"],
                ):
                    return self._validators(request, self._state_epoch(state, head_epoch))
                case (
                    "GET" | "POST",
                    ["eth", "v1", "beacon", "states", state, "validator_balances"],
                ):
                    return self._balances(request, self._state_epoch(state, head_epoch))
                case ("GET", ["eth", "v2", "beacon", "blocks", block_id]):
                    return self._block(block_id, head_epoch, now)
                case ("POST", ["eth", "v1", "beacon", "rewards", "attestations", epoch]):
                    return self._rewards(request, _uint(epoch), head_epoch)
                case ("POST", ["eth", "v1", "validator", "liveness", epoch]):
                    return self._liveness(request, _uint(epoch), head_epoch)
        except _BadRequest as exc:
            return _error(exc.status, str(exc))
        return _error(404, f"Route not found: {request.method} {request.url.path}")

    def spec(self) -> dict[str, str]:
        return {
            "CONFIG_NAME": "staketrack-demo",
            "PRESET_BASE": "mainnet",
            "SECONDS_PER_SLOT": str(SECONDS_PER_SLOT),
            "SLOTS_PER_EPOCH": str(SLOTS_PER_EPOCH),
            "BASE_REWARD_FACTOR": str(self.base_reward_factor),
            "EFFECTIVE_BALANCE_INCREMENT": str(GWEI),
            "MAX_EFFECTIVE_BALANCE": str(32 * GWEI),
            "MAX_EFFECTIVE_BALANCE_ELECTRA": str(MAX_EFFECTIVE_BALANCE),
            "MIN_ACTIVATION_BALANCE": str(32 * GWEI),
            "MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA": "4096",
            "PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX": "3",
            "WHISTLEBLOWER_REWARD_QUOTIENT_ELECTRA": "4096",
            "PROPOSER_REWARD_QUOTIENT": "8",
            "INACTIVITY_PENALTY_QUOTIENT_BELLATRIX": "16777216",
            "MIN_GENESIS_TIME": "1606824000",
            "GENESIS_FORK_VERSION": "0x00000000",
            "DEPOSIT_CHAIN_ID": "1",
            "DEPOSIT_NETWORK_ID": "1",
            "DEPOSIT_CONTRACT_ADDRESS": "0x00000000219ab540356cbb839cbe05303d7705fa",
            "EPOCHS_PER_SYNC_COMMITTEE_PERIOD": "256",
            "SYNC_COMMITTEE_SIZE": "512",
            "MAX_SEED_LOOKAHEAD": "4",
            "MIN_VALIDATOR_WITHDRAWABILITY_DELAY": "256",
            "MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP": "16384",
            "MAX_WITHDRAWALS_PER_PAYLOAD": "16",
        }

    def _state_epoch(self, state: str, head_epoch: int) -> int:
        if state == "head":
            return head_epoch
        if state == "finalized":
            return max(0, head_epoch - 2)
        if state == "justified":
            return max(0, head_epoch - 1)
        if state == "genesis":
            return 0
        if state.isdigit():
            slot = int(state)
            if slot // SLOTS_PER_EPOCH > head_epoch:
                raise _BadRequest(404, "State not found")
            return slot // SLOTS_PER_EPOCH
        raise _BadRequest(400, f"Invalid state ID: {state}")

    def _genesis(self) -> httpx.Response:
        return _json(
            {
                "data": {
                    "genesis_time": str(GENESIS_TIME),
                    "genesis_validators_root": GENESIS_VALIDATORS_ROOT,
                    "genesis_fork_version": "0x00000000",
                }
            }
        )

    def _root(self, *parts: object) -> str:
        text = "/".join(map(str, (self.seed, *parts)))
        return "0x" + hashlib.sha256(text.encode()).hexdigest()

    def _header(self, block_id: str, now: datetime) -> httpx.Response:
        head_slot = max(0, int(now.timestamp() - GENESIS_TIME) // SECONDS_PER_SLOT)
        if block_id == "head":
            slot = head_slot
        elif block_id == "finalized":
            slot = max(0, epoch_at(now) - 2) * SLOTS_PER_EPOCH
        elif block_id.isdigit() and int(block_id) <= head_slot:
            slot = int(block_id)
        else:
            raise _BadRequest(404, "Block header not found")
        root = self._root("block", slot)
        message = {
            "slot": str(slot),
            "proposer_index": str(slot * 7919 % self.count),
            "parent_root": self._root("block", slot - 1),
            "state_root": self._root("state", slot),
            "body_root": self._root("body", slot),
        }
        return _json(
            {
                "execution_optimistic": False,
                "finalized": block_id == "finalized",
                "data": {
                    "root": root,
                    "canonical": True,
                    "header": {"message": message, "signature": "0x" + "00" * 96},
                },
            }
        )

    def _finality(self, epoch: int) -> httpx.Response:
        def checkpoint(at: int) -> dict[str, str]:
            at = max(0, at)
            return {"epoch": str(at), "root": self._root("block", at * SLOTS_PER_EPOCH)}

        return _json(
            {
                "execution_optimistic": False,
                "finalized": False,
                "data": {
                    "previous_justified": checkpoint(epoch - 2),
                    "current_justified": checkpoint(epoch - 1),
                    "finalized": checkpoint(epoch - 2),
                },
            }
        )

    def _validators(self, request: httpx.Request, epoch: int) -> httpx.Response:
        if request.method == "POST":
            body = _body(request)
            if not isinstance(body, dict):
                raise _BadRequest(400, "Invalid request body")
            ids, statuses = body.get("ids") or [], body.get("statuses") or []
        else:
            ids = [v for value in request.url.params.get_list("id") for v in value.split(",")]
            statuses = [
                v for value in request.url.params.get_list("status") for v in value.split(",")
            ]
        wanted = _statuses(statuses)
        if not ids:  # the whole set: streamed
            return httpx.Response(
                200,
                headers={"content-type": "application/json"},
                content=self._stream(epoch, wanted),
            )
        indices = []
        for validator_id in ids:
            if not isinstance(validator_id, str):
                raise _BadRequest(400, "Invalid validator ID")
            index = self.index_of(validator_id)
            if index is not None:
                indices.append(index)
        data = [
            entry
            for entry in self.entries(dict.fromkeys(indices), epoch)
            if wanted is None or entry["status"] in wanted
        ]
        return _json({"execution_optimistic": False, "finalized": False, "data": data})

    async def _stream(self, epoch: int, statuses: frozenset[str] | None) -> AsyncIterator[bytes]:
        yield b'{"execution_optimistic":false,"finalized":false,"data":['
        separator = b""
        for start in range(0, self.count, CHUNK_ROWS):
            rows = self._rows(start, min(self.count, start + CHUNK_ROWS), epoch, statuses)
            if rows:
                yield separator + rows
                separator = b","
        yield b"]}"

    def _requested(self, request: httpx.Request) -> list[int]:
        body = _body(request)
        if not isinstance(body, list) or not body:
            raise _BadRequest(400, "Invalid request: an array of validator ids is required")
        indices = []
        for item in body:
            index = self.index_of(str(item))
            if index is not None:
                indices.append(index)
        return list(dict.fromkeys(indices))

    def _rewards(self, request: httpx.Request, epoch: int, head_epoch: int) -> httpx.Response:
        if epoch > head_epoch - 2:  # rewards exist once the epoch is finalized
            raise _BadRequest(404, "Epoch not known or required data not available")
        indices = self._requested(request)
        ideal: dict[int, dict[str, str]] = {}
        total = []
        for index in indices:
            life = self._life(index, epoch)[0]
            base = life.effective // GWEI * self._base_reward  # Altair: weights of 64
            weights = {"head": 14, "target": 26, "source": 14}
            earned = {duty: base * weight // 64 for duty, weight in weights.items()}
            if life.effective not in ideal:
                ideal[life.effective] = {
                    "effective_balance": str(life.effective),
                    **{duty: str(amount) for duty, amount in earned.items()},
                    "inactivity": "0",
                }
            if not life.status.startswith("active"):
                earned = dict.fromkeys(weights, 0)
            elif life.slashed or self.missed(index, epoch):
                # a missed vote is penalised; so is every vote of a slashed validator
                earned = {"head": 0, "target": -earned["target"], "source": -earned["source"]}
            total.append(
                {
                    "validator_index": str(index),
                    **{duty: str(amount) for duty, amount in earned.items()},
                    "inactivity": "0",
                }
            )
        data = {"ideal_rewards": [ideal[k] for k in sorted(ideal)], "total_rewards": total}
        return _json({"execution_optimistic": False, "finalized": True, "data": data})

    def _liveness(self, request: httpx.Request, epoch: int, head_epoch: int) -> httpx.Response:
        if epoch > head_epoch:
            raise _BadRequest(400, f"Invalid epoch: {epoch}")
        data = []
        for index in self._requested(request):
            life = self._life(index, epoch)[0]
            live = life.status.startswith("active") and not life.slashed
            data.append({"index": str(index), "is_live": live and not self.missed(index, epoch)})
        return _json({"data": data})

    # --- rewards (issue 14): balances, withdrawals in block payloads, the ledger --------

    def _balances(self, request: httpx.Request, epoch: int) -> httpx.Response:
        if request.method == "POST":
            body = _body(request)
            if not isinstance(body, list) or not body:
                raise _BadRequest(400, "Invalid request: an array of validator ids is required")
            ids = [str(item) for item in body]
        else:
            ids = [v for value in request.url.params.get_list("id") for v in value.split(",")]
            if not ids:
                raise _BadRequest(400, "This demo node serves balances by id only")
        indices = [i for i in (self.index_of(v) for v in ids) if i is not None]
        data = [
            {"index": str(i), "balance": str(self._life(i, epoch)[0].balance)}
            for i in dict.fromkeys(indices)
        ]
        return _json({"execution_optimistic": False, "finalized": False, "data": data})

    def _income(self, index: int, epoch: int) -> int:
        """Gwei the validator earned in `epoch` (the demo's constant per-epoch reward)."""
        special = self._special.get(index)
        kind, start = (
            (special.kind, special.start_balance)
            if special is not None
            else (self._profile(index).kind, self._profile(index).start_balance)
        )
        life = self._life(index, epoch)[0]
        if kind == 2 and life.balance >= MAX_EFFECTIVE_BALANCE:
            return self._reward(MAX_EFFECTIVE_BALANCE)
        return self._reward(start)

    def withdrawn(self, index: int, epoch: int) -> int:
        """Gwei the sweep withdrew from a demo wallet's validator in the first slot of
        `epoch` (0 when it was not swept). Only the demo wallets' validators are swept in
        the block payloads the demo serves."""
        special = self._special.get(index)
        if special is None or special.kind == 0 or epoch < 1:
            return 0
        before, after = self._life(index, epoch - 1)[0], self._life(index, epoch)[0]
        if after.slashed or not before.status.startswith("active"):
            return 0
        if not after.status.startswith("active") or after.balance >= before.balance:
            return 0
        return before.balance + self._income(index, epoch) - after.balance

    def _block(self, block_id: str, head_epoch: int, now: datetime) -> httpx.Response:
        head = int(now.timestamp() - GENESIS_TIME) // SECONDS_PER_SLOT
        slot = head if block_id == "head" else _uint(block_id) if block_id.isdigit() else -1
        if slot < 0:
            raise _BadRequest(400, f"Invalid block ID: {block_id}")
        if slot > head:
            raise _BadRequest(404, "Block not found")
        withdrawals: list[dict[str, str]] = []
        if slot % SLOTS_PER_EPOCH == 0:
            epoch = slot // SLOTS_PER_EPOCH
            for index in sorted(self._special):
                amount = self.withdrawn(index, epoch)
                if amount:
                    withdrawals.append(
                        {
                            "index": str(epoch * 16 + len(withdrawals)),
                            "validator_index": str(index),
                            "address": self._special[index].address,
                            "amount": str(amount),
                        }
                    )
        body = {
            "randao_reveal": "0x" + "00" * 96,
            "graffiti": "0x" + "00" * 32,
            "execution_payload": {
                "parent_hash": self._root("payload", slot - 1),
                "block_hash": self._root("payload", slot),
                "block_number": str(slot - 4_700_000),
                "timestamp": str(GENESIS_TIME + slot * SECONDS_PER_SLOT),
                "withdrawals": withdrawals,
            },
        }
        message = {
            "slot": str(slot),
            "proposer_index": str(hash_index(self.seed, slot) % self.count),
            "parent_root": self._root("block", slot - 1),
            "state_root": self._root("state", slot),
            "body": body,
        }
        return _json(
            {
                "version": "electra",
                "execution_optimistic": False,
                "finalized": slot // SLOTS_PER_EPOCH < head_epoch - 2,
                "data": {"message": message, "signature": "0x" + "00" * 96},
            }
        )

    def ledger(self, address: str, start: datetime, end: datetime) -> dict[str, int]:
        """Gwei each of `address`'s validators earned between the two instants (their
        head epochs): the balance change plus what was swept in between."""
        first, last = epoch_at(start), epoch_at(end)
        earned = {}
        for index, special in sorted(self._special.items()):
            if special.address != address.lower():
                continue
            change = self._life(index, last)[0].balance - self._life(index, first)[0].balance
            swept = sum(self.withdrawn(index, e) for e in range(first + 1, last + 1))
            earned[str(index)] = change + swept
        return earned


def hash_index(seed: int, slot: int) -> int:
    return int.from_bytes(hashlib.blake2b(b"%d/%d" % (seed, slot), digest_size=8).digest())


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _uint(value: str) -> int:
    if not value.isdigit():
        raise _BadRequest(400, f"Invalid epoch: {value}")
    return int(value)


def _statuses(values: list[Any]) -> frozenset[str] | None:
    wanted: set[str] = set()
    for value in values:
        if value in STATUS_GROUPS:
            wanted.update(STATUS_GROUPS[value])
        elif any(value in group for group in STATUS_GROUPS.values()):
            wanted.add(value)
        else:
            raise _BadRequest(400, f"Invalid status: {value}")
    return frozenset(wanted) if wanted else None


def _body(request: httpx.Request) -> Any:
    try:
        return json.loads(request.content or b"null")
    except ValueError:
        raise _BadRequest(400, "Invalid JSON body") from None


def _json(body: Any) -> httpx.Response:
    return httpx.Response(200, json=body)


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"code": status, "message": message})
