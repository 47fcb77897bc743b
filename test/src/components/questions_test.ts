import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { FieldChangeEvent } from '../../../src/components/field-events.js';
import '../../../src/components/question-channels.js';
import type { QuestionChannels } from '../../../src/components/question-channels.js';
import '../../../src/components/question-choice.js';
import type { QuestionChoice } from '../../../src/components/question-choice.js';
import '../../../src/components/question-date.js';
import type { QuestionDate } from '../../../src/components/question-date.js';
import '../../../src/components/question-text.js';
import type { QuestionText } from '../../../src/components/question-text.js';
import { TEXT_MAX, type Channel, type Question, type Worksheet } from '../../../src/content/worksheet.js';
import { describeValue } from '../../../src/text/describe-value.js';
import { ARABIC, elementWithText, readsRightToLeft } from '../support/bidi.js';
import { builtWorksheet } from '../support/built-worksheet.js';

function question<T extends Question['type']>(worksheet: Worksheet, type: T): Extract<Question, { type: T }> {
  return worksheet.questions.find((q) => q.type === type) as Extract<Question, { type: T }>;
}

describe('question elements', () => {
  let worksheet: Worksheet;
  before(async () => {
    worksheet = await builtWorksheet();
  });

  it('question-text: labelled by the question, reports each edit and leaving the field', async () => {
    const q = question(worksheet, 'text');
    const el = await fixture<QuestionText>(
      html`<question-text .question=${q} .value=${'draft answer'}></question-text>`,
    );
    const textarea = el.shadowRoot!.querySelector('textarea')!;
    expect(textarea.value).to.equal('draft answer');
    expect(textarea.labels[0]!.textContent).to.equal(q.label);
    expect(textarea.maxLength).to.equal(TEXT_MAX, 'no longer than the team’s server takes');
    textarea.value = 'new answer';
    setTimeout(() => textarea.dispatchEvent(new InputEvent('input')));
    const change = (await oneEvent(el, 'field-change')) as FieldChangeEvent;
    expect([change.key, change.value]).to.deep.equal([q.id, 'new answer']);
    textarea.focus();
    setTimeout(() => textarea.blur());
    await oneEvent(el, 'field-commit');
    await expect(el).to.be.accessible();
  });

  it('question-choice: a group of checkboxes named by the question, stored in the worksheet’s order', async () => {
    const q = question(worksheet, 'choice');
    const el = await fixture<QuestionChoice>(
      html`<question-choice .question=${q} .value=${['service-support']}></question-choice>`,
    );
    const legend = el.shadowRoot!.querySelector('legend')!;
    expect(legend.textContent).to.equal(q.label);
    const boxes = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map((b) => b.labels![0]!.textContent)).to.deep.equal([
      'Communication',
      'Consultation',
      'Co-development and crowdsourcing',
      'Service support',
    ]);
    expect(boxes[3]!.checked).to.equal(true);
    setTimeout(() => boxes[0]!.click());
    const change = (await oneEvent(el, 'field-change')) as FieldChangeEvent;
    expect(change.value).to.deep.equal(['communication', 'service-support']);
    await expect(el).to.be.accessible();
  });

  it('question-choice: reads one option held as its id alone (as the team’s server once stored it) as chosen', async () => {
    const q = question(worksheet, 'choice');
    const el = await fixture<QuestionChoice>(
      html`<question-choice .question=${q} .value=${'consultation'}></question-choice>`,
    );
    const boxes = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map((b) => b.checked)).to.deep.equal([false, true, false, false]);
    expect(describeValue(q, 'consultation')).to.equal('Consultation');
    setTimeout(() => boxes[3]!.click());
    const change = (await oneEvent(el, 'field-change')) as FieldChangeEvent;
    expect(change.value, 'written back as a list').to.deep.equal(['consultation', 'service-support']);
    await expect(el).to.be.accessible();
  });

  it('question-channels: adds, edits and removes channels, keeping focus in place', async () => {
    const q = question(worksheet, 'channels');
    const el = await fixture<QuestionChannels>(html`<question-channels .question=${q}></question-channels>`);
    expect(el.shadowRoot!.textContent).to.contain('No channels added yet.');
    const add = el.shadowRoot!.querySelector<HTMLButtonElement>('#add')!;
    setTimeout(() => add.click());
    let change = (await oneEvent(el, 'field-change')) as FieldChangeEvent;
    expect(change.value).to.have.length(1);
    await el.updateComplete;
    const name = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="text"]')!;
    expect(el.shadowRoot!.activeElement).to.equal(name, 'focus moves to the new channel’s name');
    expect(name.labels![0]!.textContent).to.equal('Name of channel 1');
    name.value = 'Local radio';
    setTimeout(() => name.dispatchEvent(new InputEvent('input')));
    change = (await oneEvent(el, 'field-change')) as FieldChangeEvent;
    expect((change.value as Channel[])[0]!.name).to.equal('Local radio');
    await el.updateComplete;
    const note = el.shadowRoot!.querySelector('textarea')!;
    expect(note.labels[0]!.textContent).to.equal('Strengths and weaknesses of Local radio');
    expect([name.maxLength, note.maxLength]).to.deep.equal([TEXT_MAX, TEXT_MAX]);
    await expect(el).to.be.accessible();
    const remove = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Remove'))!;
    expect(remove.textContent!.trim()).to.equal('Remove Local radio');
    // As drawn: the button lays its content out as flex items, and a name set apart on its own
    // once lost the space before it ("RemoveLocal radio").
    expect(remove.innerText).to.equal('Remove Local radio');
    setTimeout(() => remove.click());
    change = (await oneEvent(el, 'field-change')) as FieldChangeEvent;
    expect(change.value).to.deep.equal([]);
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(add, 'focus goes to Add, not the page start');
  });

  it('question-text and question-channels: words typed in a right-to-left script read right to left', async () => {
    const text = await fixture<QuestionText>(
      html`<question-text .question=${question(worksheet, 'text')} .value=${ARABIC}></question-text>`,
    );
    const answer = text.shadowRoot!.querySelector('textarea')!;
    expect(readsRightToLeft(answer), 'Arabic runs from the right').to.equal(true);
    // Each paragraph takes its own words' direction: an English note above an Arabic quote.
    expect(getComputedStyle(answer).unicodeBidi).to.equal('plaintext');
    answer.value = 'More buses';
    answer.dispatchEvent(new InputEvent('input'));
    expect(readsRightToLeft(answer), 'English runs from the left again').to.equal(false);

    const channels = await fixture<QuestionChannels>(
      html`<question-channels
        .question=${question(worksheet, 'channels')}
        .value=${[{ id: 'c', name: ARABIC, note: ARABIC }]}
      ></question-channels>`,
    );
    const root = channels.shadowRoot!;
    expect(readsRightToLeft(root.querySelector('input[type="text"]')!)).to.equal(true);
    expect(readsRightToLeft(root.querySelector('textarea')!)).to.equal(true);
    // Inside the English label and button, the name is set apart: its direction does not reorder theirs.
    expect(readsRightToLeft(elementWithText(root.querySelector('label[for="note-c"]')!, ARABIC))).to.equal(true);
    expect(readsRightToLeft(elementWithText(root.querySelector('li button')!, ARABIC))).to.equal(true);
    await expect(channels).to.be.accessible();
  });

  it('question-date: a date field labelled by the question', async () => {
    const q = question(worksheet, 'date');
    const el = await fixture<QuestionDate>(html`<question-date .question=${q} .value=${'2027-03-01'}></question-date>`);
    const input = el.shadowRoot!.querySelector('input')!;
    expect(input.type).to.equal('date');
    expect(input.value).to.equal('2027-03-01');
    expect(input.labels![0]!.textContent).to.equal('Next review date');
    await expect(el).to.be.accessible();
  });
});
