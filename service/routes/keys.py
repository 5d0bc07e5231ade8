"""/v1/keys: API key management (admin only). A new key is shown once; only its hash is kept."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, status

from service.deps import Admin, StateDep
from service.keys import excerpt_name
from service.schemas.admin import CreatedKey, KeyView, NewKey

router = APIRouter(prefix="/v1/keys", tags=["admin"])


@router.post("", status_code=status.HTTP_201_CREATED, responses={409: {"description": "Name in use."}})
def create_key(body: NewKey, state: StateDep, _who: Admin) -> CreatedKey:
    """Create a key; the response is the only place it ever appears in clear."""
    try:
        key = state.runtime.keys.add(body.name, body.role)
    except ValueError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from error
    return CreatedKey(name=body.name, role=body.role, key=key)


@router.get("")
def list_keys(state: StateDep, _who: Admin) -> list[KeyView]:
    """Every key with its role and dates, never its secret."""
    return [KeyView(**vars(k)) for k in state.runtime.keys.list()]


@router.delete(
    "/{name:path}", status_code=status.HTTP_204_NO_CONTENT, responses={404: {"description": "No active key."}}
)
def revoke_key(name: str, state: StateDep, _who: Admin) -> None:
    """Revoke the active key of that name; it stops working at once.

    A name from before the name rule may hold '/': the name is read to the end of the path.
    """
    if not state.runtime.keys.revoke(name):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no active key named {excerpt_name(name)}")
