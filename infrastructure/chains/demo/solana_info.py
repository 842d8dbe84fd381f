"""The demo cluster's Config program accounts: validator-info as `solana validator-info
publish` writes it, plus the StakeConfig account every cluster has.

A validator-info account's data is the Config program's ConfigKeys (a short-vec count,
then each key with its signer flag: the Va1idator1nfo marker, then the validator's
identity, a signer) followed by a bincode string (u64 little-endian length, UTF-8 JSON
with `name` and optional `website`, `iconUrl`, `details`, `keybaseUsername`), in an
account of fixed size padded with zeros. `parse` reads such data back the way a node's
account decoder does for `encoding: jsonParsed`; anything else is not parsable.

Most validators publish (deterministic from the seed): a name, usually a website, often
an icon and details, on older accounts a Keybase username. As on mainnet some data is
junk (a bidi override, a non-http website), and a few RPC nodes that vote for nobody
published too.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

from solders.pubkey import Pubkey

from infrastructure.chains.demo import solana_world as w
from infrastructure.chains.solana.mapping import VALIDATOR_INFO_KEY

PUBLISHED_SHARE = 0.85
INFO_SPACE = 643  # ConfigKeys of two keys (67 bytes) + the CLI's 576-byte info maximum
INFO_LAMPORTS = 5_365_920  # rent-exempt minimum of 643 bytes
STAKE_CONFIG = "StakeConfig11111111111111111111111111111111"
STAKE_CONFIG_DATA = b"\0" + struct.pack("<d", 0.25) + bytes([12])  # no keys; rate, penalty
STAKE_CONFIG_LAMPORTS = 960_480

_FIRST = (
    "Solar", "Lunar", "Atlas", "Nova", "Orbit", "Granite", "Harbor", "Summit", "Falcon",
    "Cedar", "Prism", "Quartz", "Aurora", "Beacon", "Comet", "Delta", "Echo", "Zenith",
    "Vertex", "Meridian", "Pioneer", "Tidal", "Cobalt", "Ember", "Glacier", "Horizon",
    "Ironwood", "Juniper", "Kestrel", "Lighthouse", "Maple", "Nimbus", "Onyx", "Polar",
    "Radiant", "Sequoia", "Terra", "Umbra", "Velvet", "Willow",
)  # fmt: skip
_SECOND = (
    "Stake", "Labs", "Validator", "Nodes", "Capital", "Staking", "Systems", "Works",
    "Network", "Foundry", "Collective", "Infra", "Ventures", "Guild", "Ops", "Forge", "Hub",
    "Core", "Digital", "Cloud", "Yield", "Chain", "Node", "Vault", "Bridge", "Station",
    "Signal", "Relay", "Craft", "Union",
)  # fmt: skip
_DECORATIONS = ("", "", "", "", "", "", " 🚀", " ☀️", " | MEV", " | 0% fee")


@dataclass(frozen=True, slots=True)
class ConfigAccount:
    pubkey: str
    data: bytes
    lamports: int


def _short_vec(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def encode_info(identity: str, info: dict[str, str], space: int = INFO_SPACE) -> bytes:
    keys = [(VALIDATOR_INFO_KEY, False), (identity, True)]
    data = _short_vec(len(keys)) + b"".join(
        bytes(Pubkey.from_string(key)) + bytes([signer]) for key, signer in keys
    )
    text = json.dumps(info, ensure_ascii=False, separators=(",", ":")).encode()
    data += struct.pack("<Q", len(text)) + text
    return data.ljust(space, b"\0")


def _read_short_vec(data: bytes) -> tuple[int, int]:
    value = shift = 0
    for offset, byte in enumerate(data[:3]):
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, offset + 1
        shift += 7
    raise ValueError("bad short-vec")


def parse(data: bytes) -> dict[str, Any] | None:
    """`{"type": "validatorInfo", "info": {"keys", "configData"}}` as a node's account
    decoder parses validator-info; None when it would not (a node then sends base64)."""
    try:
        count, offset = _read_short_vec(data)
        keys = []
        for _ in range(count):
            key = data[offset : offset + 32]
            if len(key) != 32 or data[offset + 32] not in (0, 1):
                return None
            keys.append({"pubkey": str(Pubkey(key)), "signer": data[offset + 32] == 1})
            offset += 33
        if not keys or keys[0]["pubkey"] != VALIDATOR_INFO_KEY:
            return None
        (length,) = struct.unpack_from("<Q", data, offset)
        text = data[offset + 8 : offset + 8 + length]
        if len(text) != length:
            return None
        config = json.loads(text.decode())
    except (ValueError, IndexError, struct.error, UnicodeDecodeError):
        return None
    return {"type": "validatorInfo", "info": {"keys": keys, "configData": config}}


def _slug(name: str) -> str:
    return "".join(c for c in name.lower() if c.isascii() and c.isalnum())


def _info(seed: int, index: int, name: str) -> dict[str, str]:
    slug = _slug(name)
    info = {"name": name}
    if w.unit(seed, "info-website", index) < 0.75:
        info["website"] = f"https://{slug}.io"
    if w.unit(seed, "info-icon", index) < 0.45:
        info["iconUrl"] = f"https://{slug}.io/logo.png"
    if w.unit(seed, "info-details", index) < 0.6:
        since = 2020 + int(w.unit(seed, "info-since", index) * 5)
        info["details"] = f"{name}: Solana validator since {since}. Secure, reliable staking."
    if w.unit(seed, "info-keybase", index) < 0.15:
        info["keybaseUsername"] = slug[:16]
    return info


def config_accounts(world: w.World) -> list[ConfigAccount]:
    """Every account of the Config program, in the node's (address) order."""
    seed = world.seed
    names = [f"{a} {b}" for a in _FIRST for b in _SECOND]
    names.sort(key=lambda name: w.unit(seed, "info-name", name))
    accounts = [ConfigAccount(STAKE_CONFIG, STAKE_CONFIG_DATA, STAKE_CONFIG_LAMPORTS)]
    for p in sorted(world.profiles, key=lambda p: p.index):
        if w.unit(seed, "info", p.index) >= PUBLISHED_SHARE:
            continue  # publishes nothing: no name
        decoration = _DECORATIONS[int(w.unit(seed, "info-deco", p.index) * len(_DECORATIONS))]
        name = names[p.index % len(names)] + (" II" if p.index >= len(names) else "")
        info = {**_info(seed, p.index, name), "name": name + decoration}
        if p.index % 331 == 7:  # junk, as on mainnet: a bidi override, a javascript: link
            info = {"name": f"\u202e{info['name']}\n", "website": "javascript:alert(1)"}
        address = w.pubkey(seed, "info", p.index)
        accounts.append(ConfigAccount(address, encode_info(p.node, info), INFO_LAMPORTS))
    for i in range(3):  # RPC nodes publish too; they vote for nobody
        info = {"name": f"Public RPC {i + 1}", "website": "https://rpc.example.org"}
        data = encode_info(w.pubkey(seed, "rpc", i), info)
        accounts.append(ConfigAccount(w.pubkey(seed, "rpc-info", i), data, INFO_LAMPORTS))
    return sorted(accounts, key=lambda a: bytes(Pubkey.from_string(a.pubkey)))
