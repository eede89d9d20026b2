"""Reads of the unit directory: what importing a directory would change (the preview and the import agree)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from luoshi.plandoc.units import DirectoryEntry, UnitDirectory

from .choices import UnitKind
from .models import Unit, UnitAlias

CREATE, UPDATE, SAME = "create", "update", "same"
UNIT_IMPORT_FIELDS = ("full_name", "kind", "is_group", "member_kind")


@dataclass
class PlannedUnit:
    """One directory entry against the database: the values it sets and what changes."""

    entry: DirectoryEntry
    unit: Unit | None                          # the existing unit of that name
    values: dict[str, Any]                     # UNIT_IMPORT_FIELDS as they will be stored
    parent: Unit | str | None = None           # an existing unit, or the name of a unit the file creates
    new_aliases: list[str] = field(default_factory=list)
    moved_aliases: dict[str, str] = field(default_factory=dict)   # alias -> unit it belongs to now
    members: list[str] | None = None           # groups: the member units' names after the import
    changes: list[str] = field(default_factory=list)              # readable lines for the preview
    error: str = ""

    @property
    def action(self) -> str:
        if self.unit is None:
            return CREATE
        return UPDATE if self.changes else SAME


def unit_directory_plan(directory: UnitDirectory) -> list[PlannedUnit]:
    """What importing `directory` does to each of its units, in directory order. Reads only, fixed queries.

    Existing units (matched by name) get the directory's values; aliases are added (an alias another
    unit holds moves); a group's explicit members are replaced; nothing is deleted.
    """
    entries = directory.entries()
    names = [e.name for e in entries]
    existing = {u.name: u for u in Unit.objects.filter(name__in=names)
                .select_related("parent").prefetch_related("members")}
    in_file = set(names)
    parent_names = {e.parent for e in entries if e.parent and e.parent not in in_file}
    outside_parents = {u.name: u for u in Unit.objects.filter(name__in=parent_names)}
    wanted_aliases = {a for e in entries for a in e.aliases}
    alias_owner = {a.alias: a.unit.name for a in UnitAlias.objects.filter(alias__in=wanted_aliases)
                   .select_related("unit")}
    kinds = set(UnitKind.values)
    planned = []
    for entry in entries:
        unit = existing.get(entry.name)
        kind = entry.kind if entry.kind in kinds else UnitKind.OTHER
        member_kind = ""
        if entry.is_group:
            member_kind = next((m[5:] for m in entry.members if m.startswith("kind:")), "")
        values = {"full_name": entry.full_name or "", "kind": kind, "is_group": entry.is_group,
                  "member_kind": member_kind if member_kind in kinds else ""}
        item = PlannedUnit(entry=entry, unit=unit, values=values)
        if unit is not None:
            for name in UNIT_IMPORT_FIELDS:
                before, after = getattr(unit, name), values[name]
                if before != after:
                    item.changes.append(_field_change(name, before, after))
        _plan_parent(item, in_file, outside_parents)
        for alias in entry.aliases:
            owner = alias_owner.get(alias)
            if owner == entry.name:
                continue
            item.new_aliases.append(alias)
            if owner is not None:
                item.moved_aliases[alias] = owner
                item.changes.append(_("别名“%(alias)s”从“%(owner)s”移至本单位") % {"alias": alias, "owner": owner})
            elif unit is not None:
                item.changes.append(_("新增别名“%(alias)s”") % {"alias": alias})
        if entry.is_group:
            item.members = explicit_members(directory, entry)
            before_members = sorted(m.name for m in unit.members.all()) if unit is not None else []
            added = sorted(set(item.members) - set(before_members))
            removed = sorted(set(before_members) - set(item.members))
            if unit is not None and (added or removed):
                item.changes.append(_("成员：增加 %(added)s；移除 %(removed)s") % {
                    "added": "、".join(added) or "—", "removed": "、".join(removed) or "—"})
        planned.append(item)
    return planned


def explicit_members(directory: UnitDirectory, entry: DirectoryEntry) -> list[str]:
    """The names a group lists (patterns expanded). Kind rules ("kind:city_department") are kept in
    Unit.member_kind instead, so new departments join by themselves."""
    rules = tuple(m for m in entry.members if not m.startswith("kind:"))
    return directory.members(DirectoryEntry(entry.name, None, "group", (), True, rules))


def _plan_parent(item: PlannedUnit, in_file: set[str], outside: dict[str, Unit]) -> None:
    name = item.entry.parent
    unit = item.unit
    before = unit.parent.name if unit is not None and unit.parent is not None else None
    if not name:
        item.parent = unit.parent if unit is not None else None  # the directory says nothing: keep it
        return
    if name == item.entry.name:
        item.error = _("单位“%(name)s”不能是自己的上级单位") % {"name": name}
        return
    if name in in_file:
        item.parent = name
    elif name in outside:
        item.parent = outside[name]
    else:
        item.error = _("上级单位“%(parent)s”既不在本目录中，也不在系统中") % {"parent": name}
        return
    if unit is not None and before != name:
        item.changes.append(_field_change("parent", before or "", name))


def _field_change(name: str, before: Any, after: Any) -> str:
    label = str(Unit._meta.get_field(name).verbose_name)
    return str(_("%(field)s：%(before)s → %(after)s") % {
        "field": label, "before": _display(name, before), "after": _display(name, after)})


def _display(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if name in ("kind", "member_kind") and value:
        return str(UnitKind(value).label)
    return str(value) if value not in ("", None) else "—"
