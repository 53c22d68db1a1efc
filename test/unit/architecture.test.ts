import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return entry.name.endsWith('.ts') ? [relative] : [];
  });
}

describe('house rules', () => {
  test('when src/ imports, then never a vendor SDK: those live in channels/ and adapters/ behind ports', () => {
    const vendor = /from\s+['"](twilio|@slack\/[\w-]+|openai)(\/[^'"]*)?['"]|require\(['"](twilio|@slack\/[\w-]+|openai)/;
    const offenders = sourceFiles('src').filter((file) => vendor.test(fs.readFileSync(path.join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  test('when code needs configuration, then it gets the Config object: only src/config and the entry point read process.env', () => {
    const allowed = new Set([path.join('src', 'config', 'config.ts'), path.join('src', 'main.ts')]);
    const offenders = [...sourceFiles('src'), ...sourceFiles('channels'), ...sourceFiles('adapters')].filter(
      (file) => !allowed.has(file) && /process\.env/.test(fs.readFileSync(path.join(root, file), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  test('when the required top level is listed, then it is all there', () => {
    for (const entry of ['package.json', 'tsconfig.json', 'src', 'channels', 'adapters', 'migrations', 'scripts', 'test']) {
      expect(fs.existsSync(path.join(root, entry))).toBe(true);
    }
  });
});
