/** The words of proactive 代办 as people read them (no dependencies: the console bundles them). */
export const proactiveRuleKinds = ['age', 'disability', 'hardship', 'id_expiry'] as const;
export type ProactiveRuleKind = (typeof proactiveRuleKinds)[number];

export const ruleKindLabels: Record<ProactiveRuleKind, string> = {
  age: '年龄达到',
  disability: '残疾等级',
  hardship: '特困人员',
  id_expiry: '身份证临期',
};
/** What a threshold means for each kind, as a form asks for it. */
export const thresholdLabels: Record<ProactiveRuleKind, string | null> = {
  age: '周岁',
  disability: '最低等级（1 为一级，最重）',
  hardship: null,
  id_expiry: '到期前天数',
};
export const proactiveDeliveryLabels = { home: '送达上门', postal: '免费邮寄' } as const;

/** Who a rule covers, in words: 年满60周岁, 残疾等级为一、二级, 特困人员, 身份证30天内到期. */
export function ruleText(rule: ProactiveRuleKind, threshold: number | null): string {
  if (rule === 'age') return `年满${threshold}周岁`;
  if (rule === 'disability') return `残疾等级为${['一', '二', '三', '四'].slice(0, threshold ?? 0).join('、')}级`;
  if (rule === 'hardship') return '特困人员';
  return `身份证${threshold}天内到期`;
}
