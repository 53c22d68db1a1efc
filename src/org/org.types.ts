/** How a department hands its tickets to its people (src/routing/assignment.ts carries them out). */
export const assignmentStrategies = ['queue', 'round_robin', 'least_open', 'skills'] as const;
export type AssignmentStrategy = (typeof assignmentStrategies)[number];
export const assignmentStrategyLabels: Record<AssignmentStrategy, string> = {
  queue: '部门队列（谁签收谁办）',
  round_robin: '轮流分配',
  least_open: '在办最少者',
  skills: '按技能',
};

export const regionLevels = ['city', 'district', 'township', 'village', 'grid'] as const;
export type RegionLevel = (typeof regionLevels)[number];
export const regionLevelLabels: Record<RegionLevel, string> = {
  city: '市',
  district: '区县',
  township: '街道/乡镇',
  village: '社区/村',
  grid: '网格',
};

export const departmentKinds = ['center', 'functional', 'district_gov', 'township_gov', 'utility', 'runner_team'] as const;
export type DepartmentKind = (typeof departmentKinds)[number];
export const departmentKindLabels: Record<DepartmentKind, string> = {
  center: '热线中心',
  functional: '职能部门',
  district_gov: '区县政府',
  township_gov: '街道/乡镇',
  utility: '公共服务企业',
  runner_team: '帮办代办队伍',
};

/** A region's outline: a GeoJSON Polygon or MultiPolygon, positions as [longitude, latitude]. */
export type Outline = { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };

export interface RegionRecord {
  id: number;
  code: string;
  name: string;
  level: RegionLevel;
  parentId: number | null;
  path: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The step templates a runner team's 代办 orders follow (their steps: src/proxy/proxy-labels.ts). */
export const stepTemplates = ['six_steps', 'five_steps'] as const;
export type StepTemplate = (typeof stepTemplates)[number];

export interface DepartmentRecord {
  id: number;
  code: string;
  name: string;
  kind: DepartmentKind;
  parentId: number | null;
  regionId: number | null;
  active: boolean;
  /** How tickets are assigned inside the department (src/routing/assignment.ts). */
  assignmentStrategy: AssignmentStrategy;
  /** The Slack channel that receives the department's ticket cards. */
  slackChannelId: string | null;
  /** 值班电话: urgent tickets and red or escalated alerts reach it by SMS (E.164). */
  dutyPhone: string | null;
  /** Where its notices go besides the bell: WeCom or DingTalk (to each member with an account there). */
  workChat: 'wecom' | 'dingtalk' | null;
  /** A runner team's: how its orders' steps are named and grouped (六步法, 五步走). */
  stepTemplate: StepTemplate;
  createdAt: Date;
  updatedAt: Date;
}
