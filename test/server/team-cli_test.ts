import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../server/db/open-database.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { ROOT } from '../support/build-app.js';
import { newDraftMutation } from '../support/new-draft-mutation.js';
import { tempDirWith } from '../support/temp-dir.js';

describe('npm run team', () => {
  const dirs: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of dirs) await cleanup();
  });

  async function cli(): Promise<((...args: string[]) => { code: number; out: string }) & { dataDir: string }> {
    const data = await tempDirWith();
    dirs.push(data.cleanup);
    return Object.assign(
      (...args: string[]) => {
        const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/team-cli.ts'), ...args], {
          cwd: ROOT,
          env: { ...process.env, DATA_DIR: data.dir, PUBLIC_URL: 'https://kit.example.gov.au', DATABASE_URL: '' },
          encoding: 'utf8',
        });
        return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
      },
      { dataDir: data.dir },
    );
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

  it('deletes a team with all of its drafts and devices, only when told --yes, and leaves other teams alone', async () => {
    const team = await cli();
    const codeOf = (out: string): string => /join#([A-Za-z0-9_-]+)/.exec(out)![1]!;
    const riverside = codeOf(team('create', 'Riverside team').out);
    const hillside = codeOf(team('create', 'Hillside team').out);
    const open = () => openDatabase({ sqliteFile: path.join(team.dataDir, 'efk.sqlite') });
    let { db } = await open();
    let store = new SyncStore(db, randomSecret());
    const gone = (await store.join(riverside, 'Riverside phone'))!;
    const stays = (await store.join(hillside, 'Hillside phone'))!;
    await store.push(gone.device, [newDraftMutation(1, { title: 'What the community said' })]);
    await store.push(stays.device, [newDraftMutation(1, { title: 'Hillside’s own' })]);
    await db.destroy();

    const asked = team('delete', 'Riverside team');
    assert.equal(asked.code, 2);
    assert.match(
      asked.out,
      /deletes Riverside team \([0-9a-f-]{36}\) from this server for good: all of its drafts, and its 1 device/,
    );
    assert.match(asked.out, /npm run team -- delete "Riverside team" --yes/);
    const deleted = team('delete', 'Riverside team', '--yes');
    assert.equal(deleted.code, 0, deleted.out);
    assert.match(deleted.out, /^Deleted Riverside team: 1 draft and 1 device\./);

    ({ db } = await open());
    store = new SyncStore(db, randomSecret());
    assert.equal(await store.findTeam('Riverside team'), undefined);
    assert.equal(await store.deviceByToken(gone.token), undefined, 'its tokens stop working');
    for (const table of ['drafts', 'draft_fields'] as const) {
      const rows = await db.selectFrom(table).select('team_id').where('team_id', '=', gone.team.id).execute();
      assert.deepEqual(rows, [], `nothing of it in ${table}`);
    }
    const records = await db
      .selectFrom('applied_mutations')
      .select('seq')
      .where('device_id', '=', gone.device.id)
      .execute();
    assert.deepEqual(records, []);
    const kept = await store.pull(stays.team.id, 0, 10);
    assert.deepEqual(
      kept.drafts.map((d) => d.fields['title']?.value),
      ['Hillside’s own'],
    );
    assert.ok(await store.deviceByToken(stays.token));
    await db.destroy();
    assert.equal(team('delete', 'Riverside team', '--yes').code, 1, 'a team deleted is not found again');
  });
});
