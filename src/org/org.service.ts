import { normalizePhone } from '../shared/phone';
import type { Db } from '../db/db';
import { conflict, found, invalid, notFound } from '../shared/errors';
import * as departments from './departments.repository';
import { regionLevels, type DepartmentRecord, type Outline, type RegionLevel, type RegionRecord } from './org.types';
import * as regions from './regions.repository';

/** Regions and departments: the administrative map tickets are placed on and routed over. */
export class OrgService {
  constructor(private readonly db: Db) {}

  listRegions(filter: { parentId?: number; level?: RegionLevel; underId?: number }): Promise<RegionRecord[]> {
    return this.db.transaction(async (trx) => {
      let under: string | undefined;
      if (filter.underId) {
        const root = await regions.findRegionById(trx, filter.underId);
        if (!root) throw notFound('region');
        under = root.path;
      }
      return regions.listRegions(trx, { parentId: filter.parentId, level: filter.level, under });
    });
  }

  async getRegion(id: number): Promise<RegionRecord> {
    return found(await regions.findRegionById(this.db, id), 'region');
  }

  async createRegion(input: { code: string; name: string; level: RegionLevel; parentId?: number | null }): Promise<RegionRecord> {
    const parentId = input.parentId ?? null;
    if (input.level === 'city') {
      if (parentId !== null) throw invalid('a city has no parent region');
    } else {
      if (parentId === null) throw invalid(`a ${input.level} needs a parentId`);
      const parent = await regions.findRegionById(this.db, parentId);
      if (!parent) throw invalid(`parent region ${parentId} does not exist`);
      const expected = regionLevels[regionLevels.indexOf(input.level) - 1];
      if (parent.level !== expected) throw invalid(`a ${input.level} belongs under a ${expected}, not a ${parent.level}`);
    }
    return regions.insertRegion(this.db, { code: input.code, name: input.name, level: input.level, parentId });
  }

  async updateRegion(id: number, patch: { code?: string; name?: string }): Promise<RegionRecord> {
    return found(await regions.updateRegion(this.db, id, patch), 'region');
  }

  /** The outlines of one level's regions (the board's map). */
  listOutlines(level: RegionLevel) {
    return regions.listOutlines(this.db, level);
  }

  async getOutline(id: number): Promise<{ outline: Outline | null }> {
    return found(await regions.findOutline(this.db, id), 'region');
  }

  async setOutline(id: number, outline: Outline | null): Promise<{ outline: Outline | null }> {
    if (!(await regions.setOutline(this.db, id, outline))) throw notFound('region');
    return { outline };
  }

  async deleteRegion(id: number): Promise<void> {
    await this.db.transaction(async (trx) => {
      if (!(await regions.findRegionById(trx, id))) throw notFound('region');
      if (await regions.regionInUse(trx, id)) throw conflict('region is in use by sub-regions, departments or tickets');
      await regions.deleteRegion(trx, id);
    });
  }

  listDepartments(filter: Parameters<typeof departments.listDepartments>[1]): Promise<DepartmentRecord[]> {
    return departments.listDepartments(this.db, filter);
  }

  async getDepartment(id: number): Promise<DepartmentRecord> {
    return found(await departments.findDepartmentById(this.db, id), 'department');
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
    if (!department) throw notFound('department');
    if (patch.stepTemplate !== undefined && (patch.kind ?? department.kind) !== 'runner_team')
      throw invalid('only a runner team (跑团) has a step template for its 代办 orders');
    await this.checkReferences(id, patch.parentId ?? null, patch.regionId ?? null);
    if (patch.dutyPhone) {
      const phone = normalizePhone(patch.dutyPhone);
      if (!phone) throw invalid(`dutyPhone "${patch.dutyPhone}" is not a valid phone number`);
      patch = { ...patch, dutyPhone: phone };
    }
    return found(await departments.updateDepartment(this.db, id, patch), 'department');
  }

  private async checkReferences(id: number | undefined, parentId: number | null, regionId: number | null): Promise<void> {
    if (regionId !== null && !(await regions.findRegionById(this.db, regionId))) throw invalid(`region ${regionId} does not exist`);
    // Walk up from the new parent: reaching this department again would make a cycle.
    for (let cursor = parentId, depth = 0; cursor !== null; depth += 1) {
      if (cursor === id || depth > 50) throw invalid('a department cannot be its own ancestor');
      const parent = await departments.findDepartmentById(this.db, cursor);
      if (!parent) throw invalid(`parent department ${cursor} does not exist`);
      cursor = parent.parentId;
    }
  }
}
