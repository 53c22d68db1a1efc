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
