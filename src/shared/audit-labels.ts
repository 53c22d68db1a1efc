/** The audit log's words, for people: the console and the CSV export say the same. */
export const auditActionLabels: Record<string, string> = {
  'sign_in.succeeded': '登录成功',
  'sign_in.failed': '登录失败',
  'sign_in.locked': '账号锁定',
  'account.unlocked': '账号解锁',
  'password.reset': '重置密码',
  'api_key.issued': '签发 API 密钥',
  'api_key.revoked': '吊销 API 密钥',
  'contact.revealed': '查看联系方式',
  'contact.vulnerability_recorded': '登记特殊群体',
  'contact.vulnerability_cleared': '撤销特殊群体',
  'privacy.access': '个人信息查阅',
  'privacy.erasure': '个人信息删除',
  'residents.imported': '导入居民底册',
  'settings.created': '新增设置',
  'settings.changed': '修改设置',
  'settings.deleted': '删除设置',
};

/** What a settings change was made to (the audit log's target before the colon). */
export const settingLabels: Record<string, string> = {
  user: '用户',
  region: '区域',
  region_outline: '区域边界',
  department: '部门',
  canned_reply: '常用语',
  category: '分类',
  catalog_entry: '派单目录',
  calendar: '工作日历',
  calendar_day: '日历日期',
  sla_policy: '时限策略',
  alert_levels: '预警级别',
  callback_settings: '回访设置',
  proxy_matter: '代办事项',
  runner: '跑手',
  proactive_rule: '主动代办规则',
  resident_import: '居民底册导入',
  classifier_model: '分类模型',
};

/** `catalog_entry:12` → 派单目录 #12. */
export function targetLabel(target: string | null): string {
  if (!target) return '';
  const [what, id] = target.split(/:(.*)/s);
  const label = settingLabels[what!];
  if (!label) return target;
  return id ? `${label} #${id}` : label;
}
