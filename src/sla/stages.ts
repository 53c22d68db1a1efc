/** The stages a ticket's deadlines are kept for (no dependencies: the console bundles the labels). */
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
