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
/** Who serves 代办 orders: runners, the service centre's agents, grid workers, postal couriers. */
export const runnerKindLabels = { runner: '跑手', agent: '帮代办员', grid_worker: '网格员', postal: '邮政投递员' } as const;
