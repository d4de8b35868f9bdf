"""Query cost limit: a validation rule, so it is cached with the document like the others.

Cost = 1 per selected field, multiplied by the size of every list above it. A list's size is its
page size (`first`) when it has one: given literally, by a variable (counted at the variable's
default in the operation, else at the largest page, 500: validation does not see variable
values, and an unknown size must count as the worst), or omitted (counted at the argument's
default). A list without `first` counts at the number of rows its field declares with
`assumed_rows(n)` (e.g. a project's milestones); lists inside a connection (`edges`, `nodes`)
are already counted by the connection's `first`. A field that is heavy in itself (an aggregate
over a whole portfolio) counts as the number of fields it declares with `assumed_cost(n)`.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
    get_named_type,
)

MAX_PAGE = 500
DEFAULT_PAGE = 50

_ASSUMED_ROWS = "pmo_api.assumed_rows"
_ASSUMED_COST = "pmo_api.assumed_cost"


def assumed_rows(rows: int) -> dict[str, int]:
    """Field metadata (`strawberry.field(metadata=assumed_rows(n))`) for a list without `first`:
    the cost limit counts what is selected inside it n times."""
    return {_ASSUMED_ROWS: rows}


def assumed_cost(cost: int) -> dict[str, int]:
    """Field metadata (`strawberry.field(metadata=assumed_cost(n))`) for a field that is costly
    in itself, whatever is selected inside it (e.g. a portfolio's summary, which reads every
    project of the portfolio): the field counts n, not 1."""
    return {_ASSUMED_COST: cost}


def _metadata(field: GraphQLField | None) -> dict[str, int]:
    if field is None:
        return {}
    definition = (field.extensions or {}).get("strawberry-definition")
    return getattr(definition, "metadata", None) or {}


def _declared_rows(field: GraphQLField) -> int:
    return int(_metadata(field).get(_ASSUMED_ROWS, 1))


def _declared_cost(field: GraphQLField | None) -> int:
    return int(_metadata(field).get(_ASSUMED_COST, 1))


def cost_limit_rule(max_cost: int) -> type[ValidationRule]:
    class CostLimitRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            defaults = {
                v.variable.name.value: v.default_value
                for v in node.variable_definitions or ()
                if isinstance(v.default_value, IntValueNode)
            }
            root = self.context.schema.get_root_type(node.operation)
            cost = self._cost(node.selection_set, root, 1, defaults, set())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"query cost {cost} exceeds the limit of {max_cost}; ask for smaller "
                        "pages (`first`) or fewer nested lists",
                        node,
                    )
                )

        def _cost(
            self,
            selection_set: SelectionSetNode | None,
            parent: GraphQLNamedType | None,
            multiplier: int,
            defaults: dict[str, Any],
            seen_fragments: set[str],
        ) -> int:
            if selection_set is None:
                return 0
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    field = self._field(parent, selection.name.value)
                    total += multiplier * _declared_cost(field)
                    inner = multiplier * self._rows(selection, field, defaults)
                    child = None if field is None else get_named_type(field.type)
                    total += self._cost(
                        selection.selection_set, child, inner, defaults, seen_fragments
                    )
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    on = parent if condition is None else self._type(condition.name.value)
                    total += self._cost(
                        selection.selection_set, on, multiplier, defaults, seen_fragments
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is None or name in seen_fragments:
                        continue  # unknown or cyclic: other rules report those
                    total += self._cost(
                        fragment.selection_set,
                        self._type(fragment.type_condition.name.value),
                        multiplier,
                        defaults,
                        seen_fragments | {name},
                    )
            return total

        def _type(self, name: str) -> GraphQLNamedType | None:
            return self.context.schema.get_type(name)

        @staticmethod
        def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
            if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
                field: GraphQLField | None = parent.fields.get(name)
                return field
            return None  # a union, __typename, or a field other rules reject

        @staticmethod
        def _rows(node: FieldNode, field: GraphQLField | None, defaults: dict[str, Any]) -> int:
            for argument in node.arguments or ():
                if argument.name.value != "first":
                    continue
                value = argument.value
                if isinstance(value, IntValueNode):
                    return max(1, int(value.value))
                if isinstance(value, VariableNode):
                    default = defaults.get(value.name.value)
                    return max(1, int(default.value)) if default is not None else MAX_PAGE
                return MAX_PAGE  # null or a wrong type: other rules report it
            if field is None:
                return 1
            first = field.args.get("first")
            if first is not None:
                default = first.default_value
                return max(1, default) if isinstance(default, int) else MAX_PAGE
            return _declared_rows(field)

    return CostLimitRule
