"""Wire models shared by every route: camelCase base, the request base (strict: no
unknown fields, no control characters), the success envelope, the error body."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
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


T = TypeVar("T")


class Envelope(ApiModel, Generic[T]):
    data: T
    meta: dict[str, Any] = Field(default_factory=dict)


class ErrorBody(ApiModel):
    error: str = Field(description="Human-readable message")
    code: str = Field(description="Stable UPPER_SNAKE code", examples=["NOT_FOUND"])
    details: Any = None


def ok(data: T, **meta: Any) -> Envelope[T]:
    return Envelope[T](data=data, meta=meta)
