// What `npm run team -- <command>` does (server/team-cli.ts runs it): manage teams and devices on this server's database.
import path from 'node:path';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { headingId } from '../scripts/content/slugify.js';
import { DatabaseOpenError } from './db/database-open-error.js';
import { openDatabase } from './db/open-database.js';
import { serverSecret } from './server-secret.js';
import { ConfigError, readServerConfig, sqliteFileOf } from './server-config.js';
import { cleanName, NOT_IN_NAMES, QUIET_DEVICE_DAYS } from '../src/sync/protocol.js';
import { joinLink } from './sync/join-link.js';
import { isQuiet, SyncStore } from './sync/sync-store.js';
import { AdminLog, currentActor } from './admin-log.js';
import { clockApart } from '../src/text/clock-apart.js';
import { ExportFolderError, ExportStoppedError } from './export-errors.js';

const USAGE = `Usage: npm run team -- <command>

  create <name>          Create a team and print its join link
  list [<team>] [--json]
                         List teams (or one) and their devices, with when each last reached the
                         server; --json for scripts and monitoring
  link <team>            Print a team's join link
  rotate <team>          Make a new join link (the old one stops working)
  revoke <device-id>     Remove a device from its team (it keeps its drafts and must rejoin)
  erase <device-id> --yes
                         For a lost or stolen device: remove it from its team, and have it erase
                         the team's drafts and its unsent changes when it next reaches this server
  found <device-id>      Take back an erase the device has not been told of yet (it stays removed
                         from its team, keeping what it holds, until it rejoins)
  export <team> [--to <folder>]
                         Write each of a team's drafts as Markdown and as JSON the app imports,
                         and all of them in all-drafts.json and as a spreadsheet in all-drafts.csv
                         (default folder: DATA_DIR/exports/<team>-<time>)
  delete <team> --yes    Delete a team and all of its drafts and devices from this server
  log [<count>] [--json] What administrators did with these commands, newest first (default 50):
                         when, by which account, to which team or device; --json for a log
                         collector
  restored               After restoring the database by hand (pg_restore, a copied file): tell
                         every device, so each sends again what the backup did not hold
                         (npm run restore does this itself)

<team> is a team's id or name. Settings come from the same environment as npm start
(DATABASE_URL, DATA_DIR, PUBLIC_URL, EFK_SECRET, HOST, PORT).`;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A name as the terminal should print it: what a device could not be named now (an escape
 * sequence, a reversing mark) but a name stored before may hold, written out as `\\u001b`.
 */
function shown(name: string): string {
  return name.replace(
    new RegExp(`[${NOT_IN_NAMES}]`, 'gu'),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Prints `value` as JSON for scripts. JSON escapes control characters in names itself; a
 * reversing mark it leaves, and on a terminal that would turn what follows around, so it goes
 * escaped too.
 */
function printJson(out: (text: string) => void, value: unknown): void {
  const text = JSON.stringify(value, null, 2);
  out(text.replace(/[\u202A-\u202E]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`));
}

/** A device in the administrators' record: its name and team when known, and its id. */
function deviceSubject(id: string, found: { name: string; teamName: string } | undefined): string {
  return found ? `device ${found.name} (${id}) of ${found.teamName}` : `device ${id}`;
}

/** When a device last reached the server, as `list` says it (to within the hour it is noted in). */
function lastContact(at: number | null, now: number): string {
  if (at === null) return 'last reached the server: not known (before this server noted it)';
  const days = Math.floor((now - at) / DAY_MS);
  const ago = days <= 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
  return `last reached the server ${new Date(at).toISOString().slice(0, 10)} (${ago})`;
}

/**
 * A device's clock set apart from the server's, as `list` says it: its answers are timed by the
 * server's clock meanwhile, but its user should set it right.
 */
function clockLine(offset: number | null): string {
  if (offset === null) return '';
  return `; its clock is ${clockApart(offset)} this server's (set it to update automatically)`;
}

/** A time as `list --json` gives it: ISO 8601 in UTC, or null. */
function iso(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}

/**
 * The teams and their devices as `list --json` gives them, for an agency's scripts and monitoring:
 * every device, revoked ones too, with the facts `list` says in words.
 */
async function teamsListed(store: SyncStore, teams: readonly { id: string; name: string }[], now: number) {
  return Promise.all(
    teams.map(async (t) => ({
      id: t.id,
      name: t.name,
      devices: (await store.devices(t.id)).map((d) => ({
        id: d.id,
        name: d.name,
        joinedAt: iso(d.createdAt),
        lastSeenAt: iso(d.lastSeenAt),
        quiet: d.revokedAt === null && isQuiet(d.lastSeenAt, now),
        revokedAt: iso(d.revokedAt),
        reportedLostAt: iso(d.eraseAt),
        toldToEraseAt: iso(d.eraseToldAt),
        clockOffsetMs: d.clockOffset,
      })),
    })),
  );
}

/** Where a command reads its settings and writes what it says: the process's own, or a test's. */
export interface TeamCommandIo {
  readonly env: NodeJS.ProcessEnv;
  /** A line (or lines) of what the command did, for stdout. */
  readonly out: (text: string) => void;
  /** A line (or lines) of what went wrong or was not done, for stderr. */
  readonly err: (text: string) => void;
}

const PROCESS_IO: TeamCommandIo = {
  env: process.env,
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

/**
 * Runs one `npm run team` command, and gives its exit code: 0 done, 1 refused or failed (said in a
 * line on `err`, without a stack when it is the administrator's to see to), 2 a usage error.
 */
export async function teamCommand(args: readonly string[], io: TeamCommandIo = PROCESS_IO): Promise<number> {
  try {
    return await run(args, io);
  } catch (error) {
    io.err(
      error instanceof ConfigError ||
        error instanceof ExportFolderError ||
        error instanceof ExportStoppedError ||
        error instanceof DatabaseOpenError
        ? error.message
        : inspect(error),
    );
    return 1;
  }
}

async function run(args: readonly string[], io: TeamCommandIo): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === 'help' || command === '--help') {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  const config = readServerConfig(io.env);
  const { db } = await openDatabase({
    databaseUrl: config.databaseUrl,
    sqliteFile: sqliteFileOf(config),
  });
  const store = new SyncStore(db, await serverSecret(config.dataDir, config.secret));
  const base =
    config.publicUrl ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
  const team = async (name: string | undefined) => {
    const found = name ? await store.findTeam(name) : undefined;
    if (!found) throw new ConfigError(`No team "${name ?? ''}". See: npm run team -- list`);
    return found;
  };
  const log = new AdminLog(db, { actor: currentActor(io.env), warn: io.err });
  const noted = (action: string, subject: string, detail: string) => log.noteOrSay({ action, subject, detail });
  const teamSubject = (t: { name: string; id: string }) => `team ${t.name} (${t.id})`;
  /** A device by its id, with its team's name; undefined for none. */
  const deviceNamed = async (id: string) => {
    for (const t of await store.teams()) {
      const found = (await store.devices(t.id)).find((d) => d.id === id);
      if (found) return { ...found, teamName: t.name };
    }
    return undefined;
  };
  try {
    switch (command) {
      case 'create': {
        const name = rest.join(' ').trim();
        if (!name) throw new ConfigError('Give the team a name: npm run team -- create "Riverside team"');
        // Devices show it, and `list` prints it: the same rule as a device's name.
        if (cleanName(name) !== name)
          throw new ConfigError(
            'A team name cannot hold control characters (a tab, a line break, an escape) or reversing marks.',
          );
        const created = await store.createTeam(name);
        await noted('create', teamSubject(created), 'created, with a join link');
        io.out(`Created team ${created.name} (${created.id})`);
        io.out(`Join link: ${joinLink(base, created.code)}`);
        return 0;
      }
      case 'list': {
        const now = Date.now();
        const json = rest.includes('--json');
        const named = rest
          .filter((a) => a !== '--json')
          .join(' ')
          .trim();
        const one = named ? await team(named) : undefined;
        const teams = (await store.teams()).filter((t) => !one || t.id === one.id);
        if (json) {
          printJson(io.out, await teamsListed(store, teams, now));
          return 0;
        }
        let quiet = 0;
        for (const t of teams) {
          io.out(`${shown(t.name)} (${t.id}): ${t.devices} device${t.devices === 1 ? '' : 's'}`);
          for (const d of await store.devices(t.id)) {
            if (d.eraseAt) {
              const told = d.eraseToldAt
                ? `erased: told at ${new Date(d.eraseToldAt).toISOString()}`
                : 'not erased yet: it has not reached this server since';
              io.out(`  ${d.id}  ${shown(d.name)}  (reported lost ${new Date(d.eraseAt).toISOString()}; ${told})`);
              continue;
            }
            if (d.revokedAt) {
              io.out(`  ${d.id}  ${shown(d.name)}  (revoked ${new Date(d.revokedAt).toISOString()})`);
              continue;
            }
            if (isQuiet(d.lastSeenAt, now)) quiet += 1;
            io.out(`  ${d.id}  ${shown(d.name)}  ${lastContact(d.lastSeenAt, now)}${clockLine(d.clockOffset)}`);
          }
        }
        if (quiet > 0)
          io.out(
            `\n${quiet} device${quiet === 1 ? ' has' : 's have'} not reached this server for ${QUIET_DEVICE_DAYS} days or more: if no longer used, ` +
              'revoke it (npm run team -- revoke <device-id>); if lost, erase it (npm run team -- erase <device-id>). Either way its token stops working.',
          );
        return 0;
      }
      case 'link': {
        const t = await team(rest.join(' '));
        io.out(`Join link: ${joinLink(base, (await store.joinCodeOf(t.id))!)}`);
        return 0;
      }
      case 'rotate': {
        const t = await team(rest.join(' '));
        const link = joinLink(base, await store.rotateJoinCode(t.id));
        await noted('rotate', teamSubject(t), 'a new join link; the old one stopped working');
        io.out(`New join link for ${t.name}: ${link}`);
        io.out('The old link no longer works; devices already in the team stay.');
        return 0;
      }
      case 'restored': {
        const teams = await store.renameHistories();
        await noted('restored', `${teams} team${teams === 1 ? '' : 's'}`, 'devices told the database was restored');
        io.out(
          `Told the devices of ${teams} team${teams === 1 ? '' : 's'} that the database was restored: at its next sync, each takes its team's drafts in again and sends what this server no longer has.`,
        );
        return 0;
      }
      case 'revoke': {
        const id = rest[0] ?? '';
        const found = await deviceNamed(id);
        if (!(await store.revokeDevice(id)))
          throw new ConfigError(`No active device "${id}". See: npm run team -- list`);
        await noted('revoke', deviceSubject(id, found), 'revoked: it keeps what it holds and must rejoin');
        io.out(
          `Revoked device ${id}. It keeps its drafts and unsent changes, and can rejoin with the team's join link.`,
        );
        return 0;
      }
      case 'erase': {
        const id = rest.find((a) => a !== '--yes') ?? '';
        if (!rest.includes('--yes')) {
          // Asked first, as delete is: a device id mistyped would cost someone their unsent work.
          const found = await deviceNamed(id);
          if (!found) throw new ConfigError(`No device "${id}". See: npm run team -- list`);
          io.err(
            `This removes ${shown(found.name)} (${id}) from ${shown(found.teamName)}, and when it next reaches this server it erases the team's drafts from itself, with any changes it has not sent (${lastContact(found.lastSeenAt, Date.now())}).
` +
              `For a lost or stolen device. One only out of use: npm run team -- revoke ${id}
` +
              `To go ahead: npm run team -- erase ${id} --yes`,
          );
          return 2;
        }
        const found = await deviceNamed(id);
        if (!(await store.eraseDevice(id)))
          throw new ConfigError(`No device "${id}", or it is already reported lost. See: npm run team -- list`);
        await noted(
          'erase',
          deviceSubject(id, found),
          'reported lost: revoked, and to erase the team’s drafts at its next contact',
        );
        io.out(
          `Removed device ${id} from its team. When it next reaches this server it erases the team's drafts and its unsent changes (this server keeps every draft that reached it); npm run team -- list says when it has been told.`,
        );
        io.out(
          `Anyone who saw the team's join link on it could join again: make a new one with npm run team -- rotate <team>.`,
        );
        return 0;
      }
      case 'found': {
        const id = rest[0] ?? '';
        if (!(await store.cancelErase(id))) {
          const found = await deviceNamed(id);
          throw new ConfigError(
            found?.eraseToldAt
              ? `Too late: device ${id} was told to erase at ${new Date(found.eraseToldAt).toISOString()}.`
              : `No device "${id}" waiting to be told to erase. See: npm run team -- list`,
          );
        }
        await noted('found', deviceSubject(id, await deviceNamed(id)), 'erase taken back; it stays revoked');
        io.out(
          `Device ${id} will not erase anything. It stays out of its team, keeping its drafts and unsent changes, until it rejoins with the team's join link.`,
        );
        return 0;
      }
      case 'export': {
        const to = rest.indexOf('--to');
        if (to !== -1 && !rest[to + 1]) throw new ConfigError('Name the folder after --to.');
        const t = await team((to === -1 ? rest : rest.slice(0, to)).join(' '));
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const folder = path.resolve(
          to === -1 ? path.join(config.dataDir, 'exports', `${headingId(t.name) || 'team'}-${stamp}`) : rest[to + 1]!,
        );
        // Loaded for this command alone: it brings the content pipeline (markdown-it, sanitize-html,
        // YAML), which every other command would otherwise load, and wait for, on each run.
        const { exportTeam, worksheetFromContent } = await import('./team-export.js');
        const worksheet = await worksheetFromContent(fileURLToPath(new URL('../content', import.meta.url)));
        const { drafts } = await exportTeam(store, t.id, folder, worksheet);
        await noted('export', teamSubject(t), `${drafts} draft${drafts === 1 ? '' : 's'} written to ${folder}`);
        io.out(
          `Exported ${drafts} draft${drafts === 1 ? '' : 's'} of ${t.name} to ${folder} (each as Markdown, and as JSON the app imports; all of them as a spreadsheet in all-drafts.csv).`,
        );
        io.out('They hold what people in the community said: keep them as your agency keeps such records.');
        return 0;
      }
      case 'delete': {
        const yes = rest.includes('--yes');
        const t = await team(rest.filter((a) => a !== '--yes').join(' '));
        if (!yes) {
          const devices = (await store.devices(t.id)).length;
          io.err(
            `This deletes ${t.name} (${t.id}) from this server for good: all of its drafts, and its ${devices} device${devices === 1 ? '' : 's'}. ` +
              `Export its drafts first (npm run team -- export "${t.name}") or take a backup (npm run backup) if they may be needed.\n` +
              `To go ahead: npm run team -- delete "${t.name}" --yes`,
          );
          return 2;
        }
        const deleted = (await store.deleteTeam(t.id))!;
        await noted(
          'delete',
          teamSubject(t),
          `deleted, with ${deleted.drafts} draft${deleted.drafts === 1 ? '' : 's'} and ${deleted.devices} device${deleted.devices === 1 ? '' : 's'}`,
        );
        io.out(
          `Deleted ${t.name}: ${deleted.drafts} draft${deleted.drafts === 1 ? '' : 's'} and ${deleted.devices} device${deleted.devices === 1 ? '' : 's'}. ` +
            'Its devices keep what is on them until they leave the team (Settings) or join another.',
        );
        return 0;
      }
      case 'log': {
        const json = rest.includes('--json');
        const given = rest.filter((a) => a !== '--json')[0];
        const count = given === undefined ? 50 : Number(given);
        if (!Number.isInteger(count) || count < 1)
          throw new ConfigError(`Give how many to show as a whole number, such as 50; got "${given ?? ''}".`);
        const actions = await log.latest(count);
        if (json) {
          // For an agency's log collector: the record, newest first, each time as ISO 8601.
          printJson(
            io.out,
            actions.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
          );
          return 0;
        }
        if (actions.length === 0) io.out('Nothing done with npm run team yet on this database.');
        for (const a of actions)
          io.out(
            `${new Date(a.at).toISOString()}  ${shown(a.actor)}  ${a.action}  ${shown(a.subject)}: ${shown(a.detail)}`,
          );
        return 0;
      }
      default:
        io.err(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await db.destroy();
  }
}
