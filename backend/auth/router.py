from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from backend.auth import service
from backend.auth.deps import Admin, CurrentUser
from backend.auth.models import User
from backend.auth.security import make_token
from backend.db import SessionDep
from backend_client.schemas.common import ErrorBody
from backend_client.schemas.auth import Token, UserCreate, UserOut

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


@router.post("/token", response_model=Token, operation_id="auth_token",
             responses={code: {"model": ErrorBody} for code in (400, 401, 422, 429)})
async def login(request: Request, session: SessionDep,
                form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    user = await service.authenticate(session, username=form.username, password=form.password,
                                      source=request.client.host if request.client else "")
    settings = request.app.state.settings
    token, ttl = make_token(settings.secret_key, user_id=user.id, role=user.role,
                            ttl_minutes=settings.token_ttl_minutes)
    return Token(access_token=token, expires_in=ttl, user=UserOut.model_validate(user))


@router.get("/me", response_model=UserOut, operation_id="auth_me")
def me(user: CurrentUser) -> User:
    return user


users_router = APIRouter(prefix="/api/v1/users", tags=["users"])


@users_router.get("", response_model=list[UserOut], operation_id="users_list")
def list_users(session: SessionDep, _: Admin) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


@users_router.post("", response_model=UserOut, status_code=201, operation_id="users_create")
def create_user(body: UserCreate, session: SessionDep, _: Admin) -> User:
    user = service.create_user(session, username=body.username, role=body.role,
                               password=body.password, full_name=body.full_name)
    session.commit()
    return user
