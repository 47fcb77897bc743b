/** Words a field worker may type in a right-to-left script (Arabic: "We need more buses"). */
export const ARABIC = 'نحتاج حافلات أكثر';

/** A device or team name in Arabic ("Sara's phone"). */
export const ARABIC_NAME = 'هاتف سارة';

/** Whether an element, or the element a user's text is in, reads right to left. */
export function readsRightToLeft(el: Element): boolean {
  return el.matches(':dir(rtl)');
}

/** The element in `root` whose whole text is `text`: where a user's words sit in a sentence. */
export function elementWithText(root: ParentNode, text: string): Element {
  const found = [...root.querySelectorAll('*')].find((e) => e.textContent === text);
  if (!found) throw new Error(`no element holds just “${text}”`);
  return found;
}

/** Where `text` is drawn inside `block`, as a box in CSS px (the first place it occurs in the text). */
export function boxOf(block: Element, text: string): DOMRect {
  const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent!.indexOf(text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + text.length);
    return range.getBoundingClientRect();
  }
  throw new Error(`“${text}” is not in the block`);
}

/**
 * Where the line of `text` inside `block` starts and ends, in CSS px from the block's own left and
 * right edges: a paragraph laid out left to right starts at 0 from the left, one laid out right to
 * left ends at 0 from the right.
 */
export function lineGaps(block: Element, text: string): { readonly left: number; readonly right: number } {
  const line = boxOf(block, text);
  const box = block.getBoundingClientRect();
  return { left: Math.round(line.left - box.left), right: Math.round(box.right - line.right) };
}
