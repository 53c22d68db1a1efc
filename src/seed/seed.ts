import { hashPassword, verifyPassword } from '../auth/password';
import type { Db, Tx } from '../db/db';
import { defaultTaxonomy } from './default-taxonomy';
import { upsertBundle } from '../proxy/bundles';
import { bundleMatters, defaultBundles, defaultMatters, matterRow } from '../proxy/matters';
import { defaultRules } from '../proactive/proactive.repository';
import { insertArticle, insertSynonyms, insertVersion } from '../knowledge/articles.repository';
import { articleTerms } from '../knowledge/knowledge.service';
import {
  demoArticles,
  demoCatalog,
  demoDepartments,
  demoPassword,
  demoRegions,
  demoSynonyms,
  demoUsers,
  type RegionSeed,
} from './demo-city';

/** The default taxonomy goes into an empty categories table; afterwards it is admin data. */
export async function seedTaxonomy(db: Db): Promise<boolean> {
  return db.transaction(async (trx) => {
    // Two processes starting at once must not seed twice.
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['seed:taxonomy']);
    if (await trx('categories').first('id')) return false;
    for (const [index, entry] of defaultTaxonomy.entries()) {
      const [parent] = await trx('categories')
        .insert({ code: entry.code, name: entry.name, level: 1, description: entry.description, sort_order: index })
        .returning<Array<{ id: number }>>('id');
      await trx('categories').insert(
        entry.children.map(([code, name], childIndex) => ({ code, name, level: 2, parent_id: parent!.id, sort_order: childIndex })),
      );
    }
    return true;
  });
}

/**
 * The demo users whose password is still the demo password: a production hub (a real
 * database, demo not asked for) refuses to start while there is one.
 */
export async function usersWithDemoPasswords(db: Db): Promise<string[]> {
  const rows: Array<{ username: string; hash: string | null }> = await db('users')
    .select({ username: 'username', hash: 'password_hash' })
    .whereIn(
      'username',
      demoUsers.map((u) => u.username),
    )
    .where('active', true);
  const checked = await Promise.all(
    rows.map(async (row) => ((await verifyPassword(demoPassword(row.username), row.hash)) ? row.username : undefined)),
  );
  return checked.filter((username): username is string => username !== undefined);
}

/** The demo city, its departments and one user per role — only into a database without regions. */
export async function seedDemoCity(db: Db): Promise<boolean> {
  // Seeded already: skip hashing the demo passwords (the transaction below checks again).
  if (await db('regions').first('id')) return false;
  const passwordHashes = new Map(
    await Promise.all(demoUsers.map(async (u) => [u.username, await hashPassword(demoPassword(u.username))] as const)),
  );
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['seed:demo']);
    if (await trx('regions').first('id')) return false;
    const regionIds = new Map<string, number>();
    await insertRegionTree(trx, demoRegions, null, regionIds);
    const departmentIds = new Map<string, number>();
    for (const d of demoDepartments) {
      const [row] = await trx('departments')
        .insert({
          code: d.code,
          name: d.name,
          kind: d.kind,
          region_id: regionIds.get(d.regionCode),
          parent_id: d.parentCode ? departmentIds.get(d.parentCode) : null,
        })
        .returning<Array<{ id: number }>>('id');
      departmentIds.set(d.code, row!.id);
    }
    await trx('users').insert(
      demoUsers.map((u) => ({
        username: u.username,
        display_name: u.displayName,
        password_hash: passwordHashes.get(u.username),
        role: u.role,
        department_id: u.departmentCode ? departmentIds.get(u.departmentCode) : null,
      })),
    );
    const categoryIds = new Map((await trx('categories').select('code', 'id')).map((c: { code: string; id: number }) => [c.code, c.id]));
    for (const [index, entry] of demoCatalog.entries()) {
      const [row] = await trx('dispatch_catalog_entries')
        .insert({
          name: entry.name,
          category_id: entry.categoryCode ? categoryIds.get(entry.categoryCode) : null,
          request_type: entry.requestType ?? null,
          region_id: entry.regionCode ? regionIds.get(entry.regionCode) : null,
          keywords: entry.keywords ?? [],
          lead_department_id: departmentIds.get(entry.lead),
          assist_department_ids: (entry.assists ?? []).map((code) => departmentIds.get(code)),
        })
        .returning<Array<{ id: number }>>('id');
      await trx('dispatch_catalog_revisions').insert({
        version: index + 1,
        entry_id: row!.id,
        change: 'create',
        after: JSON.stringify({ seeded: entry }),
      });
    }
    // The knowledge base, published (version 1, as the center wrote it).
    for (const a of demoArticles) {
      const fields = {
        title: a.title,
        body: a.body,
        categoryId: categoryIds.get(a.categoryCode) ?? null,
        regionIds: a.regionCode ? [regionIds.get(a.regionCode)!] : [],
        departmentId: a.departmentCode ? departmentIds.get(a.departmentCode)! : null,
        effectiveFrom: null,
        expiresOn: null,
        source: a.source,
      };
      const article = await insertArticle(trx, { ...fields, status: 'published', createdBy: null }, articleTerms(fields));
      await insertVersion(trx, article, null, '示范数据');
    }
    for (const terms of demoSynonyms) await insertSynonyms(trx, terms);
    return true;
  });
}

async function insertRegionTree(trx: Tx, node: RegionSeed, parentId: number | null, ids: Map<string, number>): Promise<void> {
  const [row] = await trx('regions')
    .insert({ code: node.code, name: node.name, level: node.level, parent_id: parentId, outline: node.outline ?? null })
    .returning<Array<{ id: number }>>('id');
  ids.set(node.code, row!.id);
  for (const child of node.children ?? []) await insertRegionTree(trx, child, row!.id, ids);
}

/**
 * The 代办 matters catalog (the seeds' high-frequency matters) into an empty table, each with its
 * legal time limit as the reply policy of its tickets; with the demo city, the demo runner covers
 * 西山县 for every matter.
 */
export async function seedProxyMatters(db: Db): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['sla:config']);
    if (await trx('proxy_matters').first('id')) return false;
    const departments = new Map((await trx('departments').select('code', 'id')).map((d: { code: string; id: number }) => [d.code, d.id]));
    for (const { departmentCode, ...matter } of defaultMatters) {
      await trx('proxy_matters').insert(matterRow({ ...matter, departmentId: departments.get(departmentCode) ?? null }));
      await trx('sla_policies').insert({
        name: `代办：${matter.name}（法定时限）`,
        stage: 'reply',
        matter: matter.name,
        amount: matter.legalDays,
        unit: 'working_days',
        priority: 40,
      });
    }
    await trx('sla_config').increment('revision', 1);
    const runner = await trx('users').where({ username: 'runner', role: 'runner' }).first<{ id: number } | undefined>('id');
    const county = await trx('regions').where({ code: '990121' }).first<{ id: number } | undefined>('id');
    if (runner && county) {
      await trx('runners')
        .insert({ user_id: runner.id, kind: 'runner', grid_region_ids: [county.id], matter_ids: await trx('proxy_matters').pluck('id') })
        .onConflict('user_id')
        .ignore();
    }
    return true;
  });
}

/**
 * The bundles (一件事一次办: 企业开办, 出生一件事) into an empty table, with the matters they need that the catalog
 * lacks; each matter's and situation's limit is its tickets' reply policy. The demo runner learns the new matters.
 */
export async function seedBundles(db: Db): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['sla:config']);
    if (await trx('proxy_bundles').first('id')) return false;
    const departments = new Map((await trx('departments').select('code', 'id')).map((d: { code: string; id: number }) => [d.code, d.id]));
    const policy = (matter: string, days: number) => ({
      name: `代办：${matter}（法定时限）`,
      stage: 'reply',
      matter,
      amount: days,
      unit: 'working_days',
      priority: 40,
    });
    const added: number[] = [];
    for (const { departmentCode, ...matter } of bundleMatters) {
      const [row] = await trx('proxy_matters')
        .insert(matterRow({ ...matter, departmentId: departments.get(departmentCode) ?? null }))
        .onConflict('code')
        .ignore()
        .returning<Array<{ id: number }>>('id');
      if (!row) continue;
      added.push(row.id);
      await trx('sla_policies').insert(policy(matter.name, matter.legalDays));
    }
    const ids = new Map((await trx('proxy_matters').select('code', 'id')).map((m: { code: string; id: number }) => [m.code, Number(m.id)]));
    for (const bundle of defaultBundles) {
      await upsertBundle(trx, {
        ...bundle,
        active: true,
        scenarios: bundle.scenarios.map(({ matterCodes, ...s }) => ({
          ...s,
          matterIds: matterCodes.map((c) => ids.get(c)!),
          active: true,
        })),
      });
      for (const s of bundle.scenarios) await trx('sla_policies').insert(policy(s.name, s.legalDays));
    }
    await trx('sla_config').increment('revision', 1);
    if (added.length > 0)
      await trx('runners')
        .update({ matter_ids: trx.raw('matter_ids || ?::bigint[]', [added]) })
        .whereIn('user_id', trx('users').select('id').where({ username: 'runner', role: 'runner' }));
    return true;
  });
}

/**
 * 政邮商's tariff as the report gives it (12 to 20 元 a piece by distance; 3 元 off a late delivery, 6 元 off a refused
 * one) into an empty table; with the demo city, its postal company, a grid for 石门乡 kept by the demo courier, and a
 * project ledger (项目帮办) with the demo staff as its companions.
 */
export async function seedPostalAndProjects(db: Db, demo: boolean): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['postal:seed']);
    if (!(await trx('postal_tariffs').first('id')))
      await trx('postal_tariffs').insert({
        effective_from: '2026-01-01',
        bands: JSON.stringify([
          { upToKm: 5, priceFen: 1200 },
          { upToKm: 15, priceFen: 1500 },
          { upToKm: null, priceFen: 2000 },
        ]),
        late_deduction_fen: 300,
        refused_deduction_fen: 600,
      });
    if (!demo) return;
    const id = async (table: string, where: Record<string, string>) =>
      (await trx(table).where(where).first<{ id: number } | undefined>('id'))?.id;
    const courier = await id('users', { username: 'courier' });
    const township = await id('regions', { code: '990121200' });
    if (courier && township && !(await trx('postal_companies').first('id'))) {
      const [company] = await trx('postal_companies').insert({ name: '中国邮政集团西山县分公司' }).returning<Array<{ id: number }>>('id');
      await trx('postal_grids').insert({
        code: 'XS-SHIMEN',
        name: '石门乡投递网格',
        postal_company_id: company!.id,
        region_id: township,
        courier_user_id: courier,
        area: '石门乡石门村、桃园村及乡工业园',
      });
    }
    const [a, b, liaison] = [
      await id('users', { username: 'agent' }),
      await id('users', { username: 'zjj_agent' }),
      await id('users', { username: 'head' }),
    ];
    if (a && b && !(await trx('projects').first('id'))) {
      const [project] = await trx('projects')
        .insert({
          name: '西山县新型建材产业园项目',
          enterprise_name: '西山新材料有限公司',
          region_id: township,
          investment_wan: 52000,
          stage: 'construction',
          department_id: await id('departments', { code: 'ZJJ' }),
          liaison_user_id: liaison,
          agent_a_user_id: a,
          agent_b_user_id: b,
        })
        .returning<Array<{ id: number }>>('id');
      await trx('project_approvals').insert([
        { project_id: project!.id, name: '建设工程规划许可证', status: 'in_progress', due_on: trx.raw('current_date + 10') },
        { project_id: project!.id, name: '建筑工程施工许可证', status: 'pending', due_on: trx.raw('current_date + 20') },
      ]);
      await trx('project_events').insert({ project_id: project!.id, kind: 'opened', actor_name: '系统', text: '建立项目台账（演示数据）' });
    }
  });
}

/** The eligibility rules 桃源县's account names (proactive 代办), into an empty table, for the matters there are. */
export async function seedProactiveRules(db: Db): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['proactive:rules']);
    if (await trx('proactive_rules').first('matter_id')) return false;
    const matters = new Map((await trx('proxy_matters').select('code', 'id')).map((m: { code: string; id: number }) => [m.code, m.id]));
    const rows = defaultRules.flatMap(({ matterCode, ...rule }) =>
      matters.has(matterCode) ? [{ matter_id: matters.get(matterCode), ...rule }] : [],
    );
    if (rows.length > 0) await trx('proactive_rules').insert(rows);
    return rows.length > 0;
  });
}
