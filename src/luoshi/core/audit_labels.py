"""How the change history names what happened: audit action codes and recorded fields in words.

Every action code written by a service (`audit_record(action=...)`) has a label here; tests/core/
test_audit_labels.py finds the codes in the source and fails on one without a label. A field's label can
depend on the action: the `name` of an attachment is its file name, the `name` of a mapped unit is the name
as the plan wrote it.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Promise] = {
    # plans
    "plan.import": _("导入计划"), "plan.upload": _("上传计划文件"), "plan.map_unit": _("对应单位"),
    "plan.publish": _("发布计划"), "plan.configure": _("修改计划设置"), "plan.settings": _("修改计划设置"),
    "plan.demo_backdate": _("演示数据：调整发布时间"), "task.update": _("修改任务"),
    "plan.import_confirm": _("确认重新导入"), "plan.import_cancel": _("取消重新导入"),
    "plan.import_stale": _("导入任务超时，标记为失败"), "task.add": _("新增任务"), "task.retire": _("停用任务"),
    "task.restore": _("恢复任务"),
    # reports and their workflow
    "report.create": _("填写报告"), "report.save": _("修改报告"), "report.approve": _("单位负责人审核"),
    "report.submit": _("报送"), "report.return": _("退回"), "report.accept": _("审核通过"),
    "report.sheet_upload": _("表格导入报告"), "report.demo_backdate": _("演示数据：调整报送时间"),
    "attachment.add": _("上传佐证材料"), "attachment.delete": _("删除佐证材料"),
    "extension.request": _("申请延期"), "extension.grant": _("同意延期"), "extension.refuse": _("不同意延期"),
    "assignment.extend": _("调整完成时限"), "assignment.close_propose": _("申请办结"),
    "assignment.close": _("办结"), "assignment.close_refuse": _("不同意办结"),
    "instruction.create": _("领导批示"),
    "reminder.before_due": _("到期提醒"), "reminder.overdue": _("逾期催办"), "reminder.manual": _("人工催办"),
    "reminder.chase": _("一键催办"),
    # units and accounts
    "units.import": _("导入单位目录"), "units.alias": _("添加单位别名"),
    "user.create": _("创建账号"), "user.update": _("修改账号"), "user.set_role": _("修改账号角色"),
    "user.set_password": _("重设密码"), "user.deactivate": _("停用账号"),
    "unit.create": _("新建单位"), "user.invite": _("邀请账号"), "user.password_change": _("修改本人密码"),
    "user.sessions_ended": _("结束其他登录会话"), "login.lockout": _("登录失败次数过多，已锁定"),
    "login.unlock": _("解除登录锁定"), "user.2fa_enrol": _("启用双因素认证"), "user.2fa_failed": _("双因素验证失败"),
    "user.2fa_recovery_code_used": _("使用恢复码登录"), "user.2fa_recovery_codes": _("重新生成恢复码"),
    "user.2fa_remove": _("重置双因素认证"),
    # the security audit: events, and changes made in the Django admin
    "security.login": _("登录"), "security.logout": _("退出登录"), "security.login_failed": _("登录失败"),
    "security.access_denied": _("访问被拒绝"), "security.download.export": _("下载导出文件"),
    "security.download.evidence": _("下载佐证材料"), "security.integrity_failure": _("文件校验失败，拒绝下载"),
    "admin.add": _("后台新增"), "admin.change": _("后台修改"), "admin.delete": _("后台删除"),
    "audit.prune": _("清理过期审计记录"),
    "api_token.issue": _("生成接口令牌"), "api_token.revoke": _("撤销接口令牌"),
    # indicators and the index
    "region.create": _("新增地区"), "indicator.create": _("新增指标"), "indicator.update": _("修改指标"),
    "indicator_alias.create": _("新增指标别名"), "indicator_target.create": _("目标对应指标"),
    "attainment_rule.set": _("设置达标规则"),
    "observation.create": _("录入指标数据"), "observation.revise": _("修改指标数据"),
    "observation.confirm": _("确认单位自报数据"),
    "observation.self_report_skip": _("单位自报数据未记入"), "observation_upload.store": _("上传指标数据"),
    "index_method.create": _("新增指数方法"), "index_edition.request": _("申请计算指数"),
    "index_edition.compute": _("计算指数"), "index_edition.fail": _("指数计算失败"),
    "index_edition.publish": _("发布指数"),
    # assessment
    "rubric.create": _("新建考核方案"), "rubric.update": _("修改考核方案"), "rubric.publish": _("发布考核结果"),
    "rubric.supersede": _("考核方案改版"), "score.recompute": _("重新计算得分"),
    "assessment.adjustment_add": _("加减分"), "appeal.file": _("提出申诉"), "appeal.reverse": _("撤销扣分"),
    "appeal.uphold": _("维持扣分"),
    # documents
    "document.request": _("生成文件"),
}

FIELD_LABELS: dict[str, Promise] = {
    "title": _("标题"), "doc_number": _("文号"), "issuer": _("发文机关"), "issued_on": _("成文日期"),
    "status": _("状态"), "cadence": _("报送周期"), "due_day": _("报送截止日"), "revision": _("导入版次"),
    "year": _("年度"), "is_public": _("公开"), "published_at": _("发布时间"),
    "text": _("任务内容"), "deadline": _("完成时限"), "deadline_text": _("时限原文"), "units": _("责任单位"),
    "assignments_created": _("新交办任务分工数"), "name": _("名称"), "unit": _("对应单位"),
    "task_units": _("涉及处数"), "progress": _("进展"), "narrative": _("进展情况"), "is_late": _("逾期报送"),
    "deadline_requested": _("申请延期至"), "requested_deadline": _("申请延期至"), "reason": _("理由"),
    "comment": _("意见"), "closing_report": _("办结报告"), "submitted_at": _("报送时间"),
    "accepted_at": _("通过时间"), "filename": _("文件名"), "bytes": _("大小（字节）"), "size": _("大小（字节）"),
    "type": _("文件类型"), "report": _("报告"), "task": _("任务"), "plan": _("计划"), "kind": _("类型"),
    "period": _("报送期"), "message": _("内容"), "recipients": _("收件人数"), "reminders": _("催办数"),
    "value": _("数值"), "source": _("来源"), "alias": _("别名"),
}

# Where a field means something else for one action.
ACTION_FIELD_LABELS: dict[str, dict[str, Promise]] = {
    "plan.map_unit": {"name": _("原文单位名")},
    "task.update": {"name": _("原文单位名")},
    "attachment.add": {"name": _("文件名")},
    "attachment.delete": {"name": _("文件名")},
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def field_label(action: str, key: str) -> str:
    label = ACTION_FIELD_LABELS.get(action, {}).get(key) or FIELD_LABELS.get(key)
    return str(label) if label is not None else key
