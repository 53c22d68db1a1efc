/** The citizen's satisfaction as the callback survey asks it (no dependencies: the console bundles it). */
export const satisfactions = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Satisfaction = (typeof satisfactions)[number];
export const satisfactionLabels: Record<Satisfaction, string> = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' };
