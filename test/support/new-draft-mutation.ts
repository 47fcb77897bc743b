import { newDraftId } from '../../src/data/new-draft-id.js';
import type { Mutation } from '../../src/sync/protocol.js';

/** A mutation that creates a new draft with the given text fields, as a device would push it (its id made as a device makes one). */
export function newDraftMutation(
  seq: number,
  fields: Record<string, string>,
  draftId: string = newDraftId(),
): Mutation {
  return {
    seq,
    draftId,
    kind: 'upsert',
    worksheetId: 'engagement-strategy',
    worksheetVersion: 1,
    createdAt: 1,
    baseRev: 0,
    fields: Object.fromEntries(
      Object.entries(fields).map(([key, value]) => [key, { value, baseRev: 0, changedAt: seq }]),
    ),
  };
}
