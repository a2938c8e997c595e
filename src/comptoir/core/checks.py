"""System checks: a registration that is incomplete stops the server at start-up.

``comptoir check`` (and every ``serve``, ``migrate`` and test run) verifies, for each
registered resource, that it names a business model, wire names, module and summary, a
serializer built on :class:`BusinessModelSerializer`, a filterset built on
:class:`BusinessModelFilterSet`, that every field resolves to a column or a computed
expression with ``id`` first, and that nested collections point at their parent.
"""

from django.core import checks

from comptoir.core.filtersets import BusinessModelFilterSet
from comptoir.core.models import BusinessModel
from comptoir.core.registry import registry
from comptoir.core.serializers import BusinessModelSerializer


def _error(resource, message, code):
    return checks.Error(f"resource {getattr(resource, 'plural', resource)!r}: {message}",
                        id=f"comptoir.E{code:03d}")


def check_resource(resource) -> list:
    errors = []
    for attr in ("model", "singular", "plural", "module", "summary"):
        if not getattr(resource, attr, None):
            errors.append(_error(resource, f"declares no {attr}", 1))
    if errors:
        return errors
    if not issubclass(resource.model, BusinessModel):
        errors.append(_error(resource, "its model is not a BusinessModel", 2))
    serializer = resource.serializer
    if not (isinstance(serializer, type) and issubclass(serializer, BusinessModelSerializer)):
        errors.append(_error(resource, "its serializer is not a BusinessModelSerializer", 3))
    elif serializer.Meta.model is not resource.model:
        errors.append(_error(resource, "its serializer is for another model", 4))
    filterset = resource.filterset
    if not (isinstance(filterset, type) and issubclass(filterset, BusinessModelFilterSet)):
        errors.append(_error(resource, "its filterset is not a BusinessModelFilterSet", 5))
    try:
        fields = resource.wire_fields
    except (LookupError, TypeError) as exc:
        errors.append(_error(resource, f"field list: {exc}", 6))
    else:
        if not fields or fields[0].name != "id":
            errors.append(_error(resource, "the field list must start with id (W21)", 7))
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            errors.append(_error(resource, "a field is listed twice", 8))
    for nested in resource.nested:
        try:
            nested_fields = nested.fields
            nested.parent_attname  # noqa: B018
        except (LookupError, TypeError, Exception) as exc:
            errors.append(_error(resource, f"nested {nested.plural}: {exc}", 9))
            continue
        if not nested_fields or nested_fields[0].name != "id":
            errors.append(_error(resource, f"nested {nested.plural} must start with id", 10))
        if nested.model._meta.get_field(nested.parent).related_model is not resource.model:
            errors.append(_error(resource, f"nested {nested.plural} does not point at it", 11))
    return errors


@checks.register("comptoir")
def check_registry(app_configs=None, **kwargs):
    errors = []
    for resource in registry:
        errors += check_resource(resource)
    return errors
