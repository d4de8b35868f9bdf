"""Query cost limit: a validation rule, so it is cached with the document like the others.

Cost = 1 per selected field, multiplied by the page size of every list above it (`first`). A
`first` given by a variable counts at its default in the operation, else at the largest page
(500): validation does not see variable values, and an unknown size must count as the worst.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
    VariableNode,
)

MAX_PAGE = 500
DEFAULT_PAGE = 50


def cost_limit_rule(max_cost: int) -> type[ValidationRule]:
    class CostLimitRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            defaults = {
                v.variable.name.value: v.default_value
                for v in node.variable_definitions or ()
                if isinstance(v.default_value, IntValueNode)
            }
            cost = self._cost(node.selection_set, 1, defaults, set())
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
            multiplier: int,
            defaults: dict[str, Any],
            seen_fragments: set[str],
        ) -> int:
            if selection_set is None:
                return 0
            total = 0
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    total += multiplier
                    inner = multiplier * self._page_size(selection, defaults)
                    total += self._cost(selection.selection_set, inner, defaults, seen_fragments)
                elif isinstance(selection, InlineFragmentNode):
                    total += self._cost(
                        selection.selection_set, multiplier, defaults, seen_fragments
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.context.get_fragment(name)
                    if fragment is None or name in seen_fragments:
                        continue  # unknown or cyclic: other rules report those
                    total += self._cost(
                        fragment.selection_set, multiplier, defaults, seen_fragments | {name}
                    )
            return total

        @staticmethod
        def _page_size(field: FieldNode, defaults: dict[str, Any]) -> int:
            for argument in field.arguments or ():
                if argument.name.value != "first":
                    continue
                value = argument.value
                if isinstance(value, IntValueNode):
                    return max(1, int(value.value))
                if isinstance(value, VariableNode):
                    default = defaults.get(value.name.value)
                    return int(default.value) if default is not None else MAX_PAGE
            return 1

    return CostLimitRule
