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

  it('says of an action it does not retry that it was not done, why, and to try again', () => {
    const full = toStorageWriteError(new DOMException('full', 'QuotaExceededError'));
    expect(full.notDone('The draft was not copied')).to.equal(
      'The draft was not copied: this device is out of storage space. Nothing was changed. Free up some space, then try again.',
    );
    const closed = toStorageWriteError(new DOMException('closing', 'InvalidStateError'));
    expect(closed.notDone('The draft was not deleted')).to.equal(
      'The draft was not deleted: the device’s storage is not answering. Nothing was changed. Try again; if it goes on, close the kit and open it again.',
    );
    for (const said of [full, closed, toStorageWriteError('??')].map((e) => e.notDone('Not done')))
      expect(said).not.to.contain('keeps trying');
  });
});
