"""GraphQL objects from the bodies REST answers with (a service's `x_json`), by one rule: each
field of the type takes the body's value of the same name, IDs as text and enums by value. A
type whose fields are named as REST's then needs no constructor of its own."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Self, TypeVar

import strawberry
from strawberry.types.base import StrawberryOptional, get_object_definition
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType

T = TypeVar("T")
Convert = Callable[[Any], Any]


def from_body(cls: type[T], body: Mapping[str, Any], /, **given: Any) -> T:
    """An instance of the strawberry type `cls`: its fields from `given`, else from `body`."""
    values = dict(given)
    for name, convert in _converters(cls):
        if name not in values:
            value = body[name]
            values[name] = value if convert is None or value is None else convert(value)
    return cls(**values)


_CONVERTERS: dict[type[Any], tuple[tuple[str, Convert | None], ...]] = {}


def _converters(cls: type[Any]) -> tuple[tuple[str, Convert | None], ...]:
    """Per field of `cls` that holds a value (not a resolver's), its name and what turns a
    body's value into the field's (None: the value as it is). Worked out once per type, on
    first use (lazy types are resolved by then)."""
    found = _CONVERTERS.get(cls)
    if found is None:
        definition = get_object_definition(cls, strict=True)
        found = tuple(
            (f.python_name, _converter(f.type))
            for f in definition.fields
            if f.base_resolver is None  # a resolved field (portfolio.projects) is no value
        )
        _CONVERTERS[cls] = found
    return found


def _converter(annotation: Any) -> Convert | None:
    if isinstance(annotation, StrawberryOptional):
        annotation = annotation.of_type
    if isinstance(annotation, LazyType):
        annotation = annotation.resolve_type()
    if annotation is strawberry.ID:
        return _as_id
    if isinstance(annotation, StrawberryEnumDefinition):
        return annotation.wrapped_cls
    if has_enum_definition(annotation):
        return annotation
    return None


def _as_id(value: Any) -> strawberry.ID:
    return strawberry.ID(str(value))


class FromBody:
    """A base for the types made from a row by `from_body` of what a service makes of the row
    (`class CostEntry(FromBody, body_of=service.cost_json)`; without `body_of`, of the row
    itself). It declares no GraphQL field, so the type's fields keep their order."""

    _body_of: ClassVar[Callable[[Any], Mapping[str, Any]] | None]

    def __init_subclass__(
        cls, body_of: Callable[[Any], Mapping[str, Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls._body_of = body_of

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Self:
        body_of = cls._body_of
        return from_body(cls, row if body_of is None else body_of(row))
