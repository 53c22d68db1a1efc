import fs from 'node:fs';
import knex from 'knex';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env.HH_TEST_RUN;
  const adminUrl = process.env.HH_TEST_ADMIN_URL;
  if (runId && adminUrl) {
    const admin = knex({ client: 'pg', connection: adminUrl, pool: { min: 0, max: 1 } });
    try {
      const { rows } = await admin.raw<{ rows: Array<{ datname: string }> }>('select datname from pg_database where datname like ?', [
        `hh_t_${runId}%`,
      ]);
      for (const { datname } of rows) await admin.raw(`drop database if exists "${datname}" with (force)`);
    } finally {
      await admin.destroy();
    }
  }
  const embedded = (globalThis as { hhEmbedded?: { stop(): Promise<void>; dataDir: string } }).hhEmbedded;
  if (embedded) {
    await embedded.stop();
    fs.rmSync(embedded.dataDir, { recursive: true, force: true });
  }
}
