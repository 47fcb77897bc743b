// Loaded before every browser test: the page gets the app's own document styles, as in the app,
// so layout and contrast checks see real sizes and colours.
import { globalStyles } from '../../../src/styles/global-styles.js';
import { sharedStyles } from '../../../src/styles/shared-styles.js';
import { shellStyles } from '../../../src/styles/shell-styles.js';

document.documentElement.lang = 'en-AU';
document.adoptedStyleSheets = [globalStyles, sharedStyles, shellStyles].map((s) => s.styleSheet!);
