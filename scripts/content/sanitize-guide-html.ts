import sanitizeHtml from 'sanitize-html';

/**
 * The only markup a guide may contain once built. The HTML comes from our own Markdown, but it is
 * filtered anyway so that a careless edit to a content file can never put script into the app.
 */
const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'ul', 'ol', 'li', 'strong', 'em', 'b', 'i', 'a', 'code', 'pre', 'blockquote', 'br', 'hr', 'span',
    'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'abbr', 'sup', 'sub',
  ],
  allowedAttributes: {
    a: ['href', 'target', 'rel', 'class', 'data-section'],
    span: ['class', 'lang'],
    abbr: ['title'],
    th: ['scope'],
    ol: ['start'],
  },
  allowedClasses: {
    a: ['external', 'in-kit'],
    span: ['not-in-kit', 'not-in-kit-note', 'visually-hidden', 'needs-connection'],
  },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

export function sanitizeGuideHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
