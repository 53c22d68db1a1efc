import { returningAs, type Queryable } from '../db/db';
import type { AssignmentStrategy } from './org.types';
import type { DepartmentKind, DepartmentRecord, StepTemplate } from './org.types';

const columns = {
  id: 'id',
  code: 'code',
  name: 'name',
  kind: 'kind',
  parentId: 'parent_id',
  regionId: 'region_id',
  active: 'active',
  assignmentStrategy: 'assignment_strategy',
  slackChannelId: 'slack_channel_id',
  dutyPhone: 'duty_phone',
  workChat: 'work_chat',
  stepTemplate: 'step_template',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

export async function findDepartmentById(db: Queryable, id: number): Promise<DepartmentRecord | undefined> {
  return db('departments').select(columns).where({ id }).first();
}

export async function findDepartmentsByIds(db: Queryable, ids: readonly number[]): Promise<DepartmentRecord[]> {
  if (ids.length === 0) return [];
  return db('departments').select(columns).whereIn('id', ids);
}

export async function listDepartments(
  db: Queryable,
  filter: { kind?: DepartmentKind; regionId?: number; active?: boolean },
): Promise<DepartmentRecord[]> {
  const query = db('departments').select(columns).orderBy('id');
  if (filter.kind) query.where({ kind: filter.kind });
  if (filter.regionId) query.where({ region_id: filter.regionId });
  if (filter.active !== undefined) query.where({ active: filter.active });
  return query;
}

export interface DepartmentFields {
  code: string;
  name: string;
  kind: DepartmentKind;
  parentId: number | null;
  regionId: number | null;
  active: boolean;
  assignmentStrategy: AssignmentStrategy;
  slackChannelId: string | null;
  dutyPhone: string | null;
  workChat: 'wecom' | 'dingtalk' | null;
  stepTemplate: StepTemplate;
}

export async function insertDepartment(
  db: Queryable,
  fields: Omit<DepartmentFields, 'active' | 'assignmentStrategy' | 'slackChannelId' | 'dutyPhone' | 'workChat' | 'stepTemplate'>,
): Promise<DepartmentRecord> {
  const [row] = await db('departments')
    .insert({ code: fields.code, name: fields.name, kind: fields.kind, parent_id: fields.parentId, region_id: fields.regionId })
    .returning(returningAs(columns));
  return row as DepartmentRecord;
}

export async function updateDepartment(db: Queryable, id: number, patch: Partial<DepartmentFields>): Promise<DepartmentRecord | undefined> {
  const row: Record<string, unknown> = { updated_at: db.fn.now() };
  if (patch.code !== undefined) row.code = patch.code;
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.kind !== undefined) row.kind = patch.kind;
  if (patch.parentId !== undefined) row.parent_id = patch.parentId;
  if (patch.regionId !== undefined) row.region_id = patch.regionId;
  if (patch.active !== undefined) row.active = patch.active;
  if (patch.assignmentStrategy !== undefined) row.assignment_strategy = patch.assignmentStrategy;
  if (patch.slackChannelId !== undefined) row.slack_channel_id = patch.slackChannelId;
  if (patch.dutyPhone !== undefined) row.duty_phone = patch.dutyPhone;
  if (patch.workChat !== undefined) row.work_chat = patch.workChat;
  if (patch.stepTemplate !== undefined) row.step_template = patch.stepTemplate;
  const [updated] = await db('departments').update(row).where({ id }).returning(returningAs(columns));
  return updated as DepartmentRecord | undefined;
}
