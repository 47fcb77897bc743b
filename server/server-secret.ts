import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomSecret } from './secrets.js';

/**
 * The secret join codes are derived from: `EFK_SECRET` when set (several instances must share
 * one), else a file made on first start in the data folder, readable by its owner only.
 */
export async function serverSecret(dataDir: string, fromEnv: string | undefined): Promise<string> {
  if (fromEnv) return fromEnv;
  const file = path.join(dataDir, 'server-secret');
  const existing = await readFile(file, 'utf8').catch(() => null);
  if (existing?.trim()) return existing.trim();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomSecret();
  await writeFile(file, `${secret}\n`, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return (await readFile(file, 'utf8')).trim();
}
