/**
 * npm run bench:knowledge — the knowledge base's search on a big base (issue 25): a fresh database at
 * DATABASE_URL with 100,000 published articles (by default) written from a city's matters, places and
 * aspects, indexed as the hub indexes them (jieba's words, title above body); then citizens' questions
 * in their own words searched as the seat searches them (GET /knowledge/search: cut, synonyms, every
 * word then any, the place, the search recorded), each timed. Target: ≤ 50 ms a query.
 * Options: --articles N (default 100,000), --runs N (default 5), --keep (leave the database).
 */
import type { Hub } from '../src/app';
import { searchVector } from '../src/knowledge/articles.repository';
import { articleTerms } from '../src/knowledge/knowledge.service';
import { withBenchHub } from './bench-database';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const articleCount = arg('--articles', 100_000);
const runs = arg('--runs', 5);
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

const matters = [
  '住房公积金提取',
  '公积金贷款',
  '医保异地就医备案',
  '医保报销',
  '居住证办理',
  '户口迁移',
  '社保卡补办',
  '不动产登记',
  '营业执照办理',
  '驾驶证换证',
  '出入境证件',
  '新生儿落户',
  '灵活就业参保',
  '失业金申领',
  '退休手续',
  '高龄津贴',
  '残疾人补贴',
  '低保申请',
  '廉租房申请',
  '人才公寓',
  '义务教育入学',
  '幼儿园报名',
  '生育津贴',
  '老年人优待证',
  '燃气开户',
  '供水报装',
  '供暖报停',
  '垃圾分类',
  '犬只登记',
  '占道经营',
  '噪音投诉',
  '违章停车',
  '食品安全投诉',
  '价格投诉',
  '拖欠工资',
  '劳动合同',
  '工伤认定',
  '职业资格证书',
  '契税缴纳',
  '个税汇算',
];
const aspects = [
  '需要哪些材料',
  '办理流程',
  '办理时限',
  '收费标准',
  '申请条件',
  '在哪里办',
  '网上怎么办',
  '常见问题',
  '政策依据',
  '注意事项',
];
const places = ['', '东城区', '西山县', '城关镇', '东华街道', '石门乡', '新桥镇', '滨河社区'];
const sentences = [
  '申请人需携带本人有效身份证件原件及复印件',
  '符合条件的可通过政务服务网或手机App在线申请',
  '材料齐全的当场受理，一般在5个工作日内办结',
  '行动不便的可拨打12345申请帮办代办服务',
  '办理地点为各区政务服务中心综合窗口',
  '本事项不收取任何费用',
  '委托他人办理的，需提供委托书及受托人身份证件',
  '逾期未办理的，可在补办期内重新申请',
  '具体以窗口工作人员审核意见为准',
  '咨询电话为政务服务中心工作时间热线',
  '工作日上午9点至12点、下午1点半至5点半受理',
  '相关政策依据本市有关管理办法执行',
];

function articleAt(i: number) {
  const matter = matters[i % matters.length]!;
  const aspect = aspects[Math.floor(i / matters.length) % aspects.length]!;
  const place = places[Math.floor(i / (matters.length * aspects.length)) % places.length]!;
  const body = Array.from({ length: 4 + (i % 4) }, (_, k) => sentences[(i * 7 + k * 5) % sentences.length]).join('；');
  return { title: `${place}${matter}${aspect}（${i}）`, body: `关于${matter}：${body}。` };
}

const questions = [
  '我想问一下公积金怎么提取，要带什么材料',
  '医保异地就医怎么备案',
  '居住证在哪里办',
  '孩子上小学要什么条件',
  '小区门口有人占道经营',
  '楼上装修噪音太大了',
  '单位拖欠工资三个月了怎么办',
  '营业执照网上能办吗',
  '驾驶证到期换证需要体检吗',
  '新生儿怎么上户口',
  '失业金怎么申请',
  '犬只登记收费吗',
  '公积金',
  '社保卡丢了',
  '宠物医院营业时间',
];

async function measure(hub: Hub): Promise<void> {
  const db = hub.db;
  let at = process.hrtime.bigint();
  for (let from = 0; from < articleCount; from += 1000) {
    const rows = [];
    for (let i = from; i < Math.min(articleCount, from + 1000); i++) {
      const article = articleAt(i);
      const terms = articleTerms(article);
      rows.push({
        ...article,
        status: 'published',
        published_at: db.fn.now(),
        search: searchVector(db, terms.title, terms.body),
      });
    }
    await db('kb_articles').insert(rows);
  }
  await db.raw('analyze kb_articles');
  const size = (await db.raw(`select pg_size_pretty(pg_total_relation_size('kb_articles')) as size`)).rows[0].size;
  console.log(
    `${articleCount.toLocaleString('en-US')} articles written and indexed in ${(ms(at) / 1000).toFixed(0)} s (table and indexes: ${size})`,
  );

  const knowledge = hub.services.knowledge;
  const regionId = (await db('regions').where({ code: '990121100001' }).first('id')).id as number;
  await knowledge.search({ q: '预热', limit: 5, userId: null }); // the segmenter's dictionary loads once per process
  const timings: number[] = [];
  const perQuestion: Array<{ q: string; median: number; hits: number }> = [];
  for (const q of questions) {
    const mine: number[] = [];
    let hits = 0;
    for (let r = 0; r < runs; r++) {
      at = process.hrtime.bigint();
      hits = (await knowledge.search({ q, regionId: r % 2 ? regionId : undefined, limit: 5, userId: null })).length;
      mine.push(ms(at));
    }
    timings.push(...mine);
    mine.sort((a, b) => a - b);
    perQuestion.push({ q, median: mine[Math.floor(mine.length / 2)]!, hits });
  }
  timings.sort((a, b) => a - b);
  const pick = (p: number) => timings[Math.min(timings.length - 1, Math.floor(p * timings.length))]!;
  console.log(`\neach question (${runs} runs, half of them for a place; median ms, results):`);
  for (const row of perQuestion) console.log(`  ${row.median.toFixed(1).padStart(6)}  ${String(row.hits).padStart(2)}  ${row.q}`);
  console.log(
    `\nall ${timings.length} searches: median ${pick(0.5).toFixed(1)} ms, p95 ${pick(0.95).toFixed(1)} ms, max ${timings.at(-1)!.toFixed(1)} ms (target ≤ 50)`,
  );
}

withBenchHub(
  process.env.DATABASE_URL ??
    (() => {
      throw new Error('set DATABASE_URL: a PostgreSQL the bench may create a database on');
    })(),
  'hh_bench_kb',
  measure,
  { keep: process.argv.includes('--keep') },
).catch((error) => {
  console.error(error);
  process.exit(1);
});
