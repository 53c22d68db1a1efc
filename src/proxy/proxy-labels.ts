/** The words of 帮办代办 as people read them (no dependencies: the console bundles them). */
export const serviceModeLabels = { remote_guidance: '远程指导', home_assistance: '上门辅助', full_proxy: '全程代办' } as const;
/** The six steps of 帮办代办 (六步法), as an order's record names them, in order. */
export type ProxyStep = 'consult' | 'mandate' | 'collect' | 'coordinate' | 'feedback' | 'archive';
export const proxyStepLabels: Record<ProxyStep, string> = {
  consult: '咨询告知',
  mandate: '授权委托',
  collect: '帮办代办',
  coordinate: '协调办理',
  feedback: '跟踪反馈',
  archive: '评价归档',
};
export const materialFormLabels = { original: '原件', copy: '复印件', either: '原件或复印件' } as const;
/** How a matter's result reaches the applicant. */
export const deliveryOptionLabels = { window: '窗口领取', postal: '邮寄送达' } as const;
/** Where an order stands. */
export const orderStatusLabels: Record<string, string> = {
  unassigned: '待分配',
  offered: '待接单',
  accepted: '办理中',
  submitted: '已递交',
  delivering: '送达中',
  done: '已完成',
  cancelled: '已取消',
};
/** Where an order came from: a citizen's request, a hard case not finished on site, the hub's proactive run. */
export const orderOrigins = ['request', 'hard_case', 'proactive'] as const;
export const orderOriginLabels: Record<(typeof orderOrigins)[number], string> = {
  request: '申请代办',
  hard_case: '办不成事转办',
  proactive: '主动代办',
};
/** Who serves 代办 orders: runners, the service centre's agents, grid workers, postal couriers. */
export const runnerKindLabels = { runner: '跑手', agent: '帮代办员', grid_worker: '网格员', postal: '邮政投递员' } as const;

/**
 * How a runner team names and groups an order's steps (its department's step template): each step is done
 * once every step of the record it covers is. The record is the same whatever the template.
 */
export const stepTemplateDefinitions: Record<
  'six_steps' | 'five_steps',
  { name: string; steps: ReadonlyArray<{ key: string; label: string; covers: readonly ProxyStep[] }> }
> = {
  six_steps: {
    name: '六步法',
    steps: (['consult', 'mandate', 'collect', 'coordinate', 'feedback', 'archive'] as const).map((step) => ({
      key: step,
      label: proxyStepLabels[step],
      covers: [step],
    })),
  },
  five_steps: {
    name: '五步走',
    steps: [
      { key: 'survey', label: '调查摸底', covers: ['consult'] },
      { key: 'visit', label: '实地走访', covers: ['mandate'] },
      { key: 'accept', label: '申请受理', covers: ['collect'] },
      { key: 'implement', label: '代办实施', covers: ['coordinate', 'feedback'] },
      { key: 'evaluate', label: '办结评价', covers: ['archive'] },
    ],
  },
};
/** Where each matter of a bundled order (一件事一次办) stands. */
export const bundleMatterStatusLabels = { pending: '待递交', submitted: '已递交', approved: '已办结', refused: '不予办理' } as const;
