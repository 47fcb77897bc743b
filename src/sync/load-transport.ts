import type { FetchTransport, joinTeam as join } from './sync-transport.js';

/**
 * The transport to the team's server, loaded with the first request rather than with the page: a
 * device in no team never needs it, and the first view comes sooner on a weak signal without it.
 */
export async function transport(...args: ConstructorParameters<typeof FetchTransport>): Promise<FetchTransport> {
  const { FetchTransport } = await import('./sync-transport.js');
  return new FetchTransport(...args);
}

/** Joins this device to a team (see the transport's joinTeam), the transport loaded to do it. */
export async function joinTeam(...args: Parameters<typeof join>): ReturnType<typeof join> {
  const { joinTeam } = await import('./sync-transport.js');
  return joinTeam(...args);
}
