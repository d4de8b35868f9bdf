"""JSON Merge Patch (RFC 7396) for our flat resources: a present field replaces the value, `null`
clears an optional one, an absent field stays. Lists are replaced whole, as the RFC says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, create_model, field_validator

from pmo_api.core.inputs import JsonBody


def _not_nullable(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The JSON schema says what the validator says: a field of `required_fields` is optional
    (absent: unchanged) but not nullable (null would clear it: a 422)."""
    required: frozenset[str] = getattr(model, "required_fields", frozenset())
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf")
        if name not in required or not options:
            continue
        kept = [option for option in options if option != {"type": "null"}]
        del prop["anyOf"]
        if len(kept) == 1:
            prop.update(kept[0])
        else:
            prop["anyOf"] = kept


class MergePatch(JsonBody):
    """Base of every PATCH body. Subclasses declare each field optional and list in
    `required_fields` those that may change but never be cleared."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_not_nullable)
    required_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _required_not_cleared(cls, value: Any, info: ValidationInfo) -> Any:
        # Runs only for fields the client sent (defaults are not validated).
        if value is None and info.field_name in cls.required_fields:
            raise ValueError("cannot be cleared (null); give it a value")
        return value

    def changes(self) -> dict[str, Any]:
        """The fields the client sent, with their new values."""
        return {name: getattr(self, name) for name in self.model_fields_set}


P = TypeVar("P", bound=MergePatch)


def patch_of(
    create: type[BaseModel], *, exclude: frozenset[str] = frozenset()
) -> Callable[[type[P]], type[P]]:
    """A class decorator: the merge patch of a resource takes the fields of its create body
    (same names, types and bounds, in the same order), each optional with `None` when absent, so
    the two bodies cannot drift apart. `exclude` names the fields that cannot change after
    creation; the decorated class keeps its `required_fields`."""

    def build(cls: type[P]) -> type[P]:
        fields: dict[str, Any] = {}
        for name, field in create.model_fields.items():
            if name in exclude:
                continue
            kind: Any = field.annotation
            if field.metadata:  # the bounds of an Annotated type (lengths, ranges, patterns)
                kind = Annotated[(kind, *field.metadata)]
            fields[name] = (kind | None, None)
        built: type[P] = create_model(
            cls.__name__, __base__=cls, __module__=cls.__module__, **fields
        )
        return built

    return build
