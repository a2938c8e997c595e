"""Write validation: ordinary DRF model serializers that take their field list from the registry.

A resource's serializer is a plain :class:`BusinessModelSerializer` subclass holding only what
is particular to it (validation rules, messages)::

    class ContactSerializer(BusinessModelSerializer):
        class Meta:
            model = Contact

        def validate_last_name(self, value): ...

The base class supplies the rest from the resource declaration, so the fast read path and
write validation cannot drift apart:

* fields are the resource's writable wire fields; links keep their wire names (``firm_id``)
  and accept only objects of the request's business file, or for a link to a user, a member
  of it (another tenant's id reads as "no such object", never as a hint that it exists);
* nested collections become lists of their own serializers and, when sent, replace the stored
  collection: items naming an existing ``id`` are updated, others created, missing ones
  deleted;
* dates and timestamps accept the incwo forms and ISO 8601, text refuses characters XML
  cannot carry, and ``business_file``/``creator`` are set from the request, never the body.

Two hooks for models and serializers with rules beyond storing fields:

* a model may define ``change_refused() -> str``: a non-empty answer (a validated invoice:
  "… is validated and can no longer be changed") refuses every update with that message as
  a 422 before anything is validated or written (the model refuses its own ``delete()``);
* a serializer may override :meth:`BusinessModelSerializer.after_save`, called inside the
  write's transaction once the object and its nested collections are written (recompute
  stored totals, number a document).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import models, transaction
from rest_framework import serializers

from comptoir.core import wire


def xml_safe(value: str) -> None:
    if isinstance(value, str) and wire.XML_ILLEGAL.search(value):
        raise serializers.ValidationError("contains control characters that cannot be stored")


class WireDecimalField(serializers.DecimalField):
    """Trailing zeros are not precision: ``3.500000000`` is 3.5 (clients echo what they read,
    W26), while ``3.14159`` for a 4-place field is still refused."""

    def validate_precision(self, value):
        if value.is_finite() and value != 0:
            super().validate_precision(value.normalize())
            return value
        return super().validate_precision(value)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A link to a record of the same business file, written as its id (``0`` for none)."""

    default_error_messages = {
        "does_not_exist": "no {model} with id {pk_value} in this business file",
        "incorrect_type": "expected an id, got {data_type}",
    }

    def __init__(self, **kwargs):
        self.related_model = kwargs.pop("related_model")
        super().__init__(**kwargs)

    def get_queryset(self):
        business_file = self.context["business_file"]
        manager = self.related_model._default_manager
        if hasattr(manager, "for_business_file"):
            return manager.for_business_file(business_file)
        if self.related_model is get_user_model():
            # A user link (a lead's manager, a task's assignee) names a member of this file.
            return manager.filter(memberships__business_file_id=business_file)
        return manager.none()

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("incorrect_type", data_type="boolean")
        if isinstance(data, str):
            data = data.strip()
            if not data.lstrip("-").isdigit():
                self.fail("incorrect_type", data_type=repr(data))
        try:
            return self.get_queryset().get(pk=int(data))
        except self.related_model.DoesNotExist:
            self.fail(
                "does_not_exist",
                model=self.related_model._meta.verbose_name,
                pk_value=data,
            )
        except (TypeError, ValueError, OverflowError):
            self.fail("incorrect_type", data_type=type(data).__name__)


class BusinessModelSerializer(serializers.ModelSerializer):
    """Base of every resource serializer and nested-item serializer."""

    #: set on nested-item serializers by the parent: the Nested declaration they validate
    wire_spec = None
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DecimalField: WireDecimalField,
    }

    class Meta:
        model = None
        fields = "__all__"

    # -- which fields ---------------------------------------------------------------------

    def _spec_fields(self):
        spec = self.wire_spec or self.context["resource"]
        return spec.fields if hasattr(spec, "field_names") else spec.wire_fields

    def get_field_names(self, declared_fields, info):
        names = [f.name for f in self._spec_fields() if not f.read_only]
        if self.wire_spec is not None:
            names.insert(0, "id")
        return names + [n for n in declared_fields if n not in names]

    def nested_serializer(self, nested, items):
        """The list serializer of one nested collection; its items are validated whole."""
        item_class = nested.__dict__.get("_item_serializer")
        if item_class is None:
            base = nested.serializer or BusinessModelSerializer
            meta = type("Meta", (), {"model": nested.model})
            item_class = type(f"{nested.model.__name__}ItemSerializer", (base,),
                              {"wire_spec": nested, "Meta": meta})
            nested._item_serializer = item_class
        return item_class(data=items, many=True, context=self.context)

    def to_internal_value(self, data):
        if self.wire_spec is not None:
            return super().to_internal_value(data)
        refused = getattr(self.instance, "change_refused", None)
        reason = refused() if refused is not None else ""
        if reason:
            raise serializers.ValidationError({"non_field_errors": [reason]})
        nested_specs = self.context["resource"].nested
        plain = {k: v for k, v in data.items() if all(k != n.plural for n in nested_specs)}
        errors, attrs = {}, {}
        try:
            attrs = super().to_internal_value(plain)
        except serializers.ValidationError as exc:
            errors.update(exc.detail)
        # Nested items are whole representations even inside a partial update: a sent
        # collection replaces the stored one, so each item must be complete on its own.
        for nested in nested_specs:
            if nested.plural not in data or not nested.writable:
                continue  # a read-only collection sent back is ignored, like any read-only field
            items = self.nested_serializer(nested, data[nested.plural])
            if items.is_valid():
                attrs[nested.plural] = items.validated_data
            else:
                errors[nested.plural] = items.errors
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def build_field(self, field_name, info, model_class, nested_depth):
        if field_name == "id" and self.wire_spec is not None:
            return serializers.IntegerField, {"required": False, "allow_null": True}
        for model_field in model_class._meta.concrete_fields:
            if model_field.is_relation and model_field.attname == field_name:
                return ScopedRelatedField, {
                    "source": model_field.name,
                    "related_model": model_field.related_model,
                    "allow_null": model_field.null,
                    "required": not (model_field.null or model_field.has_default()),
                }
        return super().build_field(field_name, info, model_class, nested_depth)

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.DateTimeField):
            kwargs["input_formats"] = wire.DATETIME_INPUT_FORMATS
        elif isinstance(model_field, models.DateField):
            kwargs["input_formats"] = wire.DATE_INPUT_FORMATS
        elif isinstance(model_field, (models.CharField, models.TextField)):
            kwargs["validators"] = [*kwargs.get("validators", []), xml_safe]
            kwargs.setdefault("allow_blank", True)
            # Nothing is ever stored as NULL text: "absent" text is the empty string.
            kwargs.pop("allow_null", None)
        return field_class, kwargs

    # -- validation of nested items -------------------------------------------------------

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.wire_spec is None and self.instance is not None:
            errors = {}
            for nested in self.context["resource"].nested:
                items = attrs.get(nested.plural)
                if items is None:
                    continue
                known = set(self._children(nested, self.instance).values_list("id", flat=True))
                parent = self.context["resource"].singular
                item_errors = [
                    {"id": [f"no such {nested.singular} in this {parent}"]}
                    if item.get("id") is not None and item["id"] not in known
                    else {}
                    for item in items
                ]
                if any(item_errors):
                    errors[nested.plural] = item_errors
            if errors:
                raise serializers.ValidationError(errors)
        return attrs

    # -- saving ---------------------------------------------------------------------------

    def _children(self, nested, parent):
        return nested.model.objects.for_business_file(parent.business_file_id).filter(
            **{nested.parent: parent}
        )

    def _pop_nested(self, validated_data) -> dict:
        return {
            n.plural: validated_data.pop(n.plural)
            for n in self.context["resource"].nested
            if n.plural in validated_data
        }

    def _write_nested(self, parent, collections: dict, replacing: bool) -> None:
        resource = self.context["resource"]
        for nested in resource.nested:
            if nested.plural not in collections:
                continue
            items = collections[nested.plural]
            existing = {c.id: c for c in self._children(nested, parent)} if replacing else {}
            keep, new = set(), []
            for item in items:
                item = dict(item)
                pk = item.pop("id", None)
                if pk is not None and pk in existing:
                    child = existing[pk]
                    for name, value in item.items():
                        setattr(child, name, value)
                    child.save()
                    keep.add(pk)
                else:
                    new.append(nested.model(
                        business_file_id=parent.business_file_id,
                        creator_id=self.context.get("user_id"),
                        **{nested.parent: parent},
                        **item,
                    ))
            stale = [pk for pk in existing if pk not in keep]
            if stale:
                self._children(nested, parent).filter(pk__in=stale).delete()
            if new:
                nested.model.objects.bulk_create(new)

    @transaction.atomic
    def create(self, validated_data):
        collections = self._pop_nested(validated_data)
        instance = self.Meta.model(
            business_file_id=self.context["business_file"],
            creator_id=self.context.get("user_id"),
            **validated_data,
        )
        instance.save()
        self._write_nested(instance, collections, replacing=False)
        self.after_save(instance, created=True)
        return instance

    @transaction.atomic
    def update(self, instance, validated_data):
        collections = self._pop_nested(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        self._write_nested(instance, collections, replacing=True)
        self.after_save(instance, created=False)
        return instance

    def after_save(self, instance, created: bool) -> None:
        """Hook: runs inside the write's transaction after ``instance`` and its sent nested
        collections are saved (``created`` tells a create from an update). Does nothing here;
        a resource serializer overrides it to recompute what the server stores (totals) or to
        apply a rule that needs the saved children."""
