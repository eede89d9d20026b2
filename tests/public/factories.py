"""A public plan of any size with an accepted report on every item, made through the services."""

from __future__ import annotations

from typing import Any


def big_public_plan(personas: Any, *, items: int, title: str) -> Any:
    from luoshi.plans.models import Assignment
    from luoshi.plans.services import plan_import, plan_publish
    from luoshi.reports import services
    from tests.public.conftest import make_public

    lines = [f"{title}", "一、重点任务"]
    lines += [f"{n}.推进第{n}项改革任务，2019年底前完成。（牵头单位：市科技局；配合单位：市财政局）"
              for n in range(1, items + 1)]
    office = personas.supervisor
    plan = plan_publish(actor=office, plan=plan_import(actor=office, data="\n".join(lines).encode(),
                                                       filename=f"{title}.txt"))
    plan = make_public(plan, office)
    period = plan.periods.order_by("start").first()
    for assignment in Assignment.objects.filter(task__plan=plan, unit__name="市科技局"):
        report = services.report_save(actor=personas.lead_liaison, assignment=assignment, period=period,
                                      version=None, progress="on_track", narrative=f"{assignment.task.key} 进展")
        report = services.report_submit(actor=personas.lead_head, report=report)
        services.report_accept(actor=office, report=report)
    for assignment in Assignment.objects.filter(task__plan=plan, task__position__lte=3):
        services.assignment_close(actor=office, assignment=assignment, closing_report="已完成。")
    return plan
