import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CHANGES_QUERY_SCHEMA,
  CHANGES_RESPONSE_SCHEMA,
  CHANGES_WAIT_MS,
  CHANGES_WAITS_PER_DEVICE,
  changeCount,
  changesOf,
  DEVICE_ERASED,
  DRAFT_PARAMS_SCHEMA,
  ERROR_SCHEMA,
  JOIN_REQUEST_SCHEMA,
  JOIN_RESPONSE_SCHEMA,
  ME_RESPONSE_SCHEMA,
  PULL_QUERY_SCHEMA,
  PULL_RESPONSE_SCHEMA,
  PUSH_QUERY_SCHEMA,
  HISTORY_CHANGED,
  PUSH_REQUEST_SCHEMA,
  PUSH_BATCH_MAX,
  PUSH_RESPONSE_SCHEMA,
  NO_SUCH_DRAFT,
  RENAME_DEVICE_SCHEMA,
  SERVER_DRAFT_SCHEMA,
  TOO_MANY_WAITS,
  type ChangesResponse,
  type ErrorResponse,
  type JoinRequest,
  type JoinResponse,
  type MeResponse,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type ServerDraft,
} from '../../src/sync/protocol.js';
import type { Listen } from '../db/listen.js';
import { TEAM_CHANGES_CHANNEL } from '../db/schema.js';
import type { ServerMetrics } from '../metrics.js';
import { joinLink } from './join-link.js';
import { DeviceRevokedError, HistoryChangedError, type Device, type SyncStore } from './sync-store.js';
import { TeamChanges } from './team-changes.js';

export interface SyncRoutesOptions {
  readonly store: SyncStore;
  /**
   * The address devices use to reach this server, for join links (`https://kit.example.gov.au`);
   * without one, the address the device itself used.
   */
  readonly publicUrl?: string | undefined;
  readonly metrics?: ServerMetrics | undefined;
  /** Requests a minute: join attempts per address, and API calls per device token. */
  readonly rateLimits?: { readonly joinPerMinute: number; readonly apiPerMinute: number } | undefined;
  /**
   * The database's LISTEN (PostgreSQL): devices waiting for their team's next change here are
   * woken by a push to any instance sharing the database. Without it, by this instance's own pushes.
   */
  readonly listen?: Listen | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    device: (Device & { teamName: string }) | null;
  }
}

const REVOKED: ErrorResponse = {
  error: 'revoked',
  message: 'This device was removed from the team. Open your team’s join link to rejoin.',
};

const ERASED: ErrorResponse = {
  error: DEVICE_ERASED,
  message:
    'This device was reported lost and removed from the team, so the team’s drafts have been erased from it. The team’s server still has every draft that reached it.',
};

const errors = { 400: { $ref: 'Error#' }, 401: { $ref: 'Error#' }, 429: { $ref: 'Error#' } };

/** The sync API under /api: joining, the device's own details, push and pull. */
export async function syncRoutes(
  app: FastifyInstance,
  { store, publicUrl, metrics, rateLimits = { joinPerMinute: 30, apiPerMinute: 600 }, listen }: SyncRoutesOptions,
): Promise<void> {
  app.addSchema(ERROR_SCHEMA);
  app.decorateRequest('device', null);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: 'rate_limited',
      message: `Too many requests; try again in ${Math.ceil(context.ttl / 1000)} s.`,
    }),
  });
  /** Per device: the token's hash (never the token itself) keys the limit; without one, the address. */
  const perDevice = {
    rateLimit: {
      max: rateLimits.apiPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request: FastifyRequest) => {
        const auth = request.headers.authorization;
        return auth ? createHash('sha256').update(auth).digest('hex') : request.ip;
      },
    },
  };

  const changes = new TeamChanges();
  /** How many requests each device has waiting for its team's changes (see CHANGES_WAITS_PER_DEVICE). */
  const waitsOf = new Map<string, number>();
  // Requests waiting for a change answer at once as the server stops, rather than hold it up.
  app.addHook('preClose', async () => changes.close());
  const heard = listen?.(TEAM_CHANGES_CHANNEL, {
    onMessage: (teamId) => changes.changed(teamId),
    onListening: () => changes.missed(),
    onLost: (error, retryMs) =>
      app.log.warn(
        { err: error, retryMs },
        'stopped hearing other instances’ changes (the database connection listening for them was lost); devices waiting here see those at their wait’s end until it is open again',
      ),
  });
  if (heard) {
    app.addHook('onClose', async () => heard.close());
    metrics?.reportListening(() => heard.listening);
  }

  metrics?.countQuietDevices(() => store.quietDevices());
  metrics?.countWaitingForChanges(() => changes.waiting);
  metrics?.countClockApart(() => store.clockApartDevices());

  /**
   * A revoked device is told so, to rejoin; one reported lost, to erase its team's drafts (the
   * first telling is noted, for `team -- list`; a failure to note it does not hold the order back).
   */
  const refuseRevoked = async (
    request: FastifyRequest,
    reply: FastifyReply,
    deviceId: string,
    erase: boolean,
  ): Promise<FastifyReply> => {
    if (!erase) return reply.code(401).send(REVOKED);
    const first = await store.eraseTold(deviceId).catch((error: unknown) => {
      request.log.warn({ err: error }, 'could not note that a lost device was told to erase');
      return false;
    });
    // For the agency's records: when, and from where, the device reported lost was reached.
    if (first) request.log.warn({ deviceId, ip: request.ip }, 'told a device reported lost to erase its team’s drafts');
    return reply.code(401).send(ERASED);
  };

  /** Every route but joining needs a device token; a revoked device is told so, to rejoin. */
  const authenticate = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
    const device = match ? await store.deviceByToken(match[1]!) : undefined;
    if (!device) {
      await reply
        .code(401)
        .send({ error: 'unauthorized', message: 'This device is not joined to a team. Open your team’s join link.' });
      return;
    }
    if (device.revokedAt !== null) {
      await refuseRevoked(request, reply, device.id, device.eraseAt !== null);
      return;
    }
    request.device = device;
    // Hourly at most: a failure to note it (a full disk) is no reason to refuse the request.
    await store
      .seen(device.id)
      .catch((error: unknown) => request.log.warn({ err: error }, 'could not note the device’s last contact'));
  };

  /**
   * Notes the pushing device's clock (see SyncStore.noteClock), and logs it found wrong: the
   * device's user is told, and an administrator asked why a teammate's answers look out of order
   * can see it in `team -- list`. A failure to note it is no reason to refuse the push.
   */
  const noteClock = async (request: FastifyRequest, clock: number): Promise<void> => {
    const deviceId = request.device!.id;
    try {
      const { offset, written } = await store.noteClock(deviceId, clock);
      if (written && offset !== null)
        request.log.info({ deviceId, clockOffsetMs: offset }, 'a device’s clock is set apart from the server’s');
    } catch (error) {
      request.log.warn({ err: error }, 'could not note the device’s clock');
    }
  };

  app.post<{ Body: JoinRequest; Reply: JoinResponse | { error: string; message: string } }>(
    '/api/join',
    {
      // Join codes are 256-bit, so guessing is hopeless anyway; the limit keeps attempts cheap to refuse.
      config: {
        rateLimit: {
          max: rateLimits.joinPerMinute,
          timeWindow: 60_000,
          keyGenerator: (request: FastifyRequest) => request.ip,
        },
      },
      schema: {
        body: JOIN_REQUEST_SCHEMA,
        response: {
          200: JOIN_RESPONSE_SCHEMA,
          403: { $ref: 'Error#' },
          400: { $ref: 'Error#' },
          429: { $ref: 'Error#' },
        },
      },
    },
    async (request, reply) => {
      const joined = await store.join(request.body.code, request.body.deviceName.trim() || 'Unnamed device');
      // Who joins a team, and who tries with a code no longer good, is the agency's to watch: in
      // the log, with where from, never the code.
      if (!joined) {
        request.log.info({ ip: request.ip }, 'a join with a code that is not valid was refused');
        return reply.code(403).send({
          error: 'invalid_code',
          message: 'This join link is not valid any more. Ask your team lead for the current one.',
        });
      }
      request.log.info(
        { deviceId: joined.device.id, teamId: joined.team.id, deviceName: joined.device.name, ip: request.ip },
        'a device joined its team',
      );
      return { token: joined.token, deviceId: joined.device.id, team: joined.team };
    },
  );

  app.get<{ Reply: MeResponse }>(
    '/api/me',
    { config: perDevice, onRequest: authenticate, schema: { response: { 200: ME_RESPONSE_SCHEMA, ...errors } } },
    async (request) => {
      const device = request.device!;
      const [code, devices] = await Promise.all([store.joinCodeOf(device.teamId), store.devices(device.teamId)]);
      const base = publicUrl ?? `${request.protocol}://${request.host}`;
      return {
        deviceId: device.id,
        deviceName: device.name,
        team: { id: device.teamId, name: device.teamName },
        joinLink: joinLink(base, code!),
        // Who else holds the team's drafts, and when each last reached the server: a teammate's
        // change not on the team yet is on a device silent since then. Revoked ones are not.
        devices: devices
          .filter((d) => d.revokedAt === null)
          .map((d) => ({ id: d.id, name: d.name, lastSeenAt: d.lastSeenAt, clockOffset: d.clockOffset })),
      };
    },
  );

  app.put<{ Body: { name: string } }>(
    '/api/me',
    {
      config: perDevice,
      onRequest: authenticate,
      schema: { body: RENAME_DEVICE_SCHEMA, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      const device = request.device!;
      await store.renameDevice(device.id, request.body.name.trim());
      request.log.info(
        { deviceId: device.id, teamId: device.teamId, deviceName: request.body.name.trim(), was: device.name },
        'a device renamed itself',
      );
      return reply.code(204).send();
    },
  );

  // A device leaving its team (to join another, or handed to someone else) revokes its own token:
  // the team's device list stays true, and the token is no use to whoever finds it later.
  app.delete(
    '/api/me',
    { config: perDevice, onRequest: authenticate, schema: { response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      const device = request.device!;
      await store.revokeDevice(device.id);
      request.log.info({ deviceId: device.id, teamId: device.teamId, ip: request.ip }, 'a device left its team');
      return reply.code(204).send();
    },
  );

  app.post<{
    Body: PushRequest;
    Querystring: {
      since?: number;
      settled?: number;
      history?: string;
      clock?: number;
      refusedBytes?: number;
      blocked?: number;
    };
    Reply: PushResponse | ErrorResponse;
  }>(
    '/api/push',
    {
      config: perDevice,
      onRequest: authenticate,
      schema: {
        body: PUSH_REQUEST_SCHEMA,
        querystring: PUSH_QUERY_SCHEMA,
        response: { 200: PUSH_RESPONSE_SCHEMA, 409: { $ref: 'Error#' }, ...errors },
      },
    },
    async (request, reply) => {
      const { mutations } = request.body;
      const since = request.query.since ?? request.body.since;
      const settled = request.query.settled ?? request.body.settled;
      const history = request.query.history ?? request.body.history;
      const clock = request.query.clock ?? request.body.clock;
      if (changeCount(mutations) > PUSH_BATCH_MAX)
        return reply.code(400).send({
          error: 'too_many_changes',
          message: `A push carries at most ${PUSH_BATCH_MAX} changes, counting those its mutations cover.`,
        });
      let answer: PushResponse;
      try {
        answer = await store.push(request.device!, mutations, since, settled, history);
      } catch (error) {
        if (error instanceof DeviceRevokedError) {
          // Revoked since the device was read (held up to deviceCacheMs): perhaps reported lost.
          const id = request.device!.id;
          return refuseRevoked(request, reply, id, await store.eraseOrdered(id));
        }
        if (error instanceof HistoryChangedError)
          return reply.code(409).send({ error: HISTORY_CHANGED, message: error.message });
        throw error;
      }
      if (clock !== undefined) await noteClock(request, clock);
      const { refusedBytes } = request.query;
      if (refusedBytes !== undefined) {
        // Only the device saw it: a proxy or firewall in front answered for this server.
        metrics?.refusedOnTheWay.inc();
        request.log.warn(
          { deviceId: request.device!.id, refusedBytes },
          'a device’s push was refused as too large before it reached this server: a proxy or firewall in front has a lower body limit than the server’s; raise it to at least 1 MiB (the device sends smaller pushes meanwhile, and holds back a draft too large alone)',
        );
      }
      const { blocked } = request.query;
      if (blocked !== undefined) {
        metrics?.blockedOnTheWay.inc({ status: String(blocked) });
        request.log.warn(
          { deviceId: request.device!.id, blocked },
          'a device’s push was refused for what it carried before it reached this server, answered with a page not this server’s while this server answered the device: a web application firewall’s rule in front matching words of a draft (a script tag or SQL in an answer, say); let /api/push’s JSON bodies past that rule (the device holds back the draft meanwhile, and sends the rest)',
        );
      }
      // Listening, this instance hears its own pushes as the others do, once they commit.
      if (!heard?.listening) changes.changed(request.device!.teamId);
      for (const [i, r] of answer.results.entries()) {
        metrics?.mutations.inc({ result: r.status });
        metrics?.changes.inc({ result: r.status }, changesOf(mutations[i]!).length);
      }
      return answer;
    },
  );

  app.get<{ Querystring: { since: number; limit: number }; Reply: PullResponse }>(
    '/api/pull',
    {
      config: perDevice,
      onRequest: authenticate,
      schema: { querystring: PULL_QUERY_SCHEMA, response: { 200: PULL_RESPONSE_SCHEMA, ...errors } },
    },
    async (request) => store.pull(request.device!.teamId, request.query.since, request.query.limit),
  );

  // Held until the team's revision is other than the device's `since` (a teammate's change), at
  // most CHANGES_WAIT_MS: a device with the kit open pulls a teammate's change within a moment.
  app.get<{ Querystring: { since: number; wait?: number }; Reply: ChangesResponse | ErrorResponse }>(
    '/api/changes',
    {
      config: perDevice,
      onRequest: authenticate,
      schema: { querystring: CHANGES_QUERY_SCHEMA, response: { 200: CHANGES_RESPONSE_SCHEMA, ...errors } },
    },
    async (request, reply) => {
      const { id: deviceId, teamId } = request.device!;
      const { since, wait } = request.query;
      const tooMany = (): boolean => (waitsOf.get(deviceId) ?? 0) >= CHANGES_WAITS_PER_DEVICE;
      const refuse = () =>
        reply.code(429).send({
          error: TOO_MANY_WAITS,
          message: `This device already has ${waitsOf.get(deviceId) ?? 0} requests waiting for its team’s changes, the most it may.`,
        });
      if (tooMany()) return refuse();
      // A device behind its team is answered at once, holding nothing: not counted among its waits,
      // where, counted a moment, it could have a wait arriving beside it refused.
      const now = await store.teamRev(teamId);
      if (now !== since) return { rev: now };
      if (tooMany()) return refuse();
      waitsOf.set(deviceId, (waitsOf.get(deviceId) ?? 0) + 1);
      try {
        return await waitForChange(teamId, since, wait === undefined ? CHANGES_WAIT_MS : wait * 1000, reply);
      } finally {
        const left = (waitsOf.get(deviceId) ?? 1) - 1;
        if (left > 0) waitsOf.set(deviceId, left);
        else waitsOf.delete(deviceId);
      }
    },
  );

  /** The team's revision once it is not `since`, or at the wait's end, `waitMs` on (see the route above). */
  async function waitForChange(
    teamId: string,
    since: number,
    waitMs: number,
    reply: FastifyReply,
  ): Promise<ChangesResponse> {
    const gone = new AbortController();
    reply.raw.once('close', () => gone.abort());
    const until = Date.now() + waitMs;
    for (;;) {
      // Waiting before the revision is read: a push committed in between still wakes it.
      const next = changes.next(teamId, until - Date.now(), gone.signal);
      const rev = await store.teamRev(teamId);
      if (rev !== since) {
        gone.abort();
        return { rev };
      }
      // Woken with nothing new for this device (a push of repeats, the channel heard again):
      // it waits on, since a quick "nothing" tells the device to stop asking for a while.
      if ((await next) === 'ended') return { rev: await store.teamRev(teamId) };
    }
  }

  // One draft as the team holds it: a device that discards a change the server refused goes back
  // to this, rather than keep on its own a value the team never took.
  app.get<{ Params: { id: string }; Reply: ServerDraft | ErrorResponse }>(
    '/api/drafts/:id',
    {
      config: perDevice,
      onRequest: authenticate,
      schema: {
        params: DRAFT_PARAMS_SCHEMA,
        response: { 200: SERVER_DRAFT_SCHEMA, 404: { $ref: 'Error#' }, ...errors },
      },
    },
    async (request, reply) => {
      const draft = await store.draft(request.device!.teamId, request.params.id);
      if (draft) return draft;
      return reply.code(404).send({ error: NO_SUCH_DRAFT, message: 'The team’s server has no such draft.' });
    },
  );
}
