import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from './ports';

/** The embedded default: objects as files under one directory, written whole (temp file, then rename). */
export class LocalObjectStore implements ObjectStore {
  constructor(private readonly dir: string) {}

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.fileOf(key);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomUUID()}.part`;
    await fs.writeFile(temp, bytes);
    await fs.rename(temp, file);
  }

  async get(key: string): Promise<Buffer | undefined> {
    return fs.readFile(this.fileOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
  }

  async delete(key: string): Promise<void> {
    await fs.rm(this.fileOf(key), { force: true });
  }

  async ping(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    await fs.access(this.dir, fs.constants.W_OK);
  }

  private fileOf(key: string): string {
    if (!/^[a-z0-9][a-z0-9/._-]{0,200}$/.test(key) || key.includes('..')) throw new Error(`not an object key: ${key}`);
    return path.join(this.dir, key);
  }
}
