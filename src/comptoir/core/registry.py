"""The resource registry: one declaration per object type, read by everything else.

A resource names a model, its wire names (``contact``/``contacts``: XML elements and URL
segment), its one field list, its nested collections, the serializer that validates writes,
the filterset of its list, the enumerations that document its fields, its module and a one-line
summary. The API router, the codecs, the compiled read path, the system check and the shared
API tests all iterate over :data:`registry`::

    @register
    class FirmResource(Resource):
        model = Firm
        singular, plural = "firm", "firms"
        module = "crm"
        summary = "A company: customer, supplier, partner."
        fields = ("id", "name", "firm_type", "parent_firm_id",
                  computed("name_upper", Upper("name")))
        nested = (ADDRESSES, ITEMS)
        serializer = FirmSerializer
        filterset = FirmFilterSet

Field names are wire names. A foreign key appears under its column name (``firm_id``);
computed values are SQL expressions (:func:`computed`) so that reads stay one query. The kind
of every field (text, int, link, decimal, bool, date, datetime) is derived from the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db import models

TEXT, INT, LINK, DECIMAL, BOOL, DATE, DATETIME = (
    "text", "int", "link", "decimal", "bool", "date", "datetime",
)
ALWAYS_READ_ONLY = {"id", "created_at", "updated_at", "creator_id"}


@dataclass(frozen=True)
class Computed:
    """A read-only value computed in SQL from the row (and joins)."""

    name: str
    expression: object
    kind: str = TEXT
    decimal_places: int = 0


def computed(name: str, expression, kind: str = TEXT, decimal_places: int = 0) -> Computed:
    """A read-only value computed in SQL; a decimal one is written with ``decimal_places``."""
    return Computed(name, expression, kind, decimal_places)


@dataclass(frozen=True)
class WireField:
    name: str
    kind: str
    source: str  # the name handed to values_list(): a column attname or an annotation alias
    read_only: bool
    decimal_places: int = 0
    omit_empty: bool = False
    expression: object = None
    nullable: bool = True


def _kind_of(model_field: models.Field) -> str:
    if model_field.is_relation:
        return LINK
    if isinstance(model_field, models.BooleanField):
        return BOOL
    if isinstance(model_field, models.DecimalField):
        return DECIMAL
    if isinstance(model_field, models.DateTimeField):
        return DATETIME
    if isinstance(model_field, models.DateField):
        return DATE
    if isinstance(model_field, (models.IntegerField, models.AutoField)):
        return INT
    if isinstance(model_field, (models.CharField, models.TextField)):
        return TEXT
    raise TypeError(f"{model_field!r}: no wire kind for {type(model_field).__name__}")


def resolve_fields(model, names, read_only=(), omit_empty=()) -> tuple[WireField, ...]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    resolved = []
    for entry in names:
        if isinstance(entry, Computed):
            resolved.append(
                WireField(entry.name, entry.kind, entry.name, True,
                          decimal_places=entry.decimal_places,
                          omit_empty=entry.name in omit_empty, expression=entry.expression)
            )
            continue
        model_field = by_attname.get(entry)
        if model_field is None:
            raise LookupError(f"{model.__name__} has no column {entry!r} (foreign keys end in _id)")
        resolved.append(
            WireField(
                name=entry,
                kind=_kind_of(model_field),
                source=entry,
                read_only=(
                    entry in ALWAYS_READ_ONLY or entry in read_only or not model_field.editable
                ),
                decimal_places=getattr(model_field, "decimal_places", 0) or 0,
                omit_empty=entry in omit_empty,
                nullable=model_field.null,
            )
        )
    return tuple(resolved)


class Nested:
    """A collection carried inside its parent: ``contact_items/contact_item``.

    ``parent`` is the foreign key of the child model that points at the parent resource's
    model. Sent on a write, the collection replaces the stored one (ARCHITECTURE.md §5), unless
    it is declared ``writable=False``: then it is the server's (per-rate VAT totals,
    per-warehouse stock), shown on reads and ignored when a client sends it back.
    """

    def __init__(self, plural, singular, *, model, parent, fields, serializer=None,
                 read_only=(), omit_empty=(), ordering=("id",), writable=True):
        self.plural = plural
        self.singular = singular
        self.model = model
        self.parent = parent
        self.field_names = tuple(fields)
        self.serializer = serializer
        self.read_only = tuple(read_only)
        self.omit_empty = tuple(omit_empty)
        self.ordering = tuple(ordering)
        self.writable = writable

    def for_parent(self, parent: str) -> Nested:
        """The same collection attached to another parent model (addresses of firms too)."""
        return Nested(
            self.plural, self.singular, model=self.model, parent=parent, fields=self.field_names,
            serializer=self.serializer, read_only=self.read_only, omit_empty=self.omit_empty,
            ordering=self.ordering, writable=self.writable,
        )

    @cached_property
    def fields(self) -> tuple[WireField, ...]:
        return resolve_fields(self.model, self.field_names, self.read_only, self.omit_empty)

    @cached_property
    def parent_attname(self) -> str:
        return self.model._meta.get_field(self.parent).attname

    def __repr__(self):
        return f"<Nested {self.plural}/{self.singular} of {self.model.__name__}>"


@dataclass(frozen=True)
class Action:
    """A business operation on one object: ``POST /{bf}/{plural}/{id}/{name}.xml``.

    ``handler(instance, context)`` runs in a transaction with the write context of the request
    (``business_file``, ``user_id``) and returns the object to answer with (the same one, or
    a new one such as the invoice made from a proposal); it raises DRF's ``ValidationError``
    for a rule the object breaks (422). ``legacy`` names an action-style route incwo clients
    call with GET, ``/{plural}/{legacy}/{bf}/{id}`` (W11); it still needs a writing credential.
    """

    name: str
    handler: object
    summary: str = ""
    legacy: str = ""


class Resource:
    """Subclass and decorate with :func:`register`; every attribute is a declaration."""

    model: type[models.Model]
    singular: str
    plural: str
    module: str
    summary: str
    fields: tuple = ()
    read_only: tuple = ()
    omit_empty: tuple = ()
    nested: tuple[Nested, ...] = ()
    serializer = None
    filterset = None
    enumerations: dict = {}
    ordering: tuple = ("id",)
    #: business operations beyond CRUD, each its own URL (see :class:`Action`)
    actions: tuple[Action, ...] = ()
    #: query parameters that give a field its value on create when the body does not,
    #: e.g. ``{"type": "label_type"}`` for ``POST /custom_labels.xml?type=…`` (W35)
    create_from_query: dict = {}
    #: what to say when a delete is refused because documents refer to the object
    deletion_hint: str = ""
    #: other names clients send for a writable field, e.g. incwo's ``reduction_currency``
    input_aliases: dict = {}
    #: other representations of one object, each its own GET route: URL suffix after
    #: ``/{bf}/{plural}/{id}`` -> ``handler(instance, context) -> (bytes, content_type)``,
    #: e.g. ``{".pdf": print_pdf, "/facturx.xml": facturx}`` for ``/{bf}/bill_sheets/7.pdf``
    #: and ``/{bf}/bill_sheets/7/facturx.xml``; the handler may raise DRF's NotFound or
    #: ValidationError (404, 422)
    renderings: dict = {}

    @cached_property
    def wire_fields(self) -> tuple[WireField, ...]:
        return resolve_fields(self.model, self.fields, self.read_only, self.omit_empty)

    @cached_property
    def writable_fields(self) -> tuple[WireField, ...]:
        return tuple(f for f in self.wire_fields if not f.read_only)

    def nested_by_plural(self, plural: str) -> Nested | None:
        return next((n for n in self.nested if n.plural == plural), None)

    def __repr__(self):
        return f"<Resource {self.plural}>"


@dataclass
class Registry:
    resources: dict[str, Resource] = field(default_factory=dict)

    def add(self, resource: Resource) -> None:
        if resource.plural in self.resources:
            raise ValueError(f"resource {resource.plural!r} registered twice")
        self.resources[resource.plural] = resource

    def __iter__(self):
        return iter(self.resources.values())

    def __getitem__(self, plural: str) -> Resource:
        return self.resources[plural]

    def __contains__(self, plural: str) -> bool:
        return plural in self.resources

    def for_model(self, model) -> Resource | None:
        return next((r for r in self if r.model is model), None)


registry = Registry()


def register(cls: type[Resource]) -> type[Resource]:
    """Class decorator: instantiate the declaration and add it to the registry."""
    instance = cls()
    registry.add(instance)
    cls.instance = instance
    return cls
