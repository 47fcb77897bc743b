import type { FieldValue } from '../content/worksheet.js';

/** A field of a draft was edited: `value` is the whole new value of field `key`. */
export class FieldChangeEvent extends Event {
  static readonly type = 'field-change';
  constructor(
    readonly key: string,
    readonly value: FieldValue,
  ) {
    super(FieldChangeEvent.type, { bubbles: true, composed: true });
  }
}

/** The user left a field: a good moment to write pending edits at once. */
export class FieldCommitEvent extends Event {
  static readonly type = 'field-commit';
  constructor() {
    super(FieldCommitEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'field-change': FieldChangeEvent;
    'field-commit': FieldCommitEvent;
  }
}
