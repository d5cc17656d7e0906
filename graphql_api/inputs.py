"""Conversion of GraphQL inputs to the request models the services take."""

from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


def to_model(value: object, model: type[ModelT]) -> ModelT:
    """Build `model` from an input object, leaving out fields the client omitted.

    Omitted fields stay out of `model_fields_set`, so partial updates keep them,
    while an explicit null reaches the service as None. A pydantic
    ValidationError becomes INVALID_PARAMETER in graphql_api.errors.
    """
    data: dict[str, Any] = {}
    for name, field_value in vars(value).items():
        if field_value is strawberry.UNSET:
            continue
        data[name] = field_value
    return model.model_validate(data)
