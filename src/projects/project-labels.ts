/** The words of 项目帮办 as people read them (no dependencies: the console bundles them). */
export const projectStageLabels = { attraction: '招商引进', construction: '项目建设', operation: '投产运营' } as const;
/** Who serves the project in each stage (三员). */
export const companionLabels = {
  liaison: '招商联络员',
  agentA: '全程代办员（A岗）',
  agentB: '全程代办员（B岗）',
  resident: '驻企服务员',
} as const;
export const approvalStatusLabels = { pending: '待办', in_progress: '办理中', approved: '已办结', refused: '不予批准' } as const;
