import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's Prometheus metrics, in a registry of its own (so several servers in one process do not clash). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'efk_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'efk_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly mutations = new Counter({
    name: 'efk_sync_mutations_total',
    help: 'Mutations pushed by devices, by result (applied, merged, conflict, rejected, repeat)',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly changes = new Counter({
    name: 'efk_sync_changes_total',
    help: 'Changes pushed by devices (each autosave is one; a mutation may carry several), by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly syncErrors = new Counter({
    name: 'efk_sync_errors_total',
    help: 'Sync requests that failed: refused (4xx, such as a bad token or a malformed outbox batch) or failed (5xx)',
    labelNames: ['route', 'kind'] as const,
    registers: [this.registry],
  });
  readonly refusedOnTheWay = new Counter({
    name: 'efk_sync_refused_on_the_way_total',
    help: "Pushes a device found refused as too large (413) before they reached this server, told by its next push: a proxy's or firewall's body limit in front is lower than the server's; raise it to at least 1 MiB",
    registers: [this.registry],
  });
  readonly blockedOnTheWay = new Counter({
    name: 'efk_sync_blocked_on_the_way_total',
    help: "Syncs in which a device found a push refused for what it carried (a 4xx page not this server's, while this server answered it) before it reached this server, told by its next push: a web application firewall's rule in front matching words of a draft; see to that rule for /api/push",
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly forgotten = new Counter({
    name: 'efk_sync_records_forgotten_total',
    help: 'Records of applied changes removed once their device settled them (kept until then, so a repeat is harmless)',
    registers: [this.registry],
  });
  readonly forgetErrors = new Counter({
    name: 'efk_sync_forget_errors_total',
    help: 'Runs of forgetting settled records that failed (tried again on the next run)',
    registers: [this.registry],
  });
  readonly erased = new Counter({
    name: 'efk_sync_drafts_erased_total',
    help: 'Deleted drafts whose answers were erased, their keeping period (DELETED_DRAFTS_KEEP_DAYS) over',
    registers: [this.registry],
  });
  readonly eraseErrors = new Counter({
    name: 'efk_sync_erase_errors_total',
    help: 'Runs of erasing deleted drafts that failed (tried again on the next run)',
    registers: [this.registry],
  });
  readonly backupErrors = new Counter({
    name: 'efk_backup_errors_total',
    help: 'Scheduled backups of the SQLite database that failed (tried again within the hour)',
    registers: [this.registry],
  });
  readonly lastBackup = new Gauge({
    name: 'efk_backup_last_success_timestamp_seconds',
    help: 'When the server last backed up its SQLite database (BACKUP_EVERY_HOURS): alert when it is too long ago',
    registers: [this.registry],
  });
  readonly connectionErrors = new Counter({
    name: 'efk_db_connection_errors_total',
    help: 'Idle PostgreSQL connections lost (a restart, a failover, a proxy closing them); new ones open when needed',
    registers: [this.registry],
  });
  readonly database = new Histogram({
    name: 'efk_db_query_duration_seconds',
    help: 'Database query latency',
    labelNames: ['outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'efk_' });
  }

  /** Reports `count()` (read at each scrape) as the devices silent for QUIET_DEVICE_DAYS: see SyncStore.quietDevices. */
  countQuietDevices(count: () => Promise<number>): void {
    this._deviceGauge(
      'efk_devices_quiet',
      'Devices in a team that have not reached the server for 30 days or more: if no longer used, revoke them (npm run team -- revoke); if lost, erase them (npm run team -- erase)',
      count,
    );
  }

  /** Reports `count()` (read at each scrape) as the devices whose clock is set apart: see SyncStore.clockApartDevices. */
  countClockApart(count: () => Promise<number>): void {
    this._deviceGauge(
      'efk_devices_clock_apart',
      "Devices in a team whose last push showed their clock 2 minutes or more from the server's: npm run team -- list names them; their users are told to set it to update automatically",
      count,
    );
  }

  /** Reports `count()` (read at each scrape) as the requests waiting for a team's next change. */
  countWaitingForChanges(count: () => number): void {
    this._deviceGauge(
      'efk_changes_waiting',
      "Devices waiting for their team's next change (GET /api/changes, up to 25 s each): one open connection each, about one for every kit open on a phone in a team",
      async () => count(),
    );
  }

  /**
   * Reports `listening()` (read at each scrape) as whether this instance hears the other instances'
   * changes (PostgreSQL's LISTEN; see server/db/listen.ts): 0 for long is a connection that cannot
   * be opened again, and devices waiting here see others' changes only at their wait's end.
   */
  reportListening(listening: () => boolean): void {
    new Gauge({
      name: 'efk_changes_listening',
      help: "1 while this instance hears other instances' changes on its database (PostgreSQL LISTEN); 0 while its connection for that is being opened again: alert when 0 for minutes",
      registers: [this.registry],
      collect() {
        this.set(listening() ? 1 : 0);
      },
    });
  }

  /**
   * A count of devices, read at each scrape. When the database cannot be read it keeps its last
   * value: one failing count failed the whole scrape, so a database outage hid every metric (the
   * connection errors, the failing requests, whether instances hear each other) just when they tell most.
   */
  private _deviceGauge(name: string, help: string, count: () => Promise<number>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const n = await count().catch(() => undefined);
        if (n !== undefined) this.set(n);
      },
    });
  }
}
