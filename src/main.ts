import { globalStyles } from './styles/global-styles.js';
import './components/app-shell.js';

// Page-level styles are adopted rather than inlined, so the CSP needs no 'unsafe-inline'.
if (globalStyles.styleSheet) document.adoptedStyleSheets = [...document.adoptedStyleSheets, globalStyles.styleSheet];
