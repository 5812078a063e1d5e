"""Departments (主管部门) and units (实施单位) as the administration's lists, and the users' places
in them. Names are the names forms print: a reviewer of 上海市公安局 sees the forms whose 主管部门
is 上海市公安局, a unit user the forms whose 实施单位 is its unit.

Renaming a department or unit renames it on the users who belong to it (and ends their sessions,
since what they may see changed); forms keep the names they print. A deactivated department or
unit is no longer offered to new users and cannot be given to one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Invalid, NotFound
from .schema import ROLE_UNIT, Department, Unit, User
from .users import end_sessions

MAX_NAME = 200


def _name(text: str | None, what: str) -> str:
    name = (text or "").strip()
    if not name:
        raise Invalid(f"请填写{what}名称")
    if len(name) > MAX_NAME:
        raise Invalid(f"{what}名称不能超过{MAX_NAME}个字")
    return name


def departments(s: Session) -> list[Department]:
    return list(s.scalars(select(Department).order_by(Department.name)))


def units(s: Session) -> list[Unit]:
    return list(s.scalars(select(Unit).order_by(Unit.name)))


def department_named(s: Session, name: str) -> Department | None:
    return s.scalar(select(Department).where(Department.name == name))


def unit_named(s: Session, name: str) -> Unit | None:
    return s.scalar(select(Unit).where(Unit.name == name))


def add_department(s: Session, name: str) -> Department:
    name = _name(name, "主管部门")
    if department_named(s, name) is not None:
        raise Invalid(f"已有主管部门“{name}”")
    d = Department(name=name, active=True)
    s.add(d)
    s.flush()
    return d


def add_unit(s: Session, name: str, department: int | str) -> Unit:
    name = _name(name, "实施单位")
    dep = _department(s, department)
    if not dep.active:
        raise Invalid(f"主管部门“{dep.name}”已停用，不能在其下新增单位")
    if unit_named(s, name) is not None:
        raise Invalid(f"已有实施单位“{name}”")
    u = Unit(name=name, department_id=dep.id, active=True)
    s.add(u)
    s.flush()
    return u


def _department(s: Session, key: int | str) -> Department:
    d = s.get(Department, key) if isinstance(key, int) else department_named(s, key)
    if d is None:
        raise NotFound(f"没有主管部门“{key}”" if isinstance(key, str) else f"没有编号为 {key} 的主管部门")
    return d


def update_department(s: Session, dep_id: int, name: str | None = None, active: bool | None = None) -> Department:
    d = _department(s, dep_id)
    if name is not None:
        new = _name(name, "主管部门")
        if new != d.name:
            if department_named(s, new) is not None:
                raise Invalid(f"已有主管部门“{new}”")
            for u in s.scalars(select(User)):
                if d.name in (u.departments or []):
                    u.departments = [new if x == d.name else x for x in u.departments]
                    end_sessions(u, f"主管部门“{d.name}”改名为“{new}”")
            d.name = new
    if active is not None:
        d.active = active
    s.flush()
    return d


def update_unit(s: Session, unit_id: int, name: str | None = None, department: int | None = None,
                active: bool | None = None) -> Unit:
    u = s.get(Unit, unit_id)
    if u is None:
        raise NotFound(f"没有编号为 {unit_id} 的实施单位")
    old_name, old_dep = u.name, u.department.name
    if name is not None:
        new = _name(name, "实施单位")
        if new != u.name and unit_named(s, new) is not None:
            raise Invalid(f"已有实施单位“{new}”")
        u.name = new
    if department is not None and department != u.department_id:
        dep = _department(s, department)
        if not dep.active:
            raise Invalid(f"主管部门“{dep.name}”已停用，不能把单位移到其下")
        u.department_id, u.department = dep.id, dep
    if active is not None:
        u.active = active
    if (u.name, u.department.name) != (old_name, old_dep):
        for user in s.scalars(select(User).where(User.role == ROLE_UNIT, User.unit == old_name)):
            user.unit = u.name
            user.departments = [u.department.name]
            end_sessions(user, f"实施单位“{old_name}”改名或调整主管部门")
    s.flush()
    return u


def place(s: Session, role: str, unit: str | None, deps: list[str]) -> tuple[str | None, list[str]]:
    """A user's unit and departments, checked against the lists. A name not yet in them is added
    (so that `jixiao user add --unit … --department …` and the API work on a new installation);
    a deactivated one is refused. A unit user's department is its unit's. A new unit given without
    its department cannot be placed in the list: the user keeps the name, and the administrators'
    to-do list asks them to register it."""
    for name in deps:
        d = department_named(s, name)
        if d is None:
            add_department(s, name)
        elif not d.active:
            raise Invalid(f"主管部门“{name}”已停用，不能分配给用户")
    if role == ROLE_UNIT and unit:
        found = unit_named(s, unit)
        if found is None:
            if not deps:
                return unit, deps
            found = add_unit(s, unit, deps[0])
        elif not found.active:
            raise Invalid(f"实施单位“{unit}”已停用，不能分配给用户")
        deps = [found.department.name]
    return unit, deps
