/** The console's words for the API's codes (zh-CN). */
export const requestTypeLabels = {
  consult: '咨询',
  help: '求助',
  complaint: '投诉',
  report: '举报',
  suggestion: '建议',
  praise: '表扬',
  proxy: '代办',
} as const;
export const urgencyLabels = { normal: '一般', urgent: '加急', emergency: '紧急' } as const;

/** Timeline entries that are not lifecycle actions, and the actions a seat sees most (the rest show their code). */
export const eventLabels: Record<string, string> = {
  created: '受理',
  classify: '智能分类',
  triage: '分拨',
  categorize: '改分类',
  dispatch: '派单',
  sign_for: '签收',
  transfer: '转派',
  return: '退单',
  reply: '答复',
  close: '办结',
  reopen: '重办',
  note: '备注',
  citizen_message: '市民补充',
  seat_reply: '坐席回复',
  merge: '并单',
  merge_received: '并入工单',
  reveal_contact: '查看联系方式',
  urge: '催办',
  supervise: '督办',
};

export const statusLabels = {
  new: '已受理',
  triage: '待分拨',
  dispatched: '已派单',
  accepted: '办理中',
  returned: '已退单',
  replied: '已答复',
  closed: '已办结',
  cancelled: '已撤销',
} as const;
