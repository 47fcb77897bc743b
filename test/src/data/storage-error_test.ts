import { expect } from '@open-wc/testing';
import { DatabaseUnavailableError } from '../../../src/data/db.js';
import { toStorageWriteError } from '../../../src/data/storage-error.js';

describe('toStorageWriteError', () => {
  it('recognises a full disk however the engine reports it', () => {
    expect(toStorageWriteError(new DOMException('full', 'QuotaExceededError')).kind).to.equal('quota');
    // Firefox and Safari have aborted the transaction and named the quota only in the message.
    expect(toStorageWriteError(new DOMException('Transaction aborted: quota exceeded', 'AbortError')).kind).to.equal(
      'quota',
    );
    const wrapped = Object.assign(new Error('aborted'), {
      name: 'AbortError',
      cause: new DOMException('x', 'QuotaExceededError'),
    });
    expect(toStorageWriteError(wrapped).kind).to.equal('quota');
  });

  it('tells an unavailable database from an unknown failure', () => {
    expect(toStorageWriteError(new DOMException('closing', 'InvalidStateError')).kind).to.equal('unavailable');
    expect(toStorageWriteError(new DatabaseUnavailableError('no answer')).kind).to.equal('unavailable');
    expect(toStorageWriteError(new DOMException('aborted', 'AbortError')).kind).to.equal('unknown');
    expect(toStorageWriteError('??').message).to.contain('could not be saved yet');
  });
});
