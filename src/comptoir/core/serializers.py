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

import copy

from django.contrib.auth import get_user_model
from django.db import connections, models, router, transaction
from django.db.models import signals
from rest_framework import serializers

from comptoir.core import wire
from comptoir.core.models import BusinessManager


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


# -- statements written once per model ----------------------------------------------------------

_ORM_SAVE_STEPS = ("save", "save_base", "_save_table", "_do_insert", "_do_update")


class _Statements:
    """The INSERT and UPDATE of one model on one database, written once.

    ``Model.save()`` and ``bulk_create()`` compile their statement anew on every call, which
    costs about as much as running it (on SQLite, a contact's insert takes ~0.45 ms of CPU
    through ``save()``, ~0.25 ms as a statement written once). These are the same
    statements (every concrete column, the row's values through each field's ``pre_save``
    and ``get_db_prep_save``, the primary key read back), with the same effects on the
    instances. Whatever they do not cover (a model that saves itself
    differently, a signal receiver, an expression as a value, deferred fields) goes through
    the ORM as before.
    """

    def __init__(self, model, connection):
        meta = model._meta
        qn = connection.ops.quote_name
        self.pk = meta.pk
        self.bulk_ok = (
            not meta.parents and not meta.proxy
            and meta.pk is meta.auto_field
            and list(meta.db_returning_fields) == [meta.pk]
            and not any(hasattr(f, "get_placeholder") for f in meta.local_concrete_fields)
            and connection.features.has_bulk_insert
        )
        self.save_ok = self.bulk_ok and (
            meta.order_with_respect_to is None and not meta.select_on_save
            and all(getattr(model, n) is getattr(models.Model, n) for n in _ORM_SAVE_STEPS)
        )
        concrete = [f for f in meta.local_concrete_fields if not f.generated]
        self.insert_fields = [f for f in concrete if f is not meta.auto_field]
        self.update_fields = [f for f in concrete if f is not meta.pk]
        table = qn(meta.db_table)
        columns = ", ".join(qn(f.column) for f in self.insert_fields)
        self.insert_head = f"INSERT INTO {table} ({columns}) VALUES "
        self.row = "(" + ", ".join(["%s"] * len(self.insert_fields)) + ")"
        self.returning = ""
        if connection.features.can_return_columns_from_insert:
            self.returning = " " + connection.ops.return_insert_columns([meta.pk])[0]
        self.returns_rows = connection.features.can_return_rows_from_bulk_insert
        self.update_sql = (
            f"UPDATE {table} SET "
            + ", ".join(f"{qn(f.column)} = %s" for f in self.update_fields)
            + f" WHERE {table}.{qn(meta.pk.column)} = %s"
        )
        # The stored object of one business file, every concrete column (what
        # ``for_business_file(bf).filter(pk=pk).first()`` selects, without its compilation).
        self.select_fields = list(meta.concrete_fields)
        self.select_columns = [f.get_col(meta.db_table) for f in self.select_fields]
        self.select_names = [f.attname for f in self.select_fields]
        self.select_sql = None
        if isinstance(model._default_manager, BusinessManager) and not meta.parents:
            bf_column = qn(meta.get_field("business_file").column)
            self.select_sql = (
                "SELECT " + ", ".join(f"{table}.{qn(f.column)}" for f in self.select_fields)
                + f" FROM {table} WHERE {table}.{bf_column} = %s"
                + f" AND {table}.{qn(meta.pk.column)} = %s"
            )

    @staticmethod
    def _values(fields, obj, add: bool, connection):
        prepared = []
        for field in fields:
            value = field.pre_save(obj, add)
            if hasattr(value, "resolve_expression"):
                return None  # an expression (F(), a database default): the ORM compiles it
            prepared.append(field.get_db_prep_save(value, connection=connection))
        return prepared

    def insert_one(self, obj, using) -> bool:
        """``obj.save()`` of a new object; False when the ORM must do it."""
        obj._prepare_related_fields_for_save(operation_name="save")
        connection = connections[using]  # per thread: never kept across calls
        params = self._values(self.insert_fields, obj, True, connection)
        if params is None:
            return False
        with connection.cursor() as cursor:
            cursor.execute(self.insert_head + self.row + self.returning, params)
            if self.returning:
                pk = cursor.fetchone()[0]
            else:
                pk = connection.ops.last_insert_id(cursor, self.pk.model._meta.db_table,
                                                   self.pk.column)
        setattr(obj, self.pk.attname, pk)
        obj._state.adding = False
        obj._state.db = using
        return True

    def update_one(self, obj, using) -> bool:
        """``obj.save()`` of a stored object; False when the ORM must do it (or when no row
        was updated: the ORM then decides, as it always did)."""
        obj._prepare_related_fields_for_save(operation_name="save")
        pk = getattr(obj, self.pk.attname)
        if pk is None or obj.get_deferred_fields():
            return False
        connection = connections[using]
        params = self._values(self.update_fields, obj, False, connection)
        if params is None:
            return False
        params.append(self.pk.get_db_prep_value(pk, connection))
        with connection.cursor() as cursor:
            cursor.execute(self.update_sql, params)
            if cursor.rowcount < 1:
                return False
        obj._state.adding = False
        obj._state.db = using
        return True

    def insert_many(self, objs, using) -> bool:
        """``bulk_create(objs)`` of new objects; False when the ORM must do it."""
        connection = connections[using]
        rows = []
        for obj in objs:
            if getattr(obj, self.pk.attname) is not None:
                return False
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
            params = self._values(self.insert_fields, obj, True, connection)
            if params is None:
                return False
            rows.append(params)
        size = max(connection.ops.bulk_batch_size(self.insert_fields, objs), 1)
        with connection.cursor() as cursor:
            for start in range(0, len(rows), size):
                batch = rows[start:start + size]
                sql = self.insert_head + ", ".join([self.row] * len(batch))
                cursor.execute(sql + (self.returning if self.returns_rows else ""),
                               [value for row in batch for value in row])
                if self.returns_rows:
                    returned = connection.ops.fetch_returned_insert_rows(cursor)
                    for obj, (pk,) in zip(objs[start:start + size], returned, strict=True):
                        setattr(obj, self.pk.attname, pk)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = using
        return True


    def fetch(self, model, business_file_id: int, pk: int, using):
        """The instance of ``pk`` in the business file, or None (see :func:`stored_instance`)."""
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self.select_sql, [business_file_id, pk])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        ops = connection.ops
        for i, column in enumerate(self.select_columns):
            converters = ops.get_db_converters(column) + column.get_db_converters(connection)
            for converter in converters:
                values[i] = converter(values[i], column, connection)
        return model.from_db(using, self.select_names, values)


#: by model and database alias; the SQL only, since connections belong to their thread
_statements: dict = {}


def _statements_for(model, using) -> _Statements:
    key = (model, using)
    found = _statements.get(key)
    if found is None:
        found = _statements[key] = _Statements(model, connections[using])
    return found


def _no_save_receivers(model) -> bool:
    return not (signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model))


def save_instance(obj) -> None:
    """``obj.save()``, through statements written once where they do the same."""
    model = type(obj)
    using = router.db_for_write(model, instance=obj)
    statements = _statements_for(model, using)
    if statements.save_ok and _no_save_receivers(model):
        if obj._state.adding:
            if getattr(obj, statements.pk.attname) is None and statements.insert_one(obj, using):
                return
        elif statements.update_one(obj, using):
            return
    obj.save()


def stored_instance(model, business_file_id: int, pk: int):
    """``model.objects.for_business_file(business_file_id).filter(pk=pk).first()`` for a
    business model: the same instance (every field loaded, no deferred one) or None, from a
    statement written once; the update and delete of a resource start with it."""
    using = router.db_for_read(model)
    statements = _statements_for(model, using)
    if statements.select_sql is None:
        return model.objects.for_business_file(business_file_id).filter(pk=pk).first()
    return statements.fetch(model, business_file_id, pk, using)


def insert_instances(model, objs: list) -> None:
    """``model.objects.bulk_create(objs)`` (no ``save()``, no signals, as there), through a
    statement written once."""
    if not objs:
        return
    if any(getattr(o, "business_file_id", None) is None for o in objs):
        model.objects.bulk_create(objs)  # which refuses them (UnscopedQuery)
        return
    using = router.db_for_write(model)
    statements = _statements_for(model, using)
    if not (statements.bulk_ok and statements.insert_many(objs, using)):
        model.objects.bulk_create(objs)


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


#: Fields holding other fields (a child, a child relation): a shallow copy would share the
#: child, whose binding to a parent is per request, so these are deep-copied instead.
_COMPOSITE_FIELDS = (
    serializers.BaseSerializer, serializers.ListField, serializers.DictField,
    serializers.ManyRelatedField,
)


def _fresh_copy(prototype):
    """An unbound field equal to ``prototype``, for one serializer instance.

    DRF's own copy (``__deepcopy__``) calls ``__init__`` again with the original arguments;
    copying the state is several times cheaper and gives the same field, since nothing
    changes a field's state after construction except ``bind()``, which the copy gets anew.
    """
    if isinstance(prototype, _COMPOSITE_FIELDS):
        return copy.deepcopy(prototype)
    field = object.__new__(prototype.__class__)
    field.__dict__.update(prototype.__dict__)
    return field


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
        spec = self._spec()
        return spec.fields if hasattr(spec, "field_names") else spec.wire_fields

    def _spec(self):
        return self.wire_spec or self.context["resource"]

    def _prototypes(self) -> dict:
        """What is built once per serializer class and resource (or nested collection): the
        field set and the serializer's validators depend on nothing else, and building them
        costs more than validating a whole contact."""
        cls = type(self)
        cache = cls.__dict__.get("_prototype_cache")
        if cache is None:
            cache = {}
            cls._prototype_cache = cache
        spec = self._spec()
        found = cache.get(spec)
        if found is None:
            fields = super().get_fields()
            found = {"fields": fields}
            cache[spec] = found
        return found

    def get_fields(self):
        return {name: _fresh_copy(f) for name, f in self._prototypes()["fields"].items()}

    def get_validators(self):
        prototypes = self._prototypes()
        validators = prototypes.get("validators")
        if validators is None:
            validators = prototypes["validators"] = tuple(super().get_validators())
        return list(validators)

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
                    save_instance(child)
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
            insert_instances(nested.model, new)

    # Inside the view's transaction already: a savepoint would only add two statements, and
    # an error rolls the whole write back either way.
    @transaction.atomic(savepoint=False)
    def create(self, validated_data):
        collections = self._pop_nested(validated_data)
        instance = self.Meta.model(
            business_file_id=self.context["business_file"],
            creator_id=self.context.get("user_id"),
            **validated_data,
        )
        save_instance(instance)
        self._write_nested(instance, collections, replacing=False)
        self.after_save(instance, created=True)
        return instance

    @transaction.atomic(savepoint=False)
    def update(self, instance, validated_data):
        collections = self._pop_nested(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        save_instance(instance)
        self._write_nested(instance, collections, replacing=True)
        self.after_save(instance, created=False)
        return instance

    def after_save(self, instance, created: bool) -> None:
        """Hook: runs inside the write's transaction after ``instance`` and its sent nested
        collections are saved (``created`` tells a create from an update). Does nothing here;
        a resource serializer overrides it to recompute what the server stores (totals) or to
        apply a rule that needs the saved children."""
