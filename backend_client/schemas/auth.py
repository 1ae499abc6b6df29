from __future__ import annotations

from typing import Literal

from pydantic import Field

from backend_client.schemas.common import WireModel

Role = Literal["dispatcher", "supervisor", "admin"]


class Token(WireModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    user: "UserOut"


class UserOut(WireModel):
    id: int
    username: str
    full_name: str
    role: Role
    active: bool


class UserCreate(WireModel):
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    full_name: str = Field(default="", max_length=200)
    role: Role
    password: str = Field(min_length=8, max_length=200)


Token.model_rebuild()
