"""Dependencies as `Annotated` aliases: the app state, and who is asking with which role."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from service.keys import Principal, Role
from service.state import ServiceState

_bearer = HTTPBearer(auto_error=False, description="An API key from `promo service key add`.")


def service_state(request: Request) -> ServiceState:
    """The app's state; 503 while the service is still starting."""
    state: ServiceState | None = getattr(request.app.state, "service", None)
    if state is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the service is starting", {"Retry-After": "5"})
    return state


StateDep = Annotated[ServiceState, Depends(service_state)]


def principal(
    request: Request,
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller named by `Authorization: Bearer <key>`; 401 without a valid key."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        detail = "missing API key: send 'Authorization: Bearer <key>' (an admin creates keys: promo service key add)"
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail, challenge)
    who = state.runtime.keys.verify(credentials.credentials)
    if who is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "unknown or revoked API key", challenge)
    request.state.principal = who  # the audit middleware reads it after the response
    return who


def _role(needed: Role) -> object:
    def check(who: Annotated[Principal, Depends(principal)]) -> Principal:
        if not who.may(needed):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"key {who.name!r} has role {who.role!r}; this needs role {needed!r}"
            )
        return who

    check.__doc__ = f"The caller, who must have role {needed!r} or above."
    return Depends(check)


Marketer = Annotated[Principal, _role("marketer")]
"""Generate, chat, campaign runs, feedback."""
Admin = Annotated[Principal, _role("admin")]
"""Everything, including erasure and key management."""
