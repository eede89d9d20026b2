"""Writes to the unit directory and accounts. Each service audits inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from luoshi.core.audit import audit_record
from luoshi.core.errors import DomainError
from luoshi.plandoc.units import DirectoryEntry, UnitDirectory

from .choices import UnitKind
from .models import Unit, UnitAlias


@transaction.atomic
def unit_directory_import(*, actor: Any, directory: UnitDirectory) -> dict[str, int]:
    """Create or update units, aliases and groups from a parser directory (built-in, CSV or YAML).

    Existing units keep their id; fields are updated; nothing is deleted. Returns counts.
    """
    created = updated = 0
    kinds = set(UnitKind.values)
    by_name: dict[str, Unit] = {}
    for order, entry in enumerate(directory.entries()):
        kind = entry.kind if entry.kind in kinds else UnitKind.OTHER
        member_kind = ""
        if entry.is_group:
            member_kind = next((m[5:] for m in entry.members if m.startswith("kind:")), "")
        unit, was_created = Unit.objects.update_or_create(
            name=entry.name,
            defaults={"full_name": entry.full_name or "", "kind": kind, "is_group": entry.is_group,
                      "member_kind": member_kind if member_kind in kinds else "", "sort_order": order},
        )
        created += was_created
        updated += not was_created
        by_name[entry.name] = unit
    for entry in directory.entries():
        unit = by_name[entry.name]
        if entry.parent and entry.parent in by_name:
            Unit.objects.filter(pk=unit.pk).update(parent=by_name[entry.parent])
        for alias in entry.aliases:
            UnitAlias.objects.update_or_create(alias=alias, defaults={"unit": unit})
        if entry.is_group:
            members = [by_name[m] for m in _member_names(directory, entry) if m in by_name]
            unit.members.set(members)
    audit_record(actor=actor, action="units.import", target=by_name[next(iter(by_name))] if by_name else Unit(),
                 after={"created": created, "updated": updated}, message="单位目录导入")
    return {"created": created, "updated": updated}


def _member_names(directory: UnitDirectory, entry: DirectoryEntry) -> list[str]:
    # Kind rules ("kind:city_department") live in Unit.member_kind, so new departments join by themselves.
    explicit = DirectoryEntry(entry.name, None, "group", (), True, tuple(m for m in entry.members
                                                                       if not m.startswith("kind:")))
    return directory.members(explicit)


def unit_directory_for_parser() -> UnitDirectory:
    """The directory in the database as the parser's UnitDirectory, aliases included."""
    aliases: dict[int, list[str]] = {}
    for alias in UnitAlias.objects.all():
        aliases.setdefault(alias.unit_id, []).append(alias.alias)
    units = list(Unit.objects.filter(active=True).prefetch_related("members"))
    names = {u.name for u in units}
    entries = []
    for u in units:
        members: tuple[str, ...] = ()
        if u.is_group:
            members = tuple(m.name for m in u.members.all() if m.name in names)
            if u.member_kind:
                members += (f"kind:{u.member_kind}",)
        entries.append(DirectoryEntry(name=u.name, full_name=u.full_name or None, kind=u.kind,
                                      aliases=tuple(aliases.get(u.pk, ())), is_group=u.is_group, members=members))
    return UnitDirectory(entries, cities=_cities(units))


def _cities(units: list[Unit]) -> tuple[str, ...]:
    found = set()
    for u in units:
        if u.full_name.startswith("大连市"):
            found.add("大连")
    return tuple(found)


@transaction.atomic
def unit_alias_create(*, actor: Any, alias: str, unit: Unit) -> UnitAlias:
    """Remember that plans call `unit` by `alias` (mapping confirmed in an import preview)."""
    alias = alias.strip()
    if not alias:
        raise DomainError("别名不能为空 (alias is empty)")
    existing = UnitAlias.objects.filter(alias=alias).select_related("unit").first()
    if existing and existing.unit_id != unit.pk:
        raise DomainError(f"“{alias}”已是“{existing.unit}”的别名 (alias already belongs to another unit)")
    if Unit.objects.filter(name=alias).exclude(pk=unit.pk).exists():
        raise DomainError(f"“{alias}”是另一个单位的名称 (alias is another unit's name)")
    obj, _ = UnitAlias.objects.get_or_create(alias=alias, defaults={"unit": unit})
    audit_record(actor=actor, action="units.alias", target=unit, after={"alias": alias}, unit_id=unit.pk)
    return obj
