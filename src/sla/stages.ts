/** The stages a ticket's deadlines are kept for, and the SLA's other words (no dependencies: the console bundles the labels). */
export const stages = [
  'dispatch',
  'sign_for',
  'first_contact',
  'reply',
  'callback',
  'hard_onsite_rep',
  'hard_onsite_head',
  'hard_answer',
] as const;
export type Stage = (typeof stages)[number];
export const stageLabels: Record<Stage, string> = {
  dispatch: '派单',
  sign_for: '签收',
  first_contact: '联系群众',
  reply: '答复',
  callback: '回访',
  hard_onsite_rep: '办不成事·首席代表到场',
  hard_onsite_head: '办不成事·部门负责人到场',
  hard_answer: '办不成事·答复',
};

export const limitUnitLabels: Record<'working_days' | 'working_hours' | 'natural_hours', string> = {
  working_days: '个工作日',
  working_hours: '个工作小时',
  natural_hours: '小时（自然时间）',
};

/** Who an alert level reaches. */
export const audienceLabels: Record<'assignee' | 'dept_head' | 'supervisor' | 'director', string> = {
  assignee: '承办人',
  dept_head: '部门负责人',
  supervisor: '督办/值班长',
  director: '中心主任',
};
