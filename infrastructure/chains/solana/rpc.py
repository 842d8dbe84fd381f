"""JSON-RPC 2.0 over `ChainHttp`: one POST per call to the node's base URL.

ChainHttp already retries timeouts, 429 and 5xx and falls back to the next URL;
this layer unwraps the envelope. An RPC-level `error` object (node behind -32005,
internal error -32603, method disabled ...) means the node could not answer:
ChainUnavailable. Every failure names the RPC method as its endpoint, since the
URL path ("/") says nothing.
"""

from __future__ import annotations

import itertools
from typing import Any, TypeVar

from domain.errors import ChainDataInvalid, ChainUnavailable
from infrastructure.chains.http import ChainHttp
from infrastructure.chains.solana.schemas import RpcResponse

T = TypeVar("T")


def _without_endpoint(details: Any) -> dict[str, Any]:
    return {k: v for k, v in (details or {}).items() if k != "endpoint"}


class SolanaRpc:
    def __init__(self, http: ChainHttp) -> None:
        self.http = http
        self.name = http.name
        self._ids = itertools.count(1)

    async def call(self, method: str, model: type[RpcResponse[T]], *params: Any) -> T:
        payload = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        try:
            response = await self.http.post("", model, json=payload)
        except ChainDataInvalid as exc:
            raise ChainDataInvalid(
                f"{self.name} answered {method} in an unexpected format",
                endpoint=method,
                details=_without_endpoint(exc.details),
            ) from None
        except ChainUnavailable as exc:
            raise ChainUnavailable(
                f"{self.name} unavailable for {method}",
                endpoint=method,
                details=_without_endpoint(exc.details),
            ) from exc
        if response.error is not None:
            error = response.error
            raise ChainUnavailable(
                f"{self.name} refused {method}: {error.code} {error.message}",
                endpoint=method,
                details={"code": error.code, "rpcMessage": error.message},
            )
        if response.result is None:
            raise ChainDataInvalid(
                f"{self.name} answered {method} with neither result nor error",
                endpoint=method,
                details={"errors": ["result: missing"]},
            )
        return response.result

    def invalid(self, method: str, problem: str, **details: Any) -> ChainDataInvalid:
        """A well-formed answer whose content we cannot use (undecodable account data)."""
        return ChainDataInvalid(
            f"{self.name} answered {method} with {problem}",
            endpoint=method,
            details={**details, "errors": details.get("errors", [problem])},
        )
