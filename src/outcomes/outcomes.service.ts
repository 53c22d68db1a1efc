import type { ReadSource } from '../db/read-replica';
import { listBundles } from '../proxy/bundles';
import * as repo from './outcomes.repository';
import type { OutcomeGrouping } from './outcomes.repository';

const ratio = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const unnamed = '（未指定）';

/**
 * The reduction figures the reports publish (材料精简, 多表合一, 跑动次数, 办理耗时压减), the projects served and their
 * approvals, the pieces paid: per team, grid, matter or month.
 */
export class OutcomesService {
  /** Reports read from a replica when one is configured and healthy. */
  constructor(private readonly reads: ReadSource) {}

  async report(groupBy: OutcomeGrouping, from: Date, to: Date) {
    const db = this.reads.db();
    const [bundleRows, scenarios, projects, pieces] = await Promise.all([
      repo.bundleCounts(db, groupBy, from, to),
      listBundles(db).then((bundles) => new Map(bundles.flatMap((b) => b.scenarios).map((s) => [s.id, s]))),
      repo.projectCounts(db, groupBy, from, to),
      repo.pieceCounts(db, groupBy, from, to),
    ]);
    const bundles = new Map<string, ReturnType<typeof emptyBundleRow>>();
    for (const row of bundleRows) {
      const scenario = scenarios.get(row.scenarioId);
      const name = row.name ?? unnamed;
      const acc = bundles.get(name) ?? emptyBundleRow(name);
      acc.orders += row.orders;
      acc.done += row.done;
      acc.matters += row.orders * (scenario?.matterIds.length ?? 0);
      acc.materialsSeparate += row.orders * (scenario?.reduction.materialsSeparate ?? 0);
      acc.materialsCombined += row.orders * (scenario?.reduction.materialsCombined ?? 0);
      acc.formsSeparate += row.orders * (scenario?.reduction.formsSeparate ?? 0);
      acc.formsCombined += row.orders * (scenario?.reduction.formsCombined ?? 0);
      acc.tripsSaved += row.doneFullProxy * (scenario?.reduction.tripsSaved ?? 0);
      acc.secondsBeforeDue += row.secondsBeforeDue;
      acc.secondsAllowed += row.secondsAllowed;
      bundles.set(name, acc);
    }
    return {
      bundles: [...bundles.values()]
        .map(({ secondsBeforeDue, secondsAllowed, ...r }) => ({
          ...r,
          materialsCut: ratio(r.materialsSeparate - r.materialsCombined, r.materialsSeparate),
          formsCut: ratio(r.formsSeparate - r.formsCombined, r.formsSeparate),
          timeSaved: ratio(secondsBeforeDue, secondsAllowed),
        }))
        .sort((a, b) => b.orders - a.orders),
      projects: projects.map((r) => ({ ...r, name: r.name ?? unnamed, onTimeRate: ratio(r.approvalsOnTime, r.approvalsApproved) })),
      pieces: pieces.map((r) => ({ ...r, name: r.name ?? unnamed })),
    };
  }
}

function emptyBundleRow(name: string) {
  return {
    name,
    orders: 0,
    matters: 0,
    done: 0,
    materialsSeparate: 0,
    materialsCombined: 0,
    formsSeparate: 0,
    formsCombined: 0,
    tripsSaved: 0,
    secondsBeforeDue: 0,
    secondsAllowed: 0,
  };
}
