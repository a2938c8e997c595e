"""The generic API view of every registered resource, and the business-file listing.

:class:`ResourceViewSet` serves list, show, create, update (partial) and delete for whatever
resource it is instantiated with; no resource has a view of its own. Reads go through the
compiled read path and generated writers and answer bytes directly; writes validate with the
resource's serializer inside a transaction and answer by re-reading through the same path,
so what a client gets back after a write is exactly what a later read returns.

The business file is the one the authentication resolved for the URL's ``{bf}``
(``request.auth.business_file_id``); it is never read from the request body.
"""

from __future__ import annotations

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSetMixin

from comptoir.api.bodies import (
    XML_CONTENT_TYPE,
    list_body,
    object_body,
)
from comptoir.api.renderers import xml_errors
from comptoir.core import inbound
from comptoir.core.readpath import compiled
from comptoir.core.registry import registry
from comptoir.core.serializers import stored_instance
from comptoir.core.xmlparser import Element, XMLRejected
from comptoir.tenancy.models import ApiKey, Membership

MAX_PAGE = 1_000_000_000


def positive_int(request, name: str, default: int, maximum: int = MAX_PAGE) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise exceptions.ParseError(f"{name}: expected a whole number, got {raw!r}") from None
    if value < 1:
        raise exceptions.ParseError(f"{name}: must be 1 or more")
    if value > maximum:
        raise exceptions.ParseError(f"{name}: must be at most {maximum}")
    return value


class ResourceViewSet(ViewSetMixin, APIView):
    resource = None  # given to as_view() by the router
    action_name = None  # for the routes of a declared Action
    rendering = None  # for the routes of a declared rendering (a key of Resource.renderings)

    # -- helpers --------------------------------------------------------------------------

    @property
    def bf_id(self) -> int:
        return self.request.auth.business_file_id

    @property
    def wants_json(self) -> bool:
        return self.request.accepted_renderer.format == "json"

    def respond_object(self, row_and_nested, status_code=200, headers=None, resource=None):
        writers = compiled(resource or self.resource).writers
        row, nested = row_and_nested
        body, content_type = object_body(writers, row, nested,
                                         self.request.accepted_renderer.format)
        response = HttpResponse(body, status=status_code, content_type=content_type)
        for name, value in (headers or {}).items():
            response[name] = value
        return response

    def read_or_404(self, pk):
        found = compiled(self.resource).read_one(self.bf_id, int(pk))
        if found is None:
            raise exceptions.NotFound(f"no {self.resource.singular} with id {pk}")
        return found

    def filtered_queryset(self):
        filterset_class = self.resource.filterset
        if filterset_class is None:
            return None
        params = self.request.query_params
        if not any(params.get(name, "").strip() for name in filterset_class.base_filters):
            return None
        queryset = self.resource.model.objects.for_business_file(self.bf_id)
        filterset = filterset_class(data=params, queryset=queryset, request=self.request)
        if not filterset.is_valid():
            messages = [
                f"{field}: {message}"
                for field, errors in filterset.errors.items()
                for message in errors
            ]
            raise exceptions.ParseError(messages)
        return filterset.qs

    def body_data(self) -> dict:
        if self.request.stream is None:
            # DRF hands an empty body to no parser; Django reads no chunked body either.
            raise exceptions.ParseError(
                "the request body is empty; send one element with a Content-Length"
            )
        document = self.request.data
        try:
            if isinstance(document, Element):
                return inbound.from_xml(self.resource, document)
            return inbound.from_json(self.resource, document)
        except (XMLRejected, ValueError) as exc:
            raise exceptions.ParseError(str(exc)) from None

    def serializer_context(self) -> dict:
        return {
            "resource": self.resource,
            "business_file": self.bf_id,
            "user_id": self.request.auth.user_id,
            "request": self.request,
        }

    def instance_or_404(self, pk):
        # The same instance as for_business_file(bf).filter(pk=pk).first(), from a select
        # prepared once instead of a queryset compiled at every request.
        instance = stored_instance(self.resource.model, self.bf_id, int(pk))
        if instance is None:
            raise exceptions.NotFound(f"no {self.resource.singular} with id {pk}")
        return instance

    def location(self, pk) -> str:
        return f"/{self.bf_id}/{self.resource.plural}/{pk}.{self.request.accepted_renderer.format}"

    # -- actions --------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        page = positive_int(request, "page", 1)
        # A per_page above the maximum is capped rather than refused (some clients ask 250).
        per_page = min(
            positive_int(request, "per_page", settings.COMPTOIR_PAGE_SIZE),
            settings.COMPTOIR_MAX_PAGE_SIZE,
        )
        queryset = self.filtered_queryset()
        reader = compiled(self.resource)
        rows, nested, total = reader.read_page(
            self.bf_id, per_page, (page - 1) * per_page, queryset
        )
        body, content_type = list_body(self.resource, reader.writers, rows, nested, total,
                                       page, per_page, request.accepted_renderer.format)
        return HttpResponse(body, content_type=content_type)

    def retrieve(self, request, pk, *args, **kwargs):
        return self.respond_object(self.read_or_404(pk))

    def create(self, request, *args, **kwargs):
        data = self.body_data()
        for param, field in self.resource.create_from_query.items():
            value = request.query_params.get(param)
            if value is not None and field not in data:
                data[field] = value
        serializer = self.resource.serializer(data=data, context=self.serializer_context())
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = serializer.save()
        return self.respond_object(
            self.read_or_404(instance.pk), status.HTTP_201_CREATED,
            {"Location": self.location(instance.pk)},
        )

    def update(self, request, pk, *args, **kwargs):
        instance = self.instance_or_404(pk)
        data = self.body_data()
        serializer = self.resource.serializer(
            instance, data=data, partial=True, context=self.serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()
        return self.respond_object(self.read_or_404(pk))

    def destroy(self, request, pk, *args, **kwargs):
        instance = self.instance_or_404(pk)
        snapshot = self.read_or_404(pk)
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            # Records that documents refer to are kept (a product on an invoice): say which.
            objects = (exc.protected_objects if isinstance(exc, ProtectedError)
                       else exc.restricted_objects)
            kinds = sorted({str(o._meta.verbose_name_plural) for o in objects})
            raise ValidationError(
                f"this {self.resource.singular} is referred to by {', '.join(kinds)} "
                "and cannot be deleted"
                + (f"; {self.resource.deletion_hint}" if self.resource.deletion_hint else "")
            ) from None
        # 200 with the object as it was: a sync client retries anything else forever (W32).
        return self.respond_object(snapshot)


    def run_action(self, request, pk, *args, **kwargs):
        # A legacy action route answers GET, which the permission class lets readers through.
        if not request.auth.can_write:
            raise exceptions.PermissionDenied("this credential may only read")
        action = next(a for a in self.resource.actions if a.name == self.action_name)
        with transaction.atomic():
            instance = self.instance_or_404(pk)
            result = action.handler(instance, self.serializer_context())
        if result.__class__ is self.resource.model and result.pk == int(pk):
            return self.respond_object(self.read_or_404(result.pk))
        # The action made another object (an invoice from a proposal, a credit note from an
        # invoice): 201 and where it is.
        target = registry.for_model(result.__class__)
        return self.respond_object(
            compiled(target).read_one(self.bf_id, result.pk), status.HTTP_201_CREATED,
            {"Location": f"/{self.bf_id}/{target.plural}/{result.pk}."
                         f"{request.accepted_renderer.format}"},
            resource=target,
        )


    def perform_content_negotiation(self, request, force=False):
        # A rendering answers its own type (PDF); errors fall back to the default format.
        return super().perform_content_negotiation(request, force or self.rendering is not None)

    def render_representation(self, request, pk, *args, **kwargs):
        """``GET /{bf}/{plural}/{id}{suffix}``: a declared rendering (a PDF, an e-invoice)."""
        handler = self.resource.renderings[self.rendering]
        instance = self.instance_or_404(pk)
        body, content_type = handler(instance, self.serializer_context())
        response = HttpResponse(body, content_type=content_type)
        name = f"{self.resource.singular}-{pk}{self.rendering}".replace("/", "-")
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class BusinessFileListView(APIView):
    """``GET /business_files.xml`` and the mobile apps' ``GET /account/index/0.xml`` (W37)."""

    legacy = False

    def get(self, request, *args, **kwargs):
        access = request.auth
        memberships = Membership.objects.filter(user_id=access.user_id).select_related(
            "business_file"
        )
        if access.api_key_id is not None:
            key = ApiKey.objects.get(pk=access.api_key_id)
            memberships = memberships.filter(business_file_id=key.business_file_id)
        items = [
            {"id": m.business_file_id, "name": m.business_file.name}
            for m in memberships.order_by("business_file_id")
        ]
        pagination = None
        if not self.legacy:
            pagination = {
                "current_page": 1,
                "total_pages": 1,
                "current_page_items_count": len(items),
                "per_page": len(items),
                "total_count": len(items),
            }
        return Response({
            "root": "business_files", "item": "business_file", "items": items,
            "pagination": pagination,
        })


def _error_for_path(request, status_code: int, message: str) -> HttpResponse | None:
    """An error page in the format the URL asks for: XML for .xml, JSON for .json."""
    path = request.path
    if path.endswith(".json"):
        body = orjson.dumps({"type": "about:blank", "title": message, "status": status_code,
                             "detail": message, "errors": [message]})
        return HttpResponse(body, status=status_code, content_type="application/problem+json")
    if path.endswith(".xml") or "/show/" in path or "/list/" in path:
        return HttpResponse(xml_errors([message]), status=status_code,
                            content_type=XML_CONTENT_TYPE)
    return None


def not_found(request, exception=None):
    """Django's 404 for URLs no route matches, in the API's formats where they apply."""
    response = _error_for_path(request, 404, "no such resource")
    if response is not None:
        return response
    return defaults.page_not_found(request, exception)


def server_error(request):
    response = _error_for_path(request, 500, "internal error; it has been logged")
    if response is not None:
        return response
    return defaults.server_error(request)
