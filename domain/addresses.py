"""Short display form of chain addresses (`0x1234…5678`), for payloads and logs."""

ELLIPSIS = "…"


def shorten(address: str) -> str:
    if address.startswith("0x"):
        return f"{address[:6]}{ELLIPSIS}{address[-4:]}"
    hrp, sep, rest = address.partition("1")
    if sep and hrp.startswith("cosmos"):
        return f"{hrp}1{rest[:4]}{ELLIPSIS}{rest[-4:]}"
    return f"{address[:4]}{ELLIPSIS}{address[-4:]}"
