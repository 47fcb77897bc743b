import { css } from 'lit';

/**
 * Design tokens and page-level rules, adopted by the document. Custom properties inherit into
 * every shadow root, so components style themselves from these names only.
 * Colours follow GOV.UK's palette in light mode; every text pair meets WCAG AA (4.5:1) or better.
 */
export const globalStyles = css`
  :root {
    color-scheme: light dark;
    --font-body: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --font-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    --text-base: clamp(1rem, 0.94rem + 0.3vw, 1.1875rem);
    --text-small: 0.9rem;
    --text-h1: clamp(1.75rem, 1.4rem + 1.6vw, 2.5rem);
    --text-h2: clamp(1.375rem, 1.2rem + 0.8vw, 1.75rem);
    --text-h3: clamp(1.125rem, 1.05rem + 0.4vw, 1.375rem);
    --leading: 1.55;
    --space-1: 0.25rem;
    --space-2: 0.5rem;
    --space-3: 1rem;
    --space-4: 1.5rem;
    --space-5: 2rem;
    --space-6: 3rem;
    --measure: 42rem;
    --radius: 0.25rem;
    --target: 2.75rem;

    --color-text: #0b0c0c;
    --color-text-secondary: #484949;
    --color-background: #ffffff;
    --color-surface: #f3f2f1;
    --color-border: #b1b4b6;
    --color-link: #1d70b8;
    --color-link-visited: #4c2c92;
    --color-link-hover: #003078;
    --color-brand: #0b3d91;
    --color-on-brand: #ffffff;
    --color-accent: #00703c;
    --color-on-accent: #ffffff;
    --color-warning: #8a2e00;
    --color-notice-bg: #fff7bf;
    --color-focus-ring: #0b0c0c;
    --color-focus-halo: #ffdd00;
  }

  /* Dark on screen only: paper is white and drops backgrounds, and the dark palette's light text
     printed grey (the browser darkens it only so far) and its links pale blue. */
  @media screen and (prefers-color-scheme: dark) {
    :root {
      --color-text: #f3f2f1;
      --color-text-secondary: #c8cacb;
      --color-background: #121416;
      --color-surface: #1e2226;
      --color-border: #6f777b;
      --color-link: #8fc3ff;
      --color-link-visited: #cdb4ff;
      --color-link-hover: #c4e0ff;
      --color-brand: #15263f;
      --color-on-brand: #ffffff;
      --color-accent: #5fd48f;
      --color-on-accent: #0b0c0c;
      --color-warning: #ffb38a;
      --color-notice-bg: #3a3300;
      --color-focus-ring: #ffdd00;
      --color-focus-halo: #0b0c0c;
    }
  }

  @media print {
    :root {
      color-scheme: light;
    }
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  html {
    -webkit-text-size-adjust: 100%;
    text-size-adjust: 100%;
  }

  body {
    margin: 0;
    min-height: 100vh;
    background: var(--color-background);
    color: var(--color-text);
    font-family: var(--font-body);
    font-size: var(--text-base);
    line-height: var(--leading);
    overflow-wrap: break-word;
  }

  @media (prefers-reduced-motion: no-preference) {
    html {
      scroll-behavior: smooth;
    }
  }
`;
