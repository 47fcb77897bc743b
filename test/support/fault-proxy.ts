import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** What the proxy does to one request. */
export type Fault =
  | 'pass'
  | 'drop' // the connection closes before the server sees the request
  | 'delay' // held a while, then passed on
  | '500'
  | '502'
  | '409' // an error answer without reaching the server
  | 'timeout' // never answered; the client gives up
  | 'reset-after-apply' // the server applies it, then the connection is cut before the answer
  | 'duplicate' // delivered to the server twice; the client gets the second answer
  | 'too-large' // a body over the proxy's own limit (see FaultProxy.bodyLimit), answered 413 as nginx does
  | 'unreadable' // a compressed body the proxy's firewall cannot read (see FaultProxy.firewall), answered 400
  | 'blocked' // a body the proxy's firewall rule matches (see FaultProxy.firewall), answered 403
  | 'gateway-timeout'; // no answer from the server within FaultProxy.answerWithin, answered 504

export const FAULTS: readonly Fault[] = [
  'drop',
  'delay',
  '500',
  '502',
  '409',
  'timeout',
  'reset-after-apply',
  'duplicate',
];

export interface FaultProxy {
  readonly origin: string;
  /** Chooses the fault for each request (default: pass everything). */
  choose: (path: string) => Fault;
  /**
   * The largest request body the proxy passes on, in bytes as sent (compressed, if it was), as an
   * agency's proxy or firewall in front of the server may have a lower one than the server's:
   * anything larger is answered 413 in a page of the proxy's own (default: no limit).
   */
  bodyLimit: number;
  /**
   * A web application firewall's rule, as an agency may put in front of the server (ModSecurity
   * with its recommended rules, say): a request body it matches is answered 403 in a page of the
   * proxy's own, and a compressed body, which the firewall cannot read, 400 (default: none).
   */
  firewall: RegExp | null;
  /**
   * How long the proxy waits for the server's answer before it answers 504 in a page of its own,
   * as a gateway's request timeout does (Azure Application Gateway's is 20 s by default; default:
   * no limit). Counted as 'gateway-timeout'.
   */
  answerWithin: number;
  /** How many requests suffered each fault. */
  readonly counts: Map<Fault, number>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host } as unknown as Record<string, string>;
    const upstream = httpRequest(new URL(req.url ?? '/', target), { method: req.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (typeof v === 'string' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/**
 * A proxy of our own test code between sync clients and the real server, injecting network faults.
 * @param random draws the delays' lengths; a seeded one makes a run's faults repeatable
 */
export async function startFaultProxy(target: string, random: () => number = Math.random): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const counts = new Map<Fault, number>();
  const held = new Set<ServerResponse>();
  const proxy: FaultProxy = {
    origin: '',
    choose: () => 'pass',
    bodyLimit: Infinity,
    firewall: null,
    answerWithin: Infinity,
    counts,
    close: async () => {
      for (const res of held) res.destroy();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const fault =
        body.length > proxy.bodyLimit
          ? 'too-large'
          : proxy.firewall && body.length > 0 && req.headers['content-encoding']
            ? 'unreadable'
            : proxy.firewall?.test(body.toString())
              ? 'blocked'
              : proxy.choose(req.url ?? '/');
      counts.set(fault, (counts.get(fault) ?? 0) + 1);
      const reply = (r: { status: number; headers: Record<string, string>; body: Buffer }): void => {
        res.writeHead(r.status, r.headers);
        res.end(r.body);
      };
      switch (fault) {
        case 'drop':
          req.socket.destroy();
          return;
        case '500':
        case '502':
        case '409':
          res.writeHead(Number(fault), { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'injected', message: `Injected ${fault}` }));
          return;
        case 'too-large':
          res.writeHead(413, { 'content-type': 'text/html' });
          res.end('<html><head><title>413 Request Entity Too Large</title></head><body><h1>413</h1></body></html>');
          return;
        case 'unreadable':
        case 'blocked':
          res.writeHead(fault === 'blocked' ? 403 : 400, { 'content-type': 'text/html' });
          res.end(
            '<html><head><title>Request Rejected</title></head><body>The requested URL was rejected.</body></html>',
          );
          return;
        case 'timeout':
          held.add(res);
          res.on('close', () => held.delete(res));
          return;
        case 'delay':
          await new Promise((r) => setTimeout(r, 20 + Math.floor(random() * 80)));
          reply(await forward(targetUrl, req, body));
          return;
        case 'reset-after-apply':
          await forward(targetUrl, req, body);
          req.socket.destroy();
          return;
        case 'duplicate': {
          const [, second] = await Promise.all([forward(targetUrl, req, body), forward(targetUrl, req, body)]);
          reply(second);
          return;
        }
        case 'pass': {
          const limit = proxy.answerWithin;
          if (limit === Infinity) return reply(await forward(targetUrl, req, body));
          let timer: ReturnType<typeof setTimeout> | undefined;
          const timedOut = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), limit)));
          const answer = await Promise.race([forward(targetUrl, req, body), timedOut]);
          clearTimeout(timer);
          if (answer) return reply(answer);
          counts.set('gateway-timeout', (counts.get('gateway-timeout') ?? 0) + 1);
          res.writeHead(504, { 'content-type': 'text/html' });
          res.end('<html><head><title>504 Gateway Time-out</title></head><body><h1>504</h1></body></html>');
          return;
        }
      }
    })().catch(() => res.destroy());
  });
  // Idle keep-alive sockets are closed with the proxy.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(proxy, { origin: `http://127.0.0.1:${port}` });
}
