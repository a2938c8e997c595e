"""URLs of the API, built from the registry (ARCHITECTURE.md §5, wire-contract W9–W12).

For every registered resource ``{plural}``:

=======================================  =========================  ==========================
URL                                      methods                    action
=======================================  =========================  ==========================
``/{bf}/{plural}.xml|json``              GET, POST                  list, create
``/{bf}/{plural}/{id}.xml|json``         GET, PUT, DELETE           show, update, delete
``/{plural}/list/{bf}[.xml|.json]``      GET                        list (legacy)
``/{plural}/show/{bf}/{id}[.xml|.json]`` GET, PUT, DELETE           show, update, delete (legacy)
``/{plural}/create/{bf}[.xml|.json]``    POST                       create (legacy)
``/{plural}/destroy/{bf}/{id}[...]``     POST, DELETE               delete (legacy)
``/{bf}/{plural}/{id}/{action}.xml|json`` POST                      a declared action
``/{plural}/{legacy}/{bf}/{id}``         GET, POST                  the action (legacy name)
``/{bf}/{plural}/{id}{suffix}``          GET                        a declared rendering
=======================================  =========================  ==========================

(a rendering: ``Resource.renderings``, e.g. ``/{bf}/bill_sheets/{id}.pdf`` and
``/{bf}/bill_sheets/{id}/facturx.xml``)

plus ``/business_files.xml|json`` and ``/account/index/0.xml`` listing the caller's business
files. Legacy routes without a suffix answer XML.
"""

import re

from django.urls import re_path

from comptoir.api.views import BusinessFileListView, ResourceViewSet
from comptoir.core.registry import registry

BF = r"(?P<bf>[0-9]{1,18})"
PK = r"(?P<pk>[0-9]{1,18})"
FORMAT = r"\.(?P<format>xml|json)"
OPTIONAL_FORMAT = rf"(?:{FORMAT})?"

COLLECTION = {"get": "list", "post": "create"}
MEMBER = {"get": "retrieve", "put": "update", "delete": "destroy"}


def resource_patterns(resource):
    def view(actions):
        return ResourceViewSet.as_view(actions, resource=resource)

    p = resource.plural
    actions = []
    for action in resource.actions:
        run = ResourceViewSet.as_view({"post": "run_action"}, resource=resource,
                                      action_name=action.name)
        actions.append(re_path(rf"^{BF}/{p}/{PK}/{action.name}{FORMAT}$", run,
                               name=f"{p}-{action.name}"))
        if action.legacy:
            legacy = ResourceViewSet.as_view({"get": "run_action", "post": "run_action"},
                                             resource=resource, action_name=action.name)
            actions.append(re_path(rf"^{p}/{action.legacy}/{BF}/{PK}{OPTIONAL_FORMAT}$", legacy))
    for suffix in resource.renderings:
        render = ResourceViewSet.as_view({"get": "render_representation"}, resource=resource,
                                         rendering=suffix)
        actions.append(re_path(rf"^{BF}/{p}/{PK}{re.escape(suffix)}$", render,
                               name=f"{p}-{suffix.strip('./').replace('.', '-')}"))
    return [*actions,
        re_path(rf"^{BF}/{p}{FORMAT}$", view(COLLECTION), name=f"{p}-list"),
        re_path(rf"^{BF}/{p}/{PK}{FORMAT}$", view(MEMBER), name=f"{p}-detail"),
        re_path(rf"^{p}/list/{BF}{OPTIONAL_FORMAT}$", view({"get": "list"})),
        re_path(rf"^{p}/show/{BF}/{PK}{OPTIONAL_FORMAT}$", view(MEMBER)),
        re_path(rf"^{p}/create/{BF}{OPTIONAL_FORMAT}$", view({"post": "create"})),
        re_path(
            rf"^{p}/destroy/{BF}/{PK}{OPTIONAL_FORMAT}$",
            view({"post": "destroy", "delete": "destroy"}),
        ),
    ]


def build_urlpatterns():
    patterns = [
        re_path(rf"^business_files{FORMAT}$", BusinessFileListView.as_view(),
                name="business-files"),
        re_path(rf"^account/index/[0-9]{{1,18}}{OPTIONAL_FORMAT}$",
                BusinessFileListView.as_view(legacy=True), name="account-index"),
    ]
    for resource in registry:
        patterns += resource_patterns(resource)
    return patterns


urlpatterns = build_urlpatterns()
