// Loaded before every browser test: the page gets the app's own document styles, as in the app,
// so layout and contrast checks see real sizes and colours.
import { globalStyles } from '../../../src/styles/global-styles.js';
import { sharedStyles } from '../../../src/styles/shared-styles.js';
import { shellStyles } from '../../../src/styles/shell-styles.js';

document.documentElement.lang = 'en-AU';
document.adoptedStyleSheets = [globalStyles, sharedStyles, shellStyles].map((s) => s.styleSheet!);

// Every `to.be.accessible()` also checks WCAG 2.2's target size (2.5.8, AA), which axe leaves off
// by default: each control at least 24 by 24 CSS px, or spaced as if it were.
import 'axe-core/axe.min.js';
(window as unknown as { axe: { configure(spec: unknown): void } }).axe.configure({
  rules: [{ id: 'target-size', enabled: true }],
});
