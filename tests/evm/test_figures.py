"""The earned-value figures are listed once, in evm/formulas.FIGURES: what formulas.figures
computes, what REST shows (evm/schemas.Figures) and what GraphQL shows (the EarnedValue
interface, derived from that schema) are exactly those figures, in that order, and the same
ones may be null."""

from __future__ import annotations

import types
from typing import get_args

from strawberry.types.base import StrawberryOptional, get_object_definition

from pmo_api.evm import formulas
from pmo_api.evm.schemas import Figures
from pmo_api.graphql.types.earned_value import EarnedValue


def _graphql_fields() -> dict[str, bool]:
    """The interface's fields (Python names) and whether each may be null."""
    definition = get_object_definition(EarnedValue, strict=True)
    return {f.python_name: isinstance(f.type, StrawberryOptional) for f in definition.fields}


def _rest_fields() -> dict[str, bool]:
    return {
        name: types.NoneType in get_args(field.annotation)
        for name, field in Figures.model_fields.items()
    }


def test_the_formulas_compute_exactly_the_figures_in_order() -> None:
    assert tuple(formulas.figures(bac=100_000, pv=50_000, ev=40_000, ac=30_000)) == (
        formulas.FIGURES
    )


def test_rest_shows_exactly_the_figures_in_order() -> None:
    assert tuple(_rest_fields()) == formulas.FIGURES


def test_graphql_shows_exactly_the_figures_in_order() -> None:
    assert tuple(_graphql_fields()) == formulas.FIGURES


def test_the_figures_that_may_be_null_are_those_a_division_by_zero_leaves_undefined() -> None:
    undefined = {k for k, v in formulas.figures(bac=0, pv=0, ev=0, ac=0).items() if v is None}
    assert {name for name, nullable in _rest_fields().items() if nullable} == undefined
    assert {name for name, nullable in _graphql_fields().items() if nullable} == undefined
