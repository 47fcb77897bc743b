import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { buildGuidesFromDir } from '../../../scripts/content/build-guides.js';
import { buildWorksheet } from '../../../scripts/content/build-worksheet.js';
import { ContentError } from '../../../scripts/content/content-error.js';
import type { Guide } from '../../../src/content/guide.js';
import { ROOT } from '../../support/build-app.js';

describe('building the worksheet', () => {
  let guides: Guide[];
  let source: string;
  before(async () => {
    ({ guides } = await buildGuidesFromDir(path.join(ROOT, 'content')));
    source = await readFile(path.join(ROOT, 'content/worksheet.yaml'), 'utf8');
  });

  /** The build's error for the kit's worksheet changed by `edit`. */
  function errorOf(edit: (yaml: string) => string): ContentError {
    try {
      buildWorksheet('worksheet.yaml', edit(source), guides);
    } catch (error) {
      assert.ok(error instanceof ContentError, String(error));
      return error;
    }
    assert.fail('the build took it');
  }

  it('builds the kit’s worksheet, every question quoting the guide section it names', () => {
    const worksheet = buildWorksheet('worksheet.yaml', source, guides);
    assert.equal(worksheet.id, 'engagement-strategy');
    assert.ok(worksheet.questions.length >= 10);
    assert.equal(worksheet.retired, undefined, 'no question taken out yet');
    const develop = worksheet.questions.filter((q) => q.guidance.section === 'develop');
    assert.ok(develop.length >= 8, 'the guide’s “Develop an engagement strategy” points');
  });

  it('reads every quote whole: a comma inside { … } would end it, and the rest is refused, not dropped', () => {
    const worksheet = buildWorksheet('worksheet.yaml', source, guides);
    const audience = worksheet.questions.find((q) => q.id === 'audience')!;
    assert.equal(
      audience.guidance.quote,
      'who your audience is, where they are, how to reach them, and what they can (broadly) contribute',
    );
    const unquoted = errorOf((yaml) =>
      yaml.replace(
        "quote: 'who your audience is, where they are, how to reach them, and what they can (broadly) contribute'",
        'quote: who your audience is, where they are, how to reach them, and what they can (broadly) contribute',
      ),
    );
    assert.match(unquoted.reason, /question 3: guidance: "where they are" is not one of section, quote \(inside/);
  });

  it('says what falls due on a date question, and only on one', () => {
    const review = buildWorksheet('worksheet.yaml', source, guides).questions.find((q) => q.id === 'review');
    assert.deepEqual([review?.type, review?.type === 'date' && review.due], ['date', 'Review']);
    const onText = errorOf((yaml) => yaml.replace('  - id: achieve\n    type: text\n', '  - id: achieve\n    type: text\n    due: Review\n'));
    assert.match(onText.reason, /question 2: only a date question can say what is "due" on it/);
    const empty = errorOf((yaml) => yaml.replace('    due: Review\n', "    due: ''\n"));
    assert.match(empty.reason, /"due" must be non-empty text/);
  });

  it('stops at a quote the guide does not say, naming the line', () => {
    const error = errorOf((yaml) => yaml.replace('what you’re trying to achieve and', 'what you are trying to achieve and'));
    const line = source.split('\n').findIndex((l) => l.includes('quote: what you’re trying to achieve')) + 1;
    assert.equal(error.line, line);
    assert.match(error.reason, /question 2: the quote "what you are trying to achieve.*" is not in the/);
  });

  it('stops when the guide gains a point of its strategy that no question asks, or a question asks only part of one', () => {
    const extended = guides.map((g) => ({
      ...g,
      sections: g.sections.map((s) =>
        s.id === 'develop'
          ? { ...s, html: s.html.replace('</ul>', '<li>how you will <em>evaluate</em> the engagement</li>\n</ul>') }
          : s,
      ),
    }));
    assert.ok(extended.some((g) => g.sections.some((s) => s.html.includes('evaluate'))), 'the guide has the point');
    let error: unknown;
    try {
      buildWorksheet('worksheet.yaml', source, extended);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ContentError, String(error));
    assert.match(
      error.reason,
      /covers: the "Develop an engagement strategy" point "how you will evaluate the engagement" has no question/,
    );
    assert.equal(error.line, source.split('\n').findIndex((l) => l.startsWith('covers:')) + 1);
    const partly = errorOf((yaml) =>
      yaml.replace('quote: if you have a team with the right skills', 'quote: if you have a team'),
    );
    assert.match(partly.reason, /point "if you have a team with the right skills" has no question/);
    assert.match(errorOf((yaml) => yaml.replace('covers: [develop]', 'covers: [nowhere]')).reason, /"nowhere" is not a section/);
  });

  it('keeps the questions taken out, by id and label, and never lets a retired id be asked again', () => {
    const retired = `${source}retired:\n  - { id: budget, label: What the engagement may cost }\n`;
    assert.deepEqual(buildWorksheet('worksheet.yaml', retired, guides).retired, [
      { id: 'budget', label: 'What the engagement may cost' },
    ]);
    const reused = errorOf(() => `${source}retired:\n  - { id: achieve, label: Taken out yet still asked }\n`);
    assert.equal(reused.line, source.split('\n').length + 1);
    assert.match(reused.reason, /retired question 1: id "achieve" is still asked, or retired twice/);
    const twice = errorOf(() => `${retired}  - { id: budget, label: Again }\n`);
    assert.match(twice.reason, /retired question 2: id "budget"/);
    assert.match(errorOf(() => `${source}retired: budget\n`).reason, /"retired" must be a list/);
  });
});
