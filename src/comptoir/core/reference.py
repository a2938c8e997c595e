"""The API reference of every registered resource, written from the registry.

``comptoir apiref > docs/api-reference.md`` regenerates the page; a test fails when the
committed page differs from what the registry says, so the reference cannot drift from the
code. The developer center will render the same data.
"""

from __future__ import annotations

from comptoir.core.registry import registry

KIND_DOC = {
    "text": "text",
    "int": "integer",
    "link": "id (`0` = none)",
    "decimal": "decimal (dot)",
    "bool": "`0`/`1`",
    "date": "date `dd-mm-YYYY`",
    "datetime": "timestamp `dd-mm-YYYY-HH-MM`",
}


def _field_rows(fields, enumerations, prefix="") -> list[str]:
    rows = []
    for f in fields:
        enum = enumerations.get(prefix + f.name)
        values = ""
        if enum is not None:
            values = ", ".join(f"`{m.value}` {m.label_fr} / {m.label_en}" for m in enum)
        access = "read-only" if f.read_only else "writable"
        if prefix and f.name == "id":
            access = "names an existing item on writes"
        rows.append(f"| `{f.name}` | {KIND_DOC[f.kind]} | {access} | {values} |")
    return rows


def resource_reference(resource) -> str:
    p, s = resource.plural, resource.singular
    lines = [
        f"## {p}",
        "",
        resource.summary,
        "",
        f"- `GET /{{bf}}/{p}.xml` list (`?page=`, `?per_page=`), `POST /{{bf}}/{p}.xml` create",
        f"- `GET|PUT|DELETE /{{bf}}/{p}/{{id}}.xml` show, partial update, delete",
        f"- legacy: `/{p}/list/{{bf}}.xml`, `/{p}/show/{{bf}}/{{id}}.xml`, "
        f"`/{p}/create/{{bf}}.xml`, `/{p}/destroy/{{bf}}/{{id}}.xml`",
        "- the same with `.json`",
        "",
        f"Element `<{s}>`, list root `<{p} type=\"array\">`.",
        "",
        "| field | kind | access | values |",
        "|---|---|---|---|",
        *_field_rows(resource.wire_fields, resource.enumerations),
        "",
    ]
    for nested in resource.nested:
        behaviour = (
            "sent: replaces the collection; items with an existing `id` are updated, others "
            "created, missing ones deleted" if nested.writable
            else "read-only: computed by the server, ignored when sent"
        )
        lines += [
            f"Nested `<{nested.plural}><{nested.singular}>` ({behaviour}):",
            "",
            "| field | kind | access | values |",
            "|---|---|---|---|",
            *_field_rows(nested.fields, resource.enumerations, prefix=f"{nested.plural}."),
            "",
        ]
    if resource.input_aliases:
        aliases = ", ".join(f"`{a}` for `{n}`" for a, n in resource.input_aliases.items())
        lines += [f"Also accepted on input: {aliases}.", ""]
    if resource.actions:
        lines += ["Actions (`POST /{bf}/" + resource.plural + "/{id}/{name}.xml`):", ""]
        lines += [f"- `{a.name}`: {a.summary}" + (f" Legacy: `GET /{resource.plural}/{a.legacy}"
                  "/{bf}/{id}`." if a.legacy else "") for a in resource.actions]
        lines.append("")
    if resource.filterset is not None:
        names = ", ".join(f"`{n}`" for n in resource.filterset.base_filters)
        lines += [f"Filters: {names}.", ""]
    return "\n".join(lines)


def full_reference() -> str:
    header = [
        "# API reference",
        "",
        "Generated from the resource registry by `comptoir apiref`; do not edit by hand.",
        "General rules (authentication, formats, pagination, errors): [api.md](api.md).",
        "",
        "",
    ]
    body = [resource_reference(r) for r in sorted(registry, key=lambda r: (r.module, r.plural))]
    return "\n".join(header) + "\n".join(body)
