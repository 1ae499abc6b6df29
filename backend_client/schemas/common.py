from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class WireModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(WireModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int


class Health(BaseModel):
    status: str
    version: str
    database: str
    time: str
