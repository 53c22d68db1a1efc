/** The words of the 办不成事 window as people read them (no dependencies: the console bundles them). */

/** 分类别处理: how a hard case is classified when it is taken. */
export const hardCaseKinds = ['cannot', 'difficult', 'refused', 'special'] as const;
export type HardCaseKind = (typeof hardCaseKinds)[number];
export const hardCaseKindLabels: Record<HardCaseKind, string> = {
  cannot: '不能办',
  difficult: '很难办',
  refused: '不给办/拖着办',
  special: '特殊办',
};
/** What each kind's own handling is (the step before the answer). */
export const hardCaseHandlingLabels: Record<HardCaseKind, string> = {
  cannot: '解释疏导',
  difficult: '容缺受理',
  refused: '责令立即办理',
  special: '特殊办安排',
};

/** 多途径发现: how a hard case came in. */
export const hardCaseSources = ['window', 'hotline', 'system', 'callback'] as const;
export type HardCaseSource = (typeof hardCaseSources)[number];
export const hardCaseSourceLabels: Record<HardCaseSource, string> = {
  window: '窗口反映',
  hotline: '热线投诉',
  system: '系统发现',
  callback: '回访发现',
};

/** 分层级解决: the rung a hard case stands on. */
export const hardCaseLevels = ['window', 'department', 'county', 'meeting'] as const;
export type HardCaseLevel = (typeof hardCaseLevels)[number];
export const hardCaseLevelLabels: Record<HardCaseLevel, string> = {
  window: '窗口首席代表',
  department: '部门负责人',
  county: '县政府分管负责人',
  meeting: '县长办公会/常务会议',
};

/** 特殊办: when or where the applicant is to be served. */
export const specialModes = ['early', 'late', 'home', 'holiday'] as const;
export const specialModeLabels: Record<(typeof specialModes)[number], string> = {
  early: '提前办理',
  late: '延时办理',
  home: '上门办理',
  holiday: '节假日办理',
};

export const meetingKinds = ['executive', 'standing'] as const;
export const meetingKindLabels: Record<(typeof meetingKinds)[number], string> = {
  executive: '县长办公会',
  standing: '县政府常务会议',
};

/** 问责: the outcome of an accountability record. */
export const accountabilityOutcomes = ['criticism', 'notice', 'admonition', 'disciplinary', 'other'] as const;
export type AccountabilityOutcome = (typeof accountabilityOutcomes)[number];
export const accountabilityOutcomeLabels: Record<AccountabilityOutcome, string> = {
  criticism: '批评教育',
  notice: '通报批评',
  admonition: '诫勉谈话',
  disciplinary: '党纪政务处分',
  other: '其他',
};

/** Why the hub raised a hard-case candidate for the duty staff. */
export const candidateReasons = ['order_late', 'not_accepted', 'not_answered', 'unsatisfied_callback'] as const;
export type CandidateReason = (typeof candidateReasons)[number];
export const candidateReasonLabels: Record<CandidateReason, string> = {
  order_late: '代办超期未办结',
  not_accepted: '未及时受理',
  not_answered: '未及时答复',
  unsatisfied_callback: '回访不满意',
};
