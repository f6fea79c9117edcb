import type { InstanceKey, InstanceRecord } from '../model';

/**
 * Reads of other instances a run makes, batched: every look-up asked for in the same turn of the
 * event loop goes out as one query. A parent waiting for a thousand children replays a thousand
 * waits at once; they cost one round trip, not a thousand.
 */
export class InstanceReads {
  private pending: { key: InstanceKey; settle: (found: Promise<InstanceRecord | null>) => void }[] = [];

  constructor(private readonly readMany: (keys: InstanceKey[]) => Promise<InstanceRecord[]>) {}

  find(key: InstanceKey): Promise<InstanceRecord | null> {
    return new Promise<InstanceRecord | null>((resolve) => {
      if (!this.pending.length) setImmediate(() => this.flush());
      this.pending.push({ key, settle: resolve });
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    const read = this.readMany(batch.map((entry) => entry.key)).then(
      (rows) => new Map(rows.map((row) => [keyText(row), row])),
    );
    for (const entry of batch) entry.settle(read.then((rows) => rows.get(keyText(entry.key)) ?? null));
  }
}

function keyText(key: InstanceKey): string {
  return JSON.stringify([key.workflowName, key.instanceId]);
}
