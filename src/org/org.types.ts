export const regionLevels = ['city', 'district', 'township', 'village', 'grid'] as const;
export type RegionLevel = (typeof regionLevels)[number];

export const departmentKinds = ['center', 'functional', 'district_gov', 'township_gov', 'utility', 'runner_team'] as const;
export type DepartmentKind = (typeof departmentKinds)[number];

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

export interface DepartmentRecord {
  id: number;
  code: string;
  name: string;
  kind: DepartmentKind;
  parentId: number | null;
  regionId: number | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
