"""Wire models shared by every route: camelCase base, the success envelope, the error body."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Base of every request and response model: camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )


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
