"""The merge-patch inputs, written once from the create inputs: a patch has the create input's
fields in its order, each optional and unset unless given (as REST's merge-patch bodies)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar, get_type_hints

import strawberry

T = TypeVar("T")

PATCH_DESCRIPTION = "Only the fields given change; null clears an optional one."


def patch_of(create: type[Any], *, without: Collection[str] = ()) -> Callable[[type[T]], type[T]]:
    """A class decorator making the class the patch input of the strawberry input `create`:
    its fields (but those `without`), each `T | None` and UNSET by default. A field's
    description stays on the create input (a patch describes none)."""

    def make(cls: type[T]) -> type[T]:
        hints = get_type_hints(create)
        cls.__annotations__ = {
            name: hint | None for name, hint in hints.items() if name not in without
        }
        for name in cls.__annotations__:
            setattr(cls, name, strawberry.UNSET)
        return strawberry.input(cls, description=PATCH_DESCRIPTION)

    return make
