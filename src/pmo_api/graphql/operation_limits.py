"""What an operation may ask for, checked once its variables are known, before it runs.

Validation (graphql/schema.py) sees only the document, so a page size sent as a variable
(`first: $n`) was counted at a guess; here the operation is costed with the values actually
sent, so the same query costs the same whether its sizes come as literals or as variables.

Cost = 1 per selected field (`weighted(n)`: n for a field heavy in itself), multiplied by the
number of rows every list above it can return. A list's rows are its `first` (literal,
variable or the argument's default), never more than the list's real bound: `bounded(n)` on
the field, else the REST page maximum (500). Every list of objects declares one or the other
(tests/graphql/test_operation_cost.py walks the schema), so no list is counted at a guess;
`edges` and `nodes` of a connection are counted by the connection's `first`.

Filter arguments get REST's bounds (core/listing.py): text up to the length of `q`, a cursor
up to the length of `cursor`, at most as many values in a list as a repeated query parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotated_types import MaxLen
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from pydantic.fields import FieldInfo

from pmo_api.core.listing import MAX_LIMIT, ListParams, many

COST_LIMIT = "COST_LIMIT_EXCEEDED"
BAD_INPUT = "BAD_USER_INPUT"

_BOUND = "pmo_api.bound"
_ROWS = "pmo_api.rows"
_WEIGHT = "pmo_api.weight"


def max_length(field: FieldInfo) -> int:
    """The `max_length` a pydantic field declares: GraphQL takes REST's bounds from there."""
    return next(m.max_length for m in field.metadata if isinstance(m, MaxLen))


MAX_TEXT = max_length(ListParams.model_fields["q"])  # REST's `q`
MAX_CURSOR = max_length(ListParams.model_fields["cursor"])
MAX_VALUES = max_length(many())  # a repeated REST filter parameter


def bounded(
    most: int, rows: Callable[[Mapping[str, Any]], int | None] | None = None
) -> dict[str, Any]:
    """Field metadata for a list without `first`: it returns at most `most` rows (its resolver
    sees to it), or what `rows(arguments)` says when that can tell from the arguments."""
    return {_BOUND: most, _ROWS: rows}


def weighted(cost: int) -> dict[str, int]:
    """Field metadata for a field costly in itself, whatever is selected inside it (a
    portfolio's summary reads every project of the portfolio): it counts `cost`, not 1."""
    return {_WEIGHT: cost}


def _metadata(field: GraphQLField | None) -> Mapping[str, Any]:
    if field is None:
        return {}
    definition = (field.extensions or {}).get("strawberry-definition")
    return getattr(definition, "metadata", None) or {}


class Refused(Exception):
    """The operation may not run: `code` goes to the error's `extensions.code`."""

    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message)
        self.code = code
        self.extensions = extensions

    def as_error(self) -> GraphQLError:
        return GraphQLError(str(self), extensions={"code": self.code, **self.extensions})


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues
    check_filters: bool

    def cost(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        multiplier: int,
        seen: frozenset[str] = frozenset(),
    ) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                field = _field(parent, selection.name.value)
                if field is None:
                    continue  # __typename, or a field validation already refused
                total += multiplier * int(_metadata(field).get(_WEIGHT, 1))
                rows = self._rows(selection, field)
                child = get_named_type(field.type)
                total += self.cost(selection.selection_set, child, multiplier * rows, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = parent if condition is None else self.schema.get_type(condition.name.value)
                total += self.cost(selection.selection_set, on, multiplier, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: validation refused it
                on = self.schema.get_type(fragment.type_condition.name.value)
                total += self.cost(fragment.selection_set, on, multiplier, seen | {name})
        return total

    def _rows(self, node: FieldNode, field: GraphQLField) -> int:
        try:
            arguments = get_argument_values(field, node, self.variables)
        except GraphQLError:
            arguments = None  # a wrong argument: execution refuses it; count the worst meanwhile
        if arguments is not None and self.check_filters:
            for name, value in arguments.items():
                _check_argument(name, value, [node.name.value, name])
        meta = _metadata(field)
        most = int(meta.get(_BOUND, MAX_LIMIT))
        if "first" in field.args:
            first = (arguments or {}).get("first")
            return max(1, min(first, most)) if isinstance(first, int) else most
        if _BOUND in meta:
            estimate = meta.get(_ROWS)
            wanted = estimate(arguments) if estimate and arguments is not None else None
            return max(1, min(wanted, most)) if wanted is not None else most
        return 1  # not a list, or `edges`/`nodes` (counted by the connection's `first`)


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _check_argument(name: str, value: Any, at: list[str]) -> None:
    """REST's bounds on what a read's arguments carry (filters, search text, cursors)."""
    if isinstance(value, str):
        most = MAX_CURSOR if name == "after" else MAX_TEXT
        if len(value) > most:
            raise Refused(
                f"{'.'.join(at)} is longer than {most} characters", BAD_INPUT, argument=at
            )
    elif isinstance(value, list):
        if len(value) > MAX_VALUES:
            raise Refused(
                f"{'.'.join(at)} has more than {MAX_VALUES} values", BAD_INPUT, argument=at
            )
        for item in value:
            _check_argument(name, item, at)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_argument(key, item, [*at, key])
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for key, item in vars(value).items():  # a strawberry input, already built
            _check_argument(key, item, [*at, key])


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None,
    operation_name: str | None = None,
) -> int | None:
    """The cost of the operation to run with these variables (None when the operation or its
    variables are wrong: execution refuses those itself). Raises Refused when an argument of
    a read is beyond REST's bounds."""
    operation = _operation(document, operation_name)
    if operation is None:
        return None
    coerced = get_variable_values(
        schema, operation.variable_definitions or (), dict(variables or {})
    )
    if isinstance(coerced, list):
        return None  # wrong variables: execution reports them
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    walk = _Walk(schema, fragments, coerced, operation.operation == OperationType.QUERY)
    root = schema.get_root_type(operation.operation)
    return walk.cost(operation.selection_set, root, 1)


def check_cost(cost: int, limit: int) -> None:
    if cost > limit:
        raise Refused(
            f"query cost {cost} exceeds the limit of {limit}; ask for smaller pages (`first`) "
            "or fewer nested lists",
            COST_LIMIT,
            cost=cost,
            limit=limit,
        )


def object_lists(schema: GraphQLSchema) -> Iterable[tuple[str, str]]:
    """(type, field) of every field a query can reach that returns a list of objects and
    declares neither `first` nor a bound (but `edges`/`nodes` of connections): what the cost
    would count as one row."""
    assert schema.query_type is not None
    seen: set[str] = set()
    todo: list[GraphQLNamedType] = [schema.query_type]
    while todo:
        type_ = todo.pop()
        if type_.name in seen or not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            continue
        seen.add(type_.name)
        for name, field in type_.fields.items():
            todo.append(get_named_type(field.type))
            of = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if not isinstance(of, GraphQLList) or name in ("edges", "nodes"):
                continue
            if not isinstance(get_named_type(of), GraphQLObjectType | GraphQLInterfaceType):
                continue
            if "first" not in field.args and _BOUND not in _metadata(field):
                yield type_.name, name
