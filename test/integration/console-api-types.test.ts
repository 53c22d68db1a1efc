import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const script = path.resolve(__dirname, '../../dist/scripts/openapi.js');

describe('the console’s API types (web/src/api/schema.d.ts)', () => {
  test('are those the OpenAPI document generates now; `npm run openapi` when this fails', () => {
    expect(fs.existsSync(script)).toBe(true); // built by npm test's pretest
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  }, 60_000);

  test('are found stale when they differ from the document', () => {
    const file = path.resolve(__dirname, '../../web/src/api/schema.d.ts');
    const kept = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, kept.replace('"/api/v1/tickets"', '"/api/v1/tickets-renamed"'));
      expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).toThrow(/stale/);
    } finally {
      fs.writeFileSync(file, kept);
    }
  }, 60_000);
});
