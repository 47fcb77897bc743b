import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Makes `app.close()` end every connection that is not carrying a request, at once. Browsers open
 * connections ahead of need (preconnect) that may never carry one; Node counts such a socket as
 * waiting for headers, so neither `server.close()` nor fastify's closing of idle connections ends
 * it, and stopping the server waited for the connection timeout (60 s). Requests in flight still
 * finish before the close completes.
 *
 * @param secure the server speaks TLS: its requests arrive on the sockets of `secureConnection`
 */
export function endIdleConnectionsOnClose(app: FastifyInstance, { secure }: { secure: boolean }): void {
  /** Each open connection, with the requests it is carrying. */
  const open = new Map<Socket, number>();
  app.server.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
  });
  app.server.on('request', (request: { socket: Socket }, response: { once(event: 'close', f: () => void): void }) => {
    const socket = request.socket;
    if (!open.has(socket)) return;
    open.set(socket, open.get(socket)! + 1);
    response.once('close', () => {
      if (open.has(socket)) open.set(socket, open.get(socket)! - 1);
    });
  });
  app.addHook('preClose', async () => {
    for (const [socket, requests] of open) if (requests === 0) socket.destroy();
  });
}
