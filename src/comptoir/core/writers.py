"""Writers generated from a resource's field list: rows in, XML text or JSON objects out.

For each resource we generate, once, plain Python functions such as::

    def xml_item_1(r, n0, n1):
        return "".join((
            "  <contact>\\n",
            "    <id>", str(r[0]), "</id>\\n",
            "    <last_name>", xml_text(r[2]), "</last_name>\\n",
            ...
        ))

where ``r`` is the row tuple of the read query and ``n0``, ``n1`` the rows of each nested
collection (each child row starts with its parent's id). No per-field dispatch or tree
building happens per request: this is what makes the list page run at about two thirds of
the raw-SQL floor (PERFORMANCE.md). The layout is the wire contract's (W19–W23): two spaces
per level, one leaf per line, ``<id>`` first, no attributes, links written ``0`` when
absent, elements of ``omit_empty`` fields left out when empty. Golden-byte tests lock the output.
"""

from __future__ import annotations

from comptoir.core import wire
from comptoir.core.registry import BOOL, DATE, DATETIME, DECIMAL, INT, LINK, TEXT, WireField

_NAMESPACE = {
    "xml_text": wire.xml_text,
    "xml_int": wire.xml_int,
    "xml_bool": wire.xml_bool,
    "xml_decimal": wire.xml_decimal,
    "xml_date": wire.xml_date,
    "xml_datetime": wire.xml_datetime,
    "json_datetime": wire.json_datetime,
    "json_date": wire.json_date,
    "json_decimal": wire.json_decimal,
}


def _xml_value(field: WireField, ref: str) -> str:
    return {
        TEXT: f"xml_text({ref})",
        INT: f"xml_int({ref})",
        LINK: f"xml_int({ref})",
        BOOL: f"xml_bool({ref})",
        DECIMAL: f"xml_decimal({ref}, {field.decimal_places})",
        DATE: f"xml_date({ref})",
        DATETIME: f"xml_datetime({ref})",
    }[field.kind]


def _xml_leaf_lines(fields, row: str, pad: str, offset: int = 0) -> list[str]:
    """Source fragments (tuple items) writing each leaf of one object."""
    parts = []
    for i, f in enumerate(fields):
        ref = f"{row}[{i + offset}]"
        line = f'"{pad}<{f.name}>", {_xml_value(f, ref)}, "</{f.name}>\\n"'
        if (f.kind == TEXT and not f.omit_empty) or (f.kind in (LINK, BOOL) and not f.omit_empty):
            parts.append(line)
        else:
            # Absent numbers, dates and omit_empty values leave the element out (W23).
            cond = f"{ref}" if f.omit_empty else f"{ref} is not None"
            parts.append(f"*(({line}) if {cond} else ())")
    return parts


def _json_value(field: WireField, ref: str) -> str:
    return {
        TEXT: f'({ref} if {ref} is not None else "")',
        INT: ref,
        LINK: ref,
        BOOL: f"({ref} if {ref} is None else bool({ref}))",
        DECIMAL: f"json_decimal({ref}, {field.decimal_places})",
        DATE: f"({ref} if {ref} is None else json_date({ref}))",
        DATETIME: f"json_datetime({ref})",
    }[field.kind]


def _compile(source: str, name: str):
    namespace = dict(_NAMESPACE)
    exec(compile(source, f"<generated {name}>", "exec"), namespace)
    return namespace[name]


class GeneratedWriters:
    """XML and JSON writers of one resource, built from its wire fields once."""

    def __init__(self, resource):
        self.resource = resource
        self.xml_show = self._xml_object(0)
        self.xml_list_item = self._xml_object(1)
        self.json_object = self._json_object()

    def _xml_object(self, depth: int):
        res = self.resource
        pad = "  " * depth
        nested_args = [f"n{i}" for i in range(len(res.nested))]
        lines = [f'"{pad}<{res.singular}>\\n"']
        lines += _xml_leaf_lines(res.wire_fields, "r", pad + "  ")
        for i, nested in enumerate(res.nested):
            inner = pad + "      "
            item_parts = ", ".join(_xml_leaf_lines(nested.fields, "c", inner, offset=1))
            items = (
                f'*("".join(("{pad}    <{nested.singular}>\\n", {item_parts}, '
                f'"{pad}    </{nested.singular}>\\n")) for c in n{i})'
            )
            lines.append(
                f'*(("{pad}  <{nested.plural}>\\n", {items}, "{pad}  </{nested.plural}>\\n") '
                f'if n{i} else ("{pad}  <{nested.plural}></{nested.plural}>\\n",))'
            )
        lines.append(f'"{pad}</{res.singular}>\\n"')
        name = f"xml_{res.singular}_{depth}"
        body = ",\n        ".join(lines)
        source = f"def {name}(r, {', '.join([*nested_args, ''])}):\n"
        source += f"    return \"\".join((\n        {body},\n    ))\n"
        return _compile(source, name)

    def _json_object(self):
        res = self.resource
        nested_args = [f"n{i}" for i in range(len(res.nested))]
        items = [f'"{f.name}": {_json_value(f, f"r[{i}]")}' for i, f in enumerate(res.wire_fields)]
        for i, nested in enumerate(res.nested):
            child = ", ".join(
                f'"{f.name}": {_json_value(f, f"c[{j + 1}]")}' for j, f in enumerate(nested.fields)
            )
            items.append(f'"{nested.plural}": [{{{child}}} for c in n{i}]')
        name = f"json_{res.singular}"
        source = f"def {name}(r, {', '.join([*nested_args, ''])}):\n"
        source += "    return {\n        " + ",\n        ".join(items) + ",\n    }\n"
        return _compile(source, name)
