import { globalStyles } from './styles/global-styles.js';
import { sharedStyles } from './styles/shared-styles.js';
import { shellStyles } from './styles/shell-styles.js';
import './components/app-shell.js';

// Page-level styles are adopted rather than inlined, so the CSP needs no 'unsafe-inline'.
document.adoptedStyleSheets = [globalStyles, sharedStyles, shellStyles].map((s) => s.styleSheet!);
