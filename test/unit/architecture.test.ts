/**
 * The floors of the house, checked on every `npm test` (docs/architecture.md explains them).
 * A module is a folder of src/ (or channels/, adapters/); it may import its own floor and the
 * floors below, never a floor above, and modules never import each other in a circle.
 * `import type` counts: a type is a dependency too.
 */
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Lowest first. A module imports only modules on its own floor or below. */
export const floors: ReadonlyArray<readonly string[]> = [
  ['shared'],
  ['jobs'],
  ['config'],
  ['db'],
  ['http', 'outbox'],
  ['auth', 'org', 'contacts'],
  ['tickets'],
  ['sla', 'callback', 'proxy', 'triage', 'routing', 'notify', 'intake', 'media', 'knowledge', 'duplicates'],
  [
    'seed',
    'channels',
    'adapters',
    'board',
    'hotspots',
    'privacy',
    'hardcase',
    'proactive',
    'appointments',
    'projects',
    'postal',
    'outcomes',
  ],
  ['app'],
];

const floorOf = new Map(floors.flatMap((modules, level) => modules.map((m) => [m, level] as const)));

interface SourceFile {
  file: string;
  module: string;
  text: string;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function moduleOf(file: string): string | undefined {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'channels' || rel[0] === 'adapters') return rel[0];
  if (rel[0] !== 'src') return undefined;
  if (rel.length === 2) return 'app'; // src/app.ts, src/main.ts: the composition root
  return rel[1];
}

const sources: SourceFile[] = ['src', 'channels', 'adapters'].flatMap((dir) =>
  walk(path.join(root, dir)).map((file) => ({ file, module: moduleOf(file)!, text: fs.readFileSync(file, 'utf8') })),
);

const importPattern = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm;

/** Module → the modules it imports, with one file that shows each import. */
function moduleImports(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const source of sources) {
    for (const match of source.text.matchAll(importPattern)) {
      const target = moduleOf(path.resolve(path.dirname(source.file), match[1]!));
      if (!target || target === source.module) continue;
      const out = edges.get(source.module) ?? new Map<string, string>();
      if (!out.has(target)) out.set(target, path.relative(root, source.file));
      edges.set(source.module, out);
    }
  }
  return edges;
}

describe('architecture', () => {
  const edges = moduleImports();

  it('places every module on a floor', () => {
    const unplaced = [...new Set(sources.map((s) => s.module))].filter((m) => !floorOf.has(m));
    expect(unplaced).toEqual([]);
  });

  it('no module imports a module of a higher floor', () => {
    const upward: string[] = [];
    for (const [from, targets] of edges) {
      for (const [to, file] of targets) {
        if (floorOf.get(to)! > floorOf.get(from)!) upward.push(`${from} → ${to} (${file})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no circle between modules', () => {
    // Tarjan's strongly connected components: every component of more than one module is a circle.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const circles: string[] = [];
    const visit = (module: string): void => {
      index.set(module, index.size);
      low.set(module, index.get(module)!);
      stack.push(module);
      for (const next of edges.get(module)?.keys() ?? []) {
        if (!index.has(next)) {
          visit(next);
          low.set(module, Math.min(low.get(module)!, low.get(next)!));
        } else if (stack.includes(next)) low.set(module, Math.min(low.get(module)!, index.get(next)!));
      }
      if (low.get(module) === index.get(module)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          component.push(member);
        } while (member !== module);
        if (component.length > 1) circles.push(component.sort().join(' ⇄ '));
      }
    };
    for (const module of floorOf.keys()) if (!index.has(module)) visit(module);
    expect(circles).toEqual([]);
  });

  it('keeps queries out of services: no knex, no raw SQL in *.service.ts', () => {
    const offenders = sources
      .filter((s) => s.file.endsWith('.service.ts'))
      .flatMap((s) => {
        const found: string[] = [];
        if (/from 'knex'/.test(s.text)) found.push('imports knex');
        if (/\.raw\s*[(`]/.test(s.text)) found.push('raw SQL');
        if (/\b(?:trx|db|this\.db|knex)\s*\(\s*'[a-z_]+(?: as \w+)?'\s*\)/.test(s.text)) found.push('builds a query');
        return found.map((what) => `${path.relative(root, s.file)}: ${what}`);
      });
    expect(offenders).toEqual([]);
  });

  it('lets only src/tickets write the tickets table', () => {
    const writes = [
      /\(\s*'tickets(?: as \w+)?'\s*\)(?:(?!;\n)[\s\S]){0,400}?\.(?:update|insert|del|delete|increment|decrement)\s*\(/,
      /\b(?:update|insert\s+into|delete\s+from)\s+tickets\b/i,
    ];
    const offenders = sources
      .filter((s) => s.module !== 'tickets' && writes.some((pattern) => pattern.test(s.text)))
      .map((s) => path.relative(root, s.file));
    expect(offenders).toEqual([]);
  });

  it('keeps every service file under 400 lines', () => {
    const long = sources
      .filter((s) => s.file.endsWith('.service.ts'))
      .map((s) => ({ file: path.relative(root, s.file), lines: s.text.split('\n').length }))
      .filter((s) => s.lines >= 400)
      .map((s) => `${s.file}: ${s.lines}`);
    expect(long).toEqual([]);
  });
});
