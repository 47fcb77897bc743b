import { isMap, isSeq, parseDocument, type Node } from 'yaml';
import type { Guide } from '../../src/content/guide.js';
import {
  CONTEXT_FIELDS,
  QUESTION_TYPES,
  type ChoiceOption,
  type Question,
  type RetiredQuestion,
  type QuestionType,
  type Worksheet,
} from '../../src/content/worksheet.js';
import { ContentError } from './content-error.js';

/** Section text as a reader sees it, to check quotes against: no tags, entities decoded, spaces normal. */
function plainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

function normalise(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}

/**
 * Reads and checks `content/worksheet.yaml` against the built guides: every question's guidance
 * must quote its guide section word for word, so the worksheet can never drift from the guide.
 */
export function buildWorksheet(file: string, source: string, guides: readonly Guide[]): Worksheet {
  const doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined): number => source.slice(0, offset ?? 0).split('\n').length;
  const firstError = doc.errors[0];
  if (firstError) throw new ContentError(file, lineOf(firstError.pos[0]), `not valid YAML: ${firstError.message.split('\n')[0]}`);
  const fail = (node: Node | null | undefined, reason: string): never => {
    throw new ContentError(file, lineOf(node?.range?.[0]), reason);
  };
  if (!isMap(doc.contents)) fail(doc.contents, 'the worksheet must be a set of "key: value" lines');
  const root = doc.contents as Node;

  const text = (parent: Node, key: string, where: string): string => {
    const node = isMap(parent) ? (parent.get(key, true) as Node | undefined) : undefined;
    const value = node && 'value' in node ? (node as { value: unknown }).value : undefined;
    if (typeof value !== 'string' || value.trim() === '') fail(node ?? parent, `${where}"${key}" must be non-empty text`);
    return normalise(value as string);
  };
  const id = (parent: Node, where: string): string => {
    const value = text(parent, 'id', where);
    if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value)) fail(parent, `${where}id "${value}" must be lower-case words joined by hyphens`);
    return value;
  };

  /**
   * Refuses a key `parent` should not have. Above all for YAML's flow style: in
   * `{ quote: who, where }` the comma ends the quote, and `where` becomes a key of its own, so a
   * quote cut short would otherwise pass the word-for-word check and show cut short in the app.
   */
  const only = (parent: Node, keys: readonly string[], where: string): void => {
    for (const pair of isMap(parent) ? parent.items : []) {
      const key = (pair.key as { value?: unknown } | null)?.value;
      if (typeof key !== 'string' || !keys.includes(key))
        fail((pair.key as Node | null) ?? parent, `${where}"${String(key)}" is not one of ${keys.join(', ')} (inside { … }, a comma ends a value: put a value with a comma in quotes)`);
    }
  };
  only(root, ['id', 'version', 'title', 'intro', 'guide', 'covers', 'questions', 'retired'], '');

  const guideSlug = text(root, 'guide', '');
  const guide = guides.find((g) => g.slug === guideSlug) ?? fail(root, `guide "${guideSlug}" is not in content/`);
  const versionNode = isMap(root) ? (root.get('version', true) as Node | undefined) : undefined;
  const version = versionNode && 'value' in versionNode ? (versionNode as { value: unknown }).value : undefined;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) fail(versionNode ?? root, '"version" must be a whole number from 1');

  const questionsNode = isMap(root) ? (root.get('questions', true) as Node | undefined) : undefined;
  if (!isSeq(questionsNode) || questionsNode.items.length === 0) fail(questionsNode ?? root, '"questions" must be a non-empty list');
  const seen = new Set<string>(CONTEXT_FIELDS);
  const questions = (questionsNode as unknown as { items: Node[] }).items.map((q, i): Question => {
    const where = `question ${i + 1}: `;
    if (!isMap(q)) fail(q, `${where}must be a set of "key: value" lines`);
    only(q, ['id', 'type', 'label', 'hint', 'guidance', 'options', 'due'], where);
    const qid = id(q, where);
    if (seen.has(qid)) fail(q, `${where}id "${qid}" is used twice (or is one of ${CONTEXT_FIELDS.join(', ')})`);
    seen.add(qid);
    const type = text(q, 'type', where) as QuestionType;
    if (!QUESTION_TYPES.includes(type)) fail(q, `${where}type "${type}" is not one of ${QUESTION_TYPES.join(', ')}`);
    const guidanceNode = isMap(q) ? (q.get('guidance', true) as Node | undefined) : undefined;
    if (!isMap(guidanceNode)) fail(guidanceNode ?? q, `${where}needs "guidance" with the guide section and quote behind it`);
    only(guidanceNode as Node, ['section', 'quote'], `${where}guidance: `);
    const sectionId = text(guidanceNode as Node, 'section', where);
    const section = guide.sections.find((s) => s.id === sectionId) ?? fail(guidanceNode, `${where}section "${sectionId}" is not a section of ${guide.slug}`);
    const quote = text(guidanceNode as Node, 'quote', where);
    if (!plainText(section.html).includes(quote)) fail(guidanceNode, `${where}the quote "${quote}" is not in the "${section.title}" section of ${guide.slug}`);
    const base = {
      id: qid,
      label: text(q, 'label', where),
      hint: text(q, 'hint', where),
      guidance: { guide: guide.slug, section: section.id, sectionTitle: section.title, quote },
    };
    if (type === 'date') {
      if (!isMap(q) || !q.has('due')) return { ...base, type };
      return { ...base, type, due: text(q, 'due', where) };
    }
    if (isMap(q) && q.has('due')) fail(q, `${where}only a date question can say what is "due" on it`);
    if (type !== 'choice') return { ...base, type };
    const optionsNode = isMap(q) ? (q.get('options', true) as Node | undefined) : undefined;
    if (!isSeq(optionsNode) || optionsNode.items.length < 2) fail(optionsNode ?? q, `${where}a choice needs at least two "options"`);
    const options = (optionsNode as unknown as { items: Node[] }).items.map((o, k): ChoiceOption => {
      const at = `${where}option ${k + 1}: `;
      only(o, ['id', 'label', 'hint'], at);
      return { id: id(o, at), label: text(o, 'label', at), hint: text(o, 'hint', at) };
    });
    return { ...base, type, options };
  });

  // Sections whose every point the worksheet asks: a point the department adds to the guide stops
  // the build until a question quotes it, rather than the worksheet falling behind unseen.
  const coversNode = isMap(root) ? (root.get('covers', true) as Node | undefined) : undefined;
  if (coversNode && !isSeq(coversNode)) fail(coversNode, '"covers" must be a list of guide section ids, as [develop]');
  for (const item of (coversNode as unknown as { items: Node[] } | undefined)?.items ?? []) {
    const sectionId = item && 'value' in item ? (item as { value: unknown }).value : undefined;
    const section = guide.sections.find((s) => s.id === sectionId) ?? fail(item, `covers: "${String(sectionId)}" is not a section of ${guide.slug}`);
    const points = [...section.html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => plainText(m[1]!));
    if (points.length === 0) fail(item, `covers: the "${section.title}" section has no list of points`);
    const whole = (t: string): string => t.replace(/\.$/, '');
    const asked = new Set(questions.filter((q) => q.guidance.section === section.id).map((q) => whole(q.guidance.quote)));
    for (const point of points)
      if (!asked.has(whole(point)))
        fail(item, `covers: the "${section.title}" point "${point}" has no question; add one whose guidance quotes it whole ({ section: ${section.id}, quote: '…' })`);
  }

  // Questions taken out: an answer a draft already holds to one keeps its question's words.
  const retiredNode = isMap(root) ? (root.get('retired', true) as Node | undefined) : undefined;
  if (retiredNode && !isSeq(retiredNode)) fail(retiredNode, '"retired" must be a list of questions taken out (id and label)');
  const retired = ((retiredNode as unknown as { items: Node[] } | undefined)?.items ?? []).map((q, i): RetiredQuestion => {
    const where = `retired question ${i + 1}: `;
    if (!isMap(q)) fail(q, `${where}must be a set of "key: value" lines`);
    only(q, ['id', 'label'], where);
    const qid = id(q, where);
    if (seen.has(qid)) fail(q, `${where}id "${qid}" is still asked, or retired twice: a retired id is never used again`);
    seen.add(qid);
    return { id: qid, label: text(q, 'label', where) };
  });

  return {
    id: id(root, ''),
    version: version as number,
    title: text(root, 'title', ''),
    intro: text(root, 'intro', ''),
    guide: guide.slug,
    questions,
    ...(retired.length ? { retired } : {}),
  };
}
