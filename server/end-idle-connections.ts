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
  const open = new Set<Socket>();
  const busy = new Map<Socket, number>();
  app.server.on(secure ? 'secureConnection' : 'connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => {
      open.delete(socket);
      busy.delete(socket);
    });
  });
  app.server.on('request', (request: { socket: Socket }, response: { once(event: 'close', f: () => void): void }) => {
    const socket = request.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once('close', () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
    });
  });
  app.addHook('preClose', async () => {
    for (const socket of open) if (!busy.has(socket)) socket.destroy();
  });
}
