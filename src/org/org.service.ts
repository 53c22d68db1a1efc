import { normalizePhone } from '../shared/phone';
import type { Db } from '../db/db';
import { conflict, found, invalid, notFound } from '../shared/errors';
import * as departments from './departments.repository';
import { regionLevels, type DepartmentRecord, type Outline, type RegionLevel, type RegionRecord, regionLevelLabels } from './org.types';
import * as regions from './regions.repository';

/** Regions and departments: the administrative map tickets are placed on and routed over. */
export class OrgService {
  constructor(private readonly db: Db) {}

  listRegions(filter: { parentId?: number; level?: RegionLevel; underId?: number }): Promise<RegionRecord[]> {
    return this.db.transaction(async (trx) => {
      let under: string | undefined;
      if (filter.underId) {
        const root = await regions.findRegionById(trx, filter.underId);
        if (!root) throw notFound('区域');
        under = root.path;
      }
      return regions.listRegions(trx, { parentId: filter.parentId, level: filter.level, under });
    });
  }

  async getRegion(id: number): Promise<RegionRecord> {
    return found(await regions.findRegionById(this.db, id), '区域');
  }

  async createRegion(input: { code: string; name: string; level: RegionLevel; parentId?: number | null }): Promise<RegionRecord> {
    const parentId = input.parentId ?? null;
    if (input.level === 'city') {
      if (parentId !== null) throw invalid('市级区域没有上级区域');
    } else {
      if (parentId === null) throw invalid(`${regionLevelLabels[input.level]}需要上级区域（parentId）`);
      const parent = await regions.findRegionById(this.db, parentId);
      if (!parent) throw invalid(`上级区域 ${parentId} 不存在`);
      const expected = regionLevels[regionLevels.indexOf(input.level) - 1];
      if (parent.level !== expected)
        throw invalid(`${regionLevelLabels[input.level]}应隶属于${regionLevelLabels[expected!]}，而不是${regionLevelLabels[parent.level]}`);
    }
    return regions.insertRegion(this.db, { code: input.code, name: input.name, level: input.level, parentId });
  }

  async updateRegion(id: number, patch: { code?: string; name?: string }): Promise<RegionRecord> {
    return found(await regions.updateRegion(this.db, id, patch), '区域');
  }

  /** The outlines of one level's regions (the board's map). */
  listOutlines(level: RegionLevel) {
    return regions.listOutlines(this.db, level);
  }

  async getOutline(id: number): Promise<{ outline: Outline | null }> {
    return found(await regions.findOutline(this.db, id), '区域');
  }

  async setOutline(id: number, outline: Outline | null): Promise<{ outline: Outline | null }> {
    if (!(await regions.setOutline(this.db, id, outline))) throw notFound('区域');
    return { outline };
  }

  async deleteRegion(id: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (!(await regions.findRegionById(trx, id))) throw notFound('区域');
      if (await regions.regionInUse(trx, id)) throw conflict('该区域仍有下级区域、部门或工单在使用');
      await regions.deleteRegion(trx, id);
    });
  }

  listDepartments(filter: Parameters<typeof departments.listDepartments>[1]): Promise<DepartmentRecord[]> {
    return departments.listDepartments(this.db, filter);
  }

  async getDepartment(id: number): Promise<DepartmentRecord> {
    return found(await departments.findDepartmentById(this.db, id), '部门');
  }

  async createDepartment(
    input: Omit<
      departments.DepartmentFields,
      'active' | 'parentId' | 'regionId' | 'assignmentStrategy' | 'slackChannelId' | 'dutyPhone' | 'workChat' | 'stepTemplate'
    > & {
      parentId?: number | null;
      regionId?: number | null;
    },
  ): Promise<DepartmentRecord> {
    const fields = { ...input, parentId: input.parentId ?? null, regionId: input.regionId ?? null };
    await this.checkReferences(undefined, fields.parentId, fields.regionId);
    return departments.insertDepartment(this.db, fields);
  }

  async updateDepartment(id: number, patch: Partial<departments.DepartmentFields>): Promise<DepartmentRecord> {
    const department = await departments.findDepartmentById(this.db, id);
    if (!department) throw notFound('部门');
    if (patch.stepTemplate !== undefined && (patch.kind ?? department.kind) !== 'runner_team')
      throw invalid('只有跑团才有代办订单的步骤模板');
    await this.checkReferences(id, patch.parentId ?? null, patch.regionId ?? null);
    if (patch.dutyPhone) {
      const phone = normalizePhone(patch.dutyPhone);
      if (!phone) throw invalid(`值班电话“${patch.dutyPhone}”不是有效的电话号码`);
      patch = { ...patch, dutyPhone: phone };
    }
    return found(await departments.updateDepartment(this.db, id, patch), '部门');
  }

  private async checkReferences(id: number | undefined, parentId: number | null, regionId: number | null): Promise<void> {
    if (regionId !== null && !(await regions.findRegionById(this.db, regionId))) throw invalid(`区域 ${regionId} 不存在`);
    // Walk up from the new parent: reaching this department again would make a cycle.
    for (let cursor = parentId, depth = 0; cursor !== null; depth += 1) {
      if (cursor === id || depth > 50) throw invalid('部门不能是自己的上级');
      const parent = await departments.findDepartmentById(this.db, cursor);
      if (!parent) throw invalid(`上级部门 ${cursor} 不存在`);
      cursor = parent.parentId;
    }
  }
}
