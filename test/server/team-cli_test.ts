import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT } from '../support/build-app.js';
import { tempDirWith } from '../support/temp-dir.js';

describe('npm run team', () => {
  const dirs: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of dirs) await cleanup();
  });

  async function cli(): Promise<(...args: string[]) => { code: number; out: string }> {
    const data = await tempDirWith();
    dirs.push(data.cleanup);
    return (...args) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/team-cli.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: data.dir, PUBLIC_URL: 'https://kit.example.gov.au', DATABASE_URL: '' },
        encoding: 'utf8',
      });
      return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
    };
  }

  it('creates a team, prints and rotates its join link, lists and revokes devices', async () => {
    const team = await cli();
    const created = team('create', 'Riverside', 'team');
    assert.equal(created.code, 0, created.out);
    const link = /Join link: (https:\/\/kit\.example\.gov\.au\/join#[A-Za-z0-9_-]{40,})/.exec(created.out)![1]!;
    assert.equal(team('link', 'Riverside team').out.trim(), `Join link: ${link}`, 'the same link when printed again');
    const rotated = team('rotate', 'Riverside team');
    assert.equal(rotated.code, 0);
    assert.doesNotMatch(rotated.out, new RegExp(link.split('#')[1]!), 'a new code');
    const listed = team('list');
    assert.match(listed.out, /^Riverside team \([0-9a-f-]{36}\): 0 devices$/m);
    const revoke = team('revoke', '00000000-0000-0000-0000-000000000000');
    assert.equal(revoke.code, 1);
    assert.match(revoke.out, /No active device/);
    const unknown = team('link', 'Nobody');
    assert.equal(unknown.code, 1);
    assert.match(unknown.out, /No team "Nobody"/);
    assert.equal(team().code, 2);
  });
});
