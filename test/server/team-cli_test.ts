import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { teamCommand } from '../../server/team-command.js';
import { worksheetFromContent } from '../../server/team-export.js';
import { parseDraftExport, parseDraftsExport } from '../../src/export/draft-export.js';
import { DEVICE_ERASED } from '../../src/sync/protocol.js';
import { ROOT } from '../support/build-app.js';
import { newDraftMutation } from '../support/new-draft-mutation.js';
import { tempDirWith } from '../support/temp-dir.js';
import { parseCsv } from '../support/parse-csv.js';

// A server's own clock runs on UTC more often than not: the export's times are read on one (set
// before any date is formatted, which takes the time zone as it is then).
process.env['TZ'] = 'UTC';

describe('npm run team', () => {
  const dirs: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of dirs) await cleanup();
  });

  /**
   * The commands as `npm run team` runs them (server/team-cli.ts runs teamCommand alone), on a
   * database of their own, in this process: a process each, 53 of them, took a minute of the file's
   * run. The entry itself is run as a process below (the account behind sudo, a usage error).
   */
  async function cli(): Promise<((...args: string[]) => Promise<{ code: number; out: string }>) & { dataDir: string }> {
    const data = await tempDirWith();
    dirs.push(data.cleanup);
    const env = { ...process.env, DATA_DIR: data.dir, PUBLIC_URL: 'https://kit.example.gov.au', DATABASE_URL: '' };
    return Object.assign(
      async (...args: string[]) => {
        const out: string[] = [];
        const err: string[] = [];
        const code = await teamCommand(args, {
          env,
          out: (text) => out.push(`${text}\n`),
          err: (text) => err.push(`${text}\n`),
        });
        return { code, out: `${out.join('')}${err.join('')}` };
      },
      { dataDir: data.dir },
    );
  }

  /** Joins a device to the team of `code` on the CLI's database, as a phone would. */
  async function joinOn(dataDir: string, code: string, name: string): Promise<{ token: string; id: string }> {
    const { db } = await openDatabase({ sqliteFile: path.join(dataDir, 'efk.sqlite') });
    try {
      const joined = (await new SyncStore(db, randomSecret()).join(code, name))!;
      return { token: joined.token, id: joined.device.id };
    } finally {
      await db.destroy();
    }
  }

  /** The error the server on the CLI's database answers a device's pull with. */
  async function pullRefusal(dataDir: string, token: string): Promise<string> {
    const { db } = await openDatabase({ sqliteFile: path.join(dataDir, 'efk.sqlite') });
    const app = await buildApp({
      distDir: path.join(ROOT, 'dist'),
      sync: { store: new SyncStore(db, randomSecret()) },
    });
    try {
      return (await app.inject({ url: '/api/pull', headers: { authorization: `Bearer ${token}` } })).json<{
        error: string;
      }>().error;
    } finally {
      await app.close();
      await db.destroy();
    }
  }

  it('creates a team, prints and rotates its join link, lists and revokes devices', async () => {
    const team = await cli();
    const created = await team('create', 'Riverside', 'team');
    assert.equal(created.code, 0, created.out);
    const link = /Join link: (https:\/\/kit\.example\.gov\.au\/join#[A-Za-z0-9_-]{40,})/.exec(created.out)![1]!;
    assert.equal(
      (await team('link', 'Riverside team')).out.trim(),
      `Join link: ${link}`,
      'the same link when printed again',
    );
    const rotated = await team('rotate', 'Riverside team');
    assert.equal(rotated.code, 0);
    assert.doesNotMatch(rotated.out, new RegExp(link.split('#')[1]!), 'a new code');
    const listed = await team('list');
    assert.match(listed.out, /^Riverside team \([0-9a-f-]{36}\): 0 devices$/m);
    const revoke = await team('revoke', '00000000-0000-0000-0000-000000000000');
    assert.equal(revoke.code, 1);
    assert.match(revoke.out, /No active device/);
    const unknown = await team('link', 'Nobody');
    assert.equal(unknown.code, 1);
    assert.match(unknown.out, /No team "Nobody"/);
    assert.equal((await team()).code, 2);
    const odd = await team('create', 'Odd\u001b[2Jteam');
    assert.equal(odd.code, 1, odd.out);
    assert.match(odd.out, /A team name cannot hold control characters/);
    assert.doesNotMatch((await team('list')).out, /Odd/, 'no such team made');
  });

  it('keeps a record of what was done, by which account, which `log` gives newest first', async () => {
    const team = await cli();
    assert.equal((await team('log')).out.trim(), 'Nothing done with npm run team yet on this database.');
    const created = await team('create', 'Hall team');
    const teamId = /Created team Hall team \(([0-9a-f-]{36})\)/.exec(created.out)![1]!;
    const code = /join#([A-Za-z0-9_-]+)/.exec(created.out)![1]!;
    const phone = await joinOn(team.dataDir, code, 'Sam’s phone');
    for (const args of [
      ['rotate', 'Hall team'],
      ['revoke', phone.id],
      ['delete', 'Hall team'], // asked, not done: not in the record
      ['delete', 'Hall team', '--yes'],
    ])
      assert.ok([0, 2].includes((await team(...args)).code), args.join(' '));
    const actor = 'sam (through sudo)';
    const sudoed = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'server/team-cli.ts'), 'create', 'Sudo team'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: team.dataDir, DATABASE_URL: '', SUDO_USER: 'sam' },
        encoding: 'utf8',
      },
    );
    assert.equal(sudoed.status, 0, sudoed.stderr);
    assert.match(sudoed.stdout, /^Created team Sudo team \([0-9a-f-]{36}\)\nJoin link: /, 'said on stdout');
    // The entry gives a refusal's exit code, its words on stderr and nothing on stdout.
    const refused = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'server/team-cli.ts'), 'link', 'Nobody'],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: team.dataDir, DATABASE_URL: '' },
        encoding: 'utf8',
      },
    );
    assert.deepEqual([refused.status, refused.stdout], [1, '']);
    assert.equal(refused.stderr.trim(), 'No team "Nobody". See: npm run team -- list');

    const lines = (await team('log')).out.trim().split('\n');
    const entry = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z) {2}(.+?) {2}(\w+) {2}(.+)$/;
    const parsed = lines.map((l) => entry.exec(l)?.slice(2) ?? l);
    assert.equal(parsed.length, 5, lines.join('\n'));
    assert.deepEqual(parsed[0]!.slice(0, 2), [actor, 'create']);
    assert.match(parsed[0]![2]!, /^team Sudo team \([0-9a-f-]{36}\): created, with a join link$/);
    assert.deepEqual(
      parsed.slice(1).map((p) => [p[1], p[2]]),
      [
        ['delete', `team Hall team (${teamId}): deleted, with 0 drafts and 1 device`],
        ['revoke', `device Sam’s phone (${phone.id}) of Hall team: revoked: it keeps what it holds and must rejoin`],
        ['rotate', `team Hall team (${teamId}): a new join link; the old one stopped working`],
        ['create', `team Hall team (${teamId}): created, with a join link`],
      ],
    );
    assert.ok(
      parsed.slice(1).every((p) => p[0] !== actor && p[0]!.length > 0),
      'this account, without sudo',
    );
    assert.equal((await team('log', '2')).out.trim().split('\n').length, 2);
    // The same record for a log collector, newest first, the count where it is given.
    const asJson = JSON.parse((await team('log', '--json')).out) as Record<string, string>[];
    assert.equal(asJson.length, 5);
    assert.deepEqual(Object.keys(asJson[0]!).sort(), ['action', 'actor', 'at', 'detail', 'subject']);
    assert.deepEqual(
      asJson.map((a) => [a['actor'], a['action'], `${a['subject']}: ${a['detail']}`]),
      parsed.map((p) => [...p]),
    );
    assert.ok(asJson.every((a) => new Date(a['at']!).toISOString() === a['at']));
    assert.equal((JSON.parse((await team('log', '2', '--json')).out) as unknown[]).length, 2);
    const bad = await team('log', 'all');
    assert.equal(bad.code, 1);
    assert.match(bad.out, /Give how many to show as a whole number/);
  });

  it('tells every team’s devices that the database was restored by hand, naming each team’s history anew', async () => {
    const team = await cli();
    for (const name of ['Riverside team', 'Hillside team']) assert.equal((await team('create', name)).code, 0);
    const histories = async () => {
      const { db } = await openDatabase({ sqliteFile: path.join(team.dataDir, 'efk.sqlite') });
      try {
        return (await db.selectFrom('teams').select(['id', 'history']).orderBy('id').execute()).map((t) => t.history);
      } finally {
        await db.destroy();
      }
    };
    const before = await histories();
    const told = await team('restored');
    assert.equal(told.code, 0, told.out);
    assert.match(told.out, /Told the devices of 2 teams that the database was restored/);
    const renamed = await histories();
    assert.equal(renamed.length, 2);
    for (const [i, history] of renamed.entries()) assert.notEqual(history, before[i]);
  });

  it('lists each device with when it last reached the server, and points out those quiet for 30 days or with a clock set wrong', async () => {
    const team = await cli();
    const code = /join#([A-Za-z0-9_-]+)/.exec((await team('create', 'Riverside team')).out)![1]!;
    const { db } = await openDatabase({ sqliteFile: path.join(team.dataDir, 'efk.sqlite') });
    const store = new SyncStore(db, randomSecret());
    const phone = (await store.join(code, 'Riverside phone'))!.device;
    const drawer = (await store.join(code, 'Tablet in a drawer'))!.device;
    const gone = (await store.join(code, 'Revoked phone'))!.device;
    // A name stored before the server refused control characters in names: on the terminal, an
    // escape sequence in it would clear the screen or recolour what follows.
    const odd = (await store.join(code, 'Odd phone'))!.device;
    await db.updateTable('devices').set({ name: 'Odd\u001b[2J\u202Ephone' }).where('id', '=', odd.id).execute();
    const DAY = 24 * 60 * 60 * 1000;
    const quietSince = Date.now() - 40 * DAY;
    await db.updateTable('devices').set({ last_seen_at: quietSince }).where('id', '=', drawer.id).execute();
    await store.revokeDevice(gone.id);
    // Its clock set by hand three days back, as its pushes showed.
    await store.noteClock(drawer.id, Date.now() - 3 * DAY);
    await db.destroy();

    const listed = await team('list');
    assert.equal(listed.code, 0, listed.out);
    const today = new Date().toISOString().slice(0, 10);
    assert.match(
      listed.out,
      new RegExp(`^  ${phone.id}  Riverside phone  last reached the server ${today} \\(today\\)$`, 'm'),
    );
    assert.match(
      listed.out,
      new RegExp(
        `^  ${drawer.id}  Tablet in a drawer  last reached the server ${new Date(quietSince).toISOString().slice(0, 10)} \\(40 days ago\\); its clock is 3 days behind this server's \\(set it to update automatically\\)$`,
        'm',
      ),
    );
    assert.match(listed.out, new RegExp(`^  ${gone.id}  Revoked phone  \\(revoked `, 'm'));
    assert.ok(
      !listed.out.includes('\u001b') && !listed.out.includes('\u202e'),
      'nothing in a name acts on the terminal',
    );
    assert.match(listed.out, new RegExp(`^  ${odd.id}  Odd\\\\u001b\\[2J\\\\u202ephone  last reached`, 'm'));
    assert.match(
      listed.out,
      /^1 device has not reached this server for 30 days or more: if no longer used, revoke it \(npm run team -- revoke <device-id>\); if lost, erase it \(npm run team -- erase <device-id>\)/m,
    );
  });

  // An agency running hundreds of teams watches its devices with scripts, and looks at one team at a time.
  it('lists one team by its name or id, and every team as JSON for scripts, names escaped as the terminal needs', async () => {
    const team = await cli();
    const code = /join#([A-Za-z0-9_-]+)/.exec((await team('create', 'Riverside team')).out)![1]!;
    await team('create', 'Hall team');
    const { db } = await openDatabase({ sqliteFile: path.join(team.dataDir, 'efk.sqlite') });
    const store = new SyncStore(db, randomSecret());
    const phone = (await store.join(code, 'Riverside phone'))!.device;
    const odd = (await store.join(code, 'Odd phone'))!.device;
    await db.updateTable('devices').set({ name: 'Odd\u202Ephone' }).where('id', '=', odd.id).execute();
    await store.noteClock(phone.id, Date.now() - 3 * 60 * 60 * 1000);
    await store.revokeDevice(odd.id);
    await db.destroy();

    const one = await team('list', 'Riverside team');
    assert.equal(one.code, 0, one.out);
    assert.match(one.out, /^Riverside team \([0-9a-f-]{36}\): 1 device$/m);
    assert.doesNotMatch(one.out, /Hall team/);
    const none = await team('list', 'No such team');
    assert.equal(none.code, 1);
    assert.match(none.out, /No team "No such team"/);

    const json = await team('list', '--json');
    assert.equal(json.code, 0, json.out);
    assert.ok(!json.out.includes('\u202e'), 'no reversing mark reaches the terminal');
    const listed = JSON.parse(json.out) as {
      name: string;
      devices: {
        id: string;
        name: string;
        lastSeenAt: string | null;
        revokedAt: string | null;
        clockOffsetMs: number | null;
        quiet: boolean;
      }[];
    }[];
    assert.deepEqual(
      listed.map((t) => t.name),
      ['Riverside team', 'Hall team'],
    );
    const [riverside] = listed;
    const phoneListed = riverside!.devices.find((d) => d.id === phone.id)!;
    assert.equal(phoneListed.name, 'Riverside phone');
    assert.equal(phoneListed.quiet, false);
    assert.ok(Math.abs(Date.parse(phoneListed.lastSeenAt!) - Date.now()) < 60_000);
    assert.ok(Math.abs(phoneListed.clockOffsetMs! - 3 * 60 * 60 * 1000) < 60_000);
    const oddListed = riverside!.devices.find((d) => d.id === odd.id)!;
    assert.equal(oddListed.name, 'Odd\u202Ephone', 'the name as it is, once parsed');
    assert.notEqual(oddListed.revokedAt, null);
    const hall = JSON.parse((await team('list', 'Hall team', '--json')).out) as { name: string }[];
    assert.deepEqual(
      hall.map((t) => t.name),
      ['Hall team'],
    );
  });

  it('reports a device lost: it is removed from its team, told to erase at its next request, and the list says whether it has been', async () => {
    const team = await cli();
    const code = /join#([A-Za-z0-9_-]+)/.exec((await team('create', 'Riverside team')).out)![1]!;
    const lost = await joinOn(team.dataDir, code, 'Lost phone');
    const row = (out: string): string => out.split('\n').find((line) => line.includes(lost.id)) ?? '';

    // Asked first, naming the device: a mistyped id would cost someone their unsent work.
    const asked = await team('erase', lost.id);
    assert.equal(asked.code, 2, asked.out);
    assert.match(
      asked.out,
      /This removes Lost phone \(.+\) from Riverside team, and when it next reaches this server it erases/,
    );
    assert.match(asked.out, new RegExp(`To go ahead: npm run team -- erase ${lost.id} --yes`));
    assert.match(row((await team('list')).out), /last reached the server/, 'nothing done yet');
    const erased = await team('erase', lost.id, '--yes');
    assert.equal(erased.code, 0, erased.out);
    assert.match(erased.out, /When it next reaches this server it erases the team's drafts and its unsent changes/);
    assert.match(erased.out, /npm run team -- rotate/, 'a join link seen on the lost device still works');
    const again = await team('erase', lost.id, '--yes');
    assert.equal(again.code, 1);
    assert.match(again.out, /already reported lost/);
    assert.equal((await team('erase', '00000000-0000-0000-0000-000000000000')).code, 1);
    assert.match(
      row((await team('list')).out),
      /Lost phone {2}\(reported lost \d{4}-.+; not erased yet: it has not reached this server since\)$/,
    );

    // The lost phone reaches the server.
    assert.equal(await pullRefusal(team.dataDir, lost.token), DEVICE_ERASED);
    assert.match(row((await team('list')).out), /Lost phone {2}\(reported lost \d{4}-.+; erased: told at \d{4}-.+\)$/);
    const late = await team('found', lost.id);
    assert.equal(late.code, 1);
    assert.match(late.out, /Too late: device .+ was told to erase at \d{4}-/);
  });

  it('takes back an erase the device has not been told of yet: it stays out of the team, keeping what it holds', async () => {
    const team = await cli();
    const code = /join#([A-Za-z0-9_-]+)/.exec((await team('create', 'Riverside team')).out)![1]!;
    const found = await joinOn(team.dataDir, code, 'Found phone');
    assert.equal((await team('erase', found.id, '--yes')).code, 0);
    const back = await team('found', found.id);
    assert.equal(back.code, 0, back.out);
    assert.match(back.out, /will not erase anything/);
    assert.equal((await team('found', found.id)).code, 1, 'nothing left to take back');
    assert.deepEqual(
      (await team('log', '2')).out
        .trim()
        .split('\n')
        .map((l) => l.split('  ').slice(2).join('  ')),
      [
        `found  device Found phone (${found.id}) of Riverside team: erase taken back; it stays revoked`,
        `erase  device Found phone (${found.id}) of Riverside team: reported lost: revoked, and to erase the team’s drafts at its next contact`,
      ],
    );
    const row = (await team('list')).out.split('\n').find((line) => line.includes(found.id))!;
    assert.match(row, /Found phone {2}\(revoked /);

    assert.equal(await pullRefusal(team.dataDir, found.token), 'revoked', 'asked to rejoin, not to erase');
  });

  it('deletes a team with all of its drafts and devices, only when told --yes, and leaves other teams alone', async () => {
    const team = await cli();
    const codeOf = (out: string): string => /join#([A-Za-z0-9_-]+)/.exec(out)![1]!;
    const riverside = codeOf((await team('create', 'Riverside team')).out);
    const hillside = codeOf((await team('create', 'Hillside team')).out);
    const open = () => openDatabase({ sqliteFile: path.join(team.dataDir, 'efk.sqlite') });
    let { db } = await open();
    let store = new SyncStore(db, randomSecret());
    const gone = (await store.join(riverside, 'Riverside phone'))!;
    const stays = (await store.join(hillside, 'Hillside phone'))!;
    await store.push(gone.device, [newDraftMutation(1, { title: 'What the community said' })]);
    await store.push(stays.device, [newDraftMutation(1, { title: 'Hillside’s own' })]);
    await db.destroy();

    const asked = await team('delete', 'Riverside team');
    assert.equal(asked.code, 2);
    assert.match(
      asked.out,
      /deletes Riverside team \([0-9a-f-]{36}\) from this server for good: all of its drafts, and its 1 device/,
    );
    assert.match(asked.out, /npm run team -- delete "Riverside team" --yes/);
    const deleted = await team('delete', 'Riverside team', '--yes');
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
    assert.equal((await team('delete', 'Riverside team', '--yes')).code, 1, 'a team deleted is not found again');
  });

  it('exports a team’s drafts as Markdown, as JSON the app imports and as a spreadsheet, never into a folder with files in it', async () => {
    const team = await cli();
    const code = /join#([A-Za-z0-9_-]+)/.exec((await team('create', 'Riverside team')).out)![1]!;
    const { db } = await openDatabase({ sqliteFile: path.join(team.dataDir, 'efk.sqlite') });
    const store = new SyncStore(db, randomSecret());
    const phone = (await store.join(code, 'Riverside phone'))!;
    const first = newDraftMutation(1, { title: 'Hall meeting', achieve: 'Hear what the river walk means to people' });
    const again = newDraftMutation(2, { title: 'Hall meeting', achieve: 'The second evening' });
    const deleted = newDraftMutation(3, { title: 'Deleted by the team' });
    const [, , made] = (await store.push(phone.device, [first, again, deleted])).results;
    await store.push(phone.device, [{ ...deleted, seq: 4, kind: 'delete', baseRev: made!.rev, fields: {} }]);
    // A teammate answered the same question without having seen the phone's answer: not yet chosen between.
    const tablet = (await store.join(code, 'Riverside tablet'))!;
    await store.push(tablet.device, [newDraftMutation(5, { achieve: 'Find a quieter evening' }, first.draftId)]);
    await db.destroy();

    const folder = path.join(team.dataDir, 'for-records');
    const exported = await team('export', 'Riverside team', '--to', folder);
    assert.equal(exported.code, 0, exported.out);
    assert.match(exported.out, /^Exported 2 drafts of Riverside team to .*for-records/);
    assert.match(
      (await team('log', '1')).out,
      new RegExp(`  export  team Riverside team \\(.+\\): 2 drafts written to ${folder}\n$`),
    );
    assert.match(exported.out, /all of them as a spreadsheet in all-drafts\.csv/);
    const worksheet = await worksheetFromContent(path.join(ROOT, 'content'));
    const files = (await readdir(folder)).sort();
    assert.equal(files.length, 6, files.join(', '));
    const all = parseDraftsExport(await readFile(path.join(folder, 'all-drafts.json'), 'utf8'), worksheet);
    assert.deepEqual(all.map((d) => d.id).sort(), [first.draftId, again.draftId].sort(), 'every draft in one file too');
    assert.ok(files.includes('hall-meeting.md') && files.includes('hall-meeting.json'));
    const [header, ...rows] = parseCsv(
      (await readFile(path.join(folder, 'all-drafts.csv'), 'utf8')).replace(/^\uFEFF/, ''),
    );
    assert.deepEqual(
      rows.map((r) => r[header!.indexOf('Draft ID')]).sort(),
      [first.draftId, again.draftId].sort(),
      'and as a spreadsheet, a row a draft',
    );
    const undecided = rows.find((r) => r[header!.indexOf('Draft ID')] === first.draftId)![
      header!.indexOf('Answers not yet chosen between')
    ];
    assert.match(undecided!, /\(by Riverside (phone|tablet), /, 'a version not yet chosen, with whose it is');
    assert.equal((await stat(path.join(folder, 'all-drafts.csv'))).mode & 0o777, 0o600);
    const byId = new Map<string, string>();
    for (const file of files.filter((f) => f.endsWith('.json') && f !== 'all-drafts.json')) {
      const draft = parseDraftExport(await readFile(path.join(folder, file), 'utf8'), worksheet);
      assert.equal(draft.fields['title']!.changedBy, 'Riverside phone', 'each change named for its device');
      byId.set(draft.id, String(draft.fields['achieve']!.value));
    }
    assert.deepEqual(
      byId,
      new Map([
        [first.draftId, 'Find a quieter evening'], // the later of the two answers, as the team's server keeps it
        [again.draftId, 'The second evening'],
      ]),
    );
    assert.equal((await stat(folder)).mode & 0o777, 0o700, 'the folder is its maker’s only');
    assert.equal((await stat(path.join(folder, 'hall-meeting.md'))).mode & 0o777, 0o600);
    const markdown = await readFile(path.join(folder, 'hall-meeting.md'), 'utf8');
    assert.match(markdown, /^# Hall meeting$/m);
    assert.match(markdown, /Find a quieter evening|The second evening/);
    const both = await Promise.all(
      files
        .filter((f) => f.startsWith('hall-meeting') && f.endsWith('.md'))
        .map((f) => readFile(path.join(folder, f), 'utf8')),
    );
    const conflicted = both.find((md) => md.includes('Find a quieter evening'));
    assert.match(
      conflicted ?? '',
      /\n> \*\*Another version, not yet chosen\*\* \(by Riverside phone, .+\):\n> Hear what the river walk means to people\n/,
      'the teammate’s other answer is in the record',
    );
    assert.match(
      conflicted ?? '',
      /\nFind a quieter evening\n\n_Last changed by Riverside tablet, \d+ \w+ \d{4}, \d+:\d\d [ap]m UTC\._\n/,
      'whose each answer is, as the team’s server names the device, and when, saying in which time zone',
    );

    const refused = await team('export', 'Riverside team', '--to', folder);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /is not empty: name a new folder, so no file is overwritten/);
    assert.equal((await readdir(folder)).length, files.length, 'nothing written over');

    const byDefault = await team('export', 'Riverside team');
    assert.equal(byDefault.code, 0, byDefault.out);
    const [made2] = await readdir(path.join(team.dataDir, 'exports'));
    assert.match(made2!, /^riverside-team-\d{4}-/);
  });

  it('says why an export stopped part way, and leaves none of it behind to be taken for a whole one', async () => {
    const team = await cli();
    const code = /join#([A-Za-z0-9_-]+)/.exec((await team('create', 'Riverside team')).out)![1]!;
    const { db } = await openDatabase({ sqliteFile: path.join(team.dataDir, 'efk.sqlite') });
    const store = new SyncStore(db, randomSecret());
    const phone = (await store.join(code, 'Riverside phone'))!;
    const long = 'A consultation whose title runs on to sixty letters and more, past the end';
    await store.push(phone.device, [newDraftMutation(1, { title: 'Hall' }), newDraftMutation(2, { title: long })]);
    await db.destroy();
    // A folder deep enough that the first draft's files fit within the system's longest path
    // (4,096 bytes on Linux) and the second's do not: a write that fails part way, as a full disk's
    // would, without filling one.
    let folder = team.dataDir;
    while (folder.length < 4_040) folder = path.join(folder, 'x'.repeat(Math.min(200, 4_040 - folder.length)));
    const stopped = await team('export', 'Riverside team', '--to', folder);
    assert.equal(stopped.code, 1, stopped.out);
    assert.match(stopped.out, /^The export stopped part way \(ENAMETOOLONG/m);
    assert.match(stopped.out, /Nothing of it is left in .*: .*export again\./);
    assert.doesNotMatch(stopped.out, /\n\s+at /, 'no stack trace');
    assert.deepEqual(await readdir(folder), [], 'the first draft’s files are taken out again');
    const again = await team('export', 'Riverside team', '--to', folder);
    assert.equal(again.code, 1, 'the folder is still empty, so the same export can be run again');
    assert.doesNotMatch(again.out, /is not empty/);
  });
});
