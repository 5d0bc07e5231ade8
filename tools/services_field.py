"""The `services` field of the graphs' contexts: the shared clients travel with a run, never built by a read.

Light on purpose: importing the contexts must not import Chroma or the OpenAI client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, overload

from pydantic_core import PydanticOmit, core_schema

if TYPE_CHECKING:
    from tools.services import Services


class MissingServices(RuntimeError):
    """A graph ran without the clients it needs: the caller passed no `services`."""


class ServicesField:
    """A dataclass field holding Services, left out of the context's JSON schema (clients cannot send it).

    Used as ``services: ServicesField = field(default=ServicesField(), repr=False, compare=False)``. Left
    unset, reading it raises MissingServices, so no attribute read starts a model; only the contexts of the
    graphs langgraph.json registers pass ``resolve`` (the process default, built on first read).
    """

    def __init__(self, resolve: Callable[[], Services] | None = None) -> None:
        self._resolve = resolve

    def __set_name__(self, owner: type, name: str) -> None:
        self._attr = f"_{name}_value"

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> None: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> Services: ...
    def __get__(self, obj: object | None, objtype: type | None = None) -> Services | None:
        if obj is None:
            return None  # the dataclass default: "no services given"
        value: Services | None = getattr(obj, self._attr, None)
        if value is None:
            if self._resolve is None:
                raise MissingServices(
                    f"{type(obj).__name__} was built without services: pass services=open_services(settings, "
                    "endpoint) (tools/services.py); only the graphs of langgraph.json start a default"
                )
            value = self._resolve()
            setattr(obj, self._attr, value)
        return value

    def __set__(self, obj: object, value: Services | ServicesField | None) -> None:
        # With field(default=ServicesField(), ...) the dataclass passes the descriptor itself as the default.
        setattr(obj, self._attr, None if isinstance(value, ServicesField) else value)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.any_schema()

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> Any:
        raise PydanticOmit
