import { expect } from '@open-wc/testing';
import {
  EXCERPT_CHARS,
  queryWords,
  searchGuides,
  type SearchableSection,
  type TextRange,
} from '../../../src/content/search-guides.js';

function section(sectionId: string, title: string, passages: string[], guideSlug = 'guide'): SearchableSection {
  return { guideSlug, guideTitle: 'A guide', sectionId, title, passages };
}

/** The stretches of `text` that `ranges` mark, as the page would highlight them. */
function markedIn(text: string, ranges: readonly TextRange[]): string[] {
  return ranges.map(([start, end]) => text.slice(start, end));
}

describe('searchGuides', () => {
  const sections = [
    section('a', 'Moderating comments', ['Answer comments within a day.', 'Keep a record.']),
    section('b', 'Planning', ['Plan what you will moderate, and who moderates comments out of hours.']),
    section('c', 'Places', ['Meet in Đà Nẵng or in the town hall.']),
  ];

  it('finds sections holding every word, as a word or the start of one, never inside one', () => {
    expect(searchGuides(sections, 'comments').map((h) => h.section.sectionId)).to.deep.equal(['a', 'b']);
    expect(searchGuides(sections, 'moderat comm').map((h) => h.section.sectionId)).to.deep.equal(['a', 'b']);
    expect(searchGuides(sections, 'comments record').map((h) => h.section.sectionId)).to.deep.equal(['a']);
    // "derat" is inside "moderating": no word starts with it.
    expect(searchGuides(sections, 'derat')).to.deep.equal([]);
    expect(searchGuides(sections, '  ,;  ')).to.deep.equal([]);
  });

  it('puts a section with the words in its title first, then the one where they occur most', () => {
    const hits = searchGuides(sections, 'moderat');
    expect(hits.map((h) => h.section.sectionId)).to.deep.equal(['a', 'b']);
    expect(markedIn(hits[0]!.section.title, hits[0]!.inTitle)).to.deep.equal(['Moderat']);
    expect(markedIn(hits[1]!.excerpts[0]!.text, hits[1]!.excerpts[0]!.marks)).to.deep.equal(['moderat', 'moderat']);
  });

  it('sets letter case and accents aside, and marks the words as the guide writes them', () => {
    const [hit] = searchGuides(sections, 'DA NANG');
    const excerpt = hit!.excerpts[0]!;
    expect(markedIn(excerpt.text, excerpt.marks)).to.deep.equal(['Đà Nẵng']);
    // An accent typed apart (a combining mark) finds the composed one too.
    expect(searchGuides(sections, 'Na\u0306ng')).to.have.length(1);
  });

  it('shows the passages that hold the words not in the title, in the guide’s order, each once', () => {
    const many = [
      section('s', 'Strategy', ['Who your audience is.', 'Nothing here.', 'What success looks like for the audience.']),
    ];
    const [hit] = searchGuides(many, 'success audience strategy');
    expect(markedIn(hit!.section.title, hit!.inTitle)).to.deep.equal(['Strategy']);
    // One passage holds both words left: it alone is shown.
    expect(hit!.excerpts.map((e) => e.text)).to.deep.equal(['What success looks like for the audience.']);
    const [split] = searchGuides([section('t', 'Tools', ['Twitter reaches many.', 'Forums go deeper.'])], 'forums twitter');
    expect(split!.excerpts.map((e) => e.text)).to.deep.equal(['Twitter reaches many.', 'Forums go deeper.']);
  });

  it('cuts a long passage down around the first word found, at word boundaries, and says it is cut', () => {
    const words = Array.from({ length: 80 }, (_, i) => `word${i}`);
    words[50] = 'feedback';
    const [hit] = searchGuides([section('x', 'Long', [words.join(' ')])], 'feedback');
    const { text, marks } = hit!.excerpts[0]!;
    expect(text.startsWith('… ')).to.equal(true);
    expect(text.endsWith(' …')).to.equal(true);
    expect(text.length).to.be.at.most(EXCERPT_CHARS + 4);
    expect(text).to.match(/^… word\d+ /, 'starts at a whole word');
    expect(markedIn(text, marks)).to.deep.equal(['feedback']);
  });

  it('marks overlapping words, and words a space apart, as one stretch', () => {
    const [hit] = searchGuides([section('o', 'Sharing', ['Shared notes, on social media and social, media.'])], 'share shared social media');
    expect(markedIn(hit!.excerpts[0]!.text, hit!.excerpts[0]!.marks)).to.deep.equal([
      'Shared',
      'social media',
      'social',
      'media',
    ]);
  });
});

describe('queryWords', () => {
  it('takes the words of a query once each, as they are compared, apostrophes and hyphens kept inside a word', () => {
    expect(queryWords('What’s  the  WHAT’S, in-depth plan?')).to.deep.equal(['what’s', 'the', 'in-depth', 'plan']);
  });
});
