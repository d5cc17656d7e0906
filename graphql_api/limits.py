"""Cost limit of GraphQL operations.

The cost of an operation estimates how many objects it may return: every field
costs 1, and a field with a `first` argument multiplies the cost of its
selection by that page size. A `first` given as a variable counts as the
maximum page size, because validation runs before variables are known, and a
field without `first` that pages (such as `search`) counts as the default page
size. Fragments count once per spread.
"""

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
)

PAGE_ARGUMENT = "first"


def page_size(field: FieldNode, default_size: int, max_size: int) -> int:
    """Return the page size a field may return, or 1 for a field without one."""
    for argument in field.arguments or ():
        if argument.name.value != PAGE_ARGUMENT:
            continue
        if isinstance(argument.value, IntValueNode):
            return max(1, int(argument.value.value))
        return max_size
    return default_size if field.name.value == "search" else 1


class CostCounter:
    def __init__(
        self,
        fragments: dict[str, FragmentDefinitionNode],
        default_size: int,
        max_size: int,
    ) -> None:
        self.fragments = fragments
        self.default_size = default_size
        self.max_size = max_size

    def selection_cost(
        self, selection_set: SelectionSetNode | None, visiting: frozenset[str]
    ) -> int:
        if selection_set is None:
            return 0
        cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                size = page_size(selection, self.default_size, self.max_size)
                children = self.selection_cost(selection.selection_set, visiting)
                cost += 1 + size * children
            elif isinstance(selection, InlineFragmentNode):
                cost += self.selection_cost(selection.selection_set, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # Unknown and cyclic spreads are reported by the standard rules.
                if fragment is not None and name not in visiting:
                    cost += self.selection_cost(
                        fragment.selection_set, visiting | {name}
                    )
        return cost


def cost_limit_rule(
    max_cost: int, default_size: int, max_size: int
) -> type[ValidationRule]:
    """Build a validation rule that rejects operations costing more than max_cost."""

    class CostLimitRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            definitions = context.document.definitions
            fragments = {
                d.name.value: d
                for d in definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            counter = CostCounter(fragments, default_size, max_size)
            for definition in definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                cost = counter.selection_cost(definition.selection_set, frozenset())
                if cost > max_cost:
                    name = definition.name.value if definition.name else "anonymous"
                    context.report_error(
                        GraphQLError(
                            f"operation {name} has an estimated cost of {cost}, more "
                            f"than the maximum {max_cost}; request fewer fields or "
                            "smaller pages",
                            definition,
                        )
                    )

    return CostLimitRule
