"""Wire models shared by every route: camelCase base, the request base (strict: no
unknown fields, no control characters), the success envelope, the error body."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError


class ApiModel(BaseModel):
    """Base of every request and response model: camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


class Multiline:
    """Field marker: this text may contain line feeds (U+000A), e.g. a signed message.
    Use as `Annotated[str, MULTILINE]`."""


MULTILINE = Multiline()
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
_CONTROL_BUT_LF = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _refuse_controls(value: Any, pattern: re.Pattern[str]) -> None:
    if isinstance(value, str):
        found = pattern.search(value)
        if found:
            raise PydanticCustomError(
                "control_character",
                "must not contain control characters (found U+{code})",
                {"code": f"{ord(found.group()):04X}"},
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _refuse_controls(key, pattern)
            _refuse_controls(item, pattern)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _refuse_controls(item, pattern)


class RequestModel(ApiModel):
    """Base of every request body: unknown fields are refused (422 naming them), and no
    text anywhere in it holds a control character (NUL and friends: 422) — line feeds
    only where a field is marked `MULTILINE`. Nested `RequestModel`s check themselves."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        field = cls.model_fields[info.field_name] if info.field_name else None
        multiline = field is not None and any(isinstance(m, Multiline) for m in field.metadata)
        _refuse_controls(value, _CONTROL_BUT_LF if multiline else _CONTROL)
        return value


def _utc_z(value: datetime) -> str:
    """ISO 8601 in UTC with `Z` (a naive time is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


# contract v1: every timestamp on the wire is ISO 8601 UTC with `Z`
UtcDatetime = Annotated[
    datetime, PlainSerializer(_utc_z, return_type=str, when_used="json-unless-none")
]


class Fiat(ApiModel):
    usd: str | None = None
    eur: str | None = None


class Amount(ApiModel):
    """Contract v1: the one amount shape (base units as a string, decimal display, fiat
    when a price is known)."""

    base_units: str = Field(description="Integer in the chain's base unit (gwei, lamports, uatom)")
    display: str = Field(description="Decimal value in the chain's coin (ETH, SOL, ATOM)")
    fiat: Fiat | None = None


class LastError(ApiModel):
    at: UtcDatetime
    code: str
    message: str


class Freshness(ApiModel):
    """Contract v1: how fresh a chain datum is."""

    fetched_at: UtcDatetime | None
    stale: bool
    last_error: LastError | None = None


T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class NoMeta(ApiModel):
    """`meta` of a single resource: nothing (yet)."""


class ListMeta(ApiModel):
    """Contract v1: every list answers `{data: [...], meta: {nextCursor, limit, ...}}`."""

    next_cursor: str | None = None
    limit: int


class MetaEnvelope(ApiModel, Generic[T, M]):
    """Envelope with a typed `meta` (lists use `ListMeta` or a subclass of it)."""

    data: T
    meta: M


class ErrorBody(ApiModel):
    error: str = Field(description="Human-readable message")
    code: str = Field(description="Stable UPPER_SNAKE code", examples=["NOT_FOUND"])
    details: dict[str, Any] = Field(
        default_factory=dict,
        description='Always an object; validation errors: {"fields": [{field, message, type}]}',
    )


class FieldError(ApiModel):
    field: str
    message: str
    type: str


def one(data: T) -> MetaEnvelope[T, NoMeta]:
    """A single resource: `{data, meta: {}}`."""
    return MetaEnvelope[T, NoMeta](data=data, meta=NoMeta())


def whole_list(items: Sequence[T]) -> MetaEnvelope[list[T], ListMeta]:
    """A list served whole in one page: no next cursor, and `limit` is the number of
    items returned."""
    return MetaEnvelope[list[T], ListMeta](
        data=list(items), meta=ListMeta(next_cursor=None, limit=len(items))
    )
