"""DELETE /v1/users/{user_id}: erase a user from every store."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Path

from domain.people import UserId
from service.deps import Admin, StateDep
from service.erasure import erase_user
from service.schemas.admin import Erasure
from tools.pseudonym import user_ref

router = APIRouter(prefix="/v1/users", tags=["users"])


@router.delete("/{user_id}")
async def delete_user(user_id: Annotated[UserId, Path()], state: StateDep, _who: Admin) -> Erasure:
    """Erase the user's profile, history, feedback, run results and paused runs (admin only)."""
    removed = await anyio.to_thread.run_sync(erase_user, state.runtime, user_id)
    return Erasure(user_ref=user_ref(user_id), removed=removed)
