"""Enumerations with incwo's numeric ids and labels in French and English.

incwo identifies reference values by number (civility 17/18/19, contact item types 23…457,
VAT 607) or by short code (``client``, ``prospect``). An :class:`Enumeration` keeps each
value with both labels, gives Django ``choices`` for the model field, and documents itself
in the API reference::

    class Civility(Enumeration):
        MR = 17, "M.", "Mr"
        MRS = 18, "Mme", "Mrs"
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Member:
    name: str
    value: int | str
    label_fr: str
    label_en: str

    def label(self, language: str = "en") -> str:
        return self.label_fr if language.startswith("fr") else self.label_en


class EnumerationMeta(type):
    def __new__(mcls, name, bases, namespace):
        members = {}
        for attr, spec in list(namespace.items()):
            if attr.isupper() and isinstance(spec, tuple) and len(spec) == 3:
                members[attr] = Member(attr, *spec)
                namespace[attr] = spec[0]
        cls = super().__new__(mcls, name, bases, namespace)
        cls._members = members
        cls._by_value = {m.value: m for m in members.values()}
        return cls

    def __iter__(cls):
        return iter(cls._members.values())

    def __len__(cls):
        return len(cls._members)

    def __contains__(cls, value):
        return value in cls._by_value


class Enumeration(metaclass=EnumerationMeta):
    """Subclass with ``NAME = value, "libellé", "label"`` lines."""

    _members: dict[str, Member]
    _by_value: dict

    @classmethod
    def choices(cls) -> list[tuple]:
        return [(m.value, m.label_en) for m in cls._members.values()]

    @classmethod
    def values(cls) -> list:
        return list(cls._by_value)

    @classmethod
    def member(cls, value) -> Member:
        return cls._by_value[value]

    @classmethod
    def describe(cls) -> list[dict]:
        return [
            {"value": m.value, "name": m.name.lower(),
             "label_fr": m.label_fr, "label_en": m.label_en}
            for m in cls._members.values()
        ]
