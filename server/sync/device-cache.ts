/**
 * Devices as last read by their token's hash, for a short while. Every API request names its
 * device by token, and under load reading it was a quarter of a push's time (the read after each
 * durable commit finds the CPU's caches cold). What a cached device can be wrong about is
 * bounded: this instance forgets a device the moment it renames or revokes it; another instance
 * (or the team CLI) is heard within `ttlMs`; and a push checks revocation again in its own
 * transaction, so a revoked device's changes are refused at once everywhere.
 */
export class DeviceCache<D extends { readonly id: string }> {
  private readonly _entries = new Map<string, { readonly device: D; readonly until: number }>();
  private _forgets = 0;

  constructor(
    private readonly ttlMs: number,
    /** Devices held at most; the longest held goes first (a server's devices, not attackers' tokens: misses are not held). */
    private readonly maxSize = 10_000,
  ) {}

  get(tokenHash: string): D | undefined {
    const entry = this._entries.get(tokenHash);
    if (!entry) return undefined;
    if (performance.now() < entry.until) return entry.device;
    this._entries.delete(tokenHash);
    return undefined;
  }

  /** What to hand `set` with a device read from now on: tells it whether a forget came meanwhile. */
  get mark(): number {
    return this._forgets;
  }

  /** Holds a device read since `mark`, unless a device was forgotten meanwhile (the read may predate that change). */
  set(tokenHash: string, device: D, mark: number): void {
    if (this.ttlMs <= 0 || mark !== this._forgets) return;
    this._entries.delete(tokenHash);
    if (this._entries.size >= this.maxSize) this._entries.delete(this._entries.keys().next().value!);
    this._entries.set(tokenHash, { device, until: performance.now() + this.ttlMs });
  }

  /** Forgets a device whose stored row this instance has just changed. */
  forget(deviceId: string): void {
    this._forgets += 1;
    for (const [hash, entry] of this._entries) if (entry.device.id === deviceId) this._entries.delete(hash);
  }
}
