"""JSON Merge Patch (RFC 7396) for our flat resources: a present field replaces the value, `null`
clears an optional one, an absent field stays. Lists are replaced whole, as the RFC says."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

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
