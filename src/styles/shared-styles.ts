import { css } from 'lit';

/** Rules every view shares: type scale, links, focus, buttons and the visually hidden pattern. */
export const sharedStyles = css`
  :host {
    display: block;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  /* The worksheet's save status stays at the top of the screen; a control that takes focus
     scrolls clear of it rather than under it (WCAG 2.4.11, focus not obscured). */
  a,
  button,
  input,
  select,
  summary,
  textarea {
    scroll-margin-top: 3rem;
  }

  h1,
  h2,
  h3 {
    line-height: 1.2;
    margin: 0 0 var(--space-3);
    text-wrap: balance;
    /* Large type and large text settings: a long word breaks rather than running off the screen. */
    overflow-wrap: anywhere;
    hyphens: auto;
  }

  h1 {
    font-size: var(--text-h1);
    margin-bottom: var(--space-4);
  }

  h2 {
    font-size: var(--text-h2);
    margin-top: var(--space-5);
  }

  h3 {
    font-size: var(--text-h3);
    margin-top: var(--space-4);
  }

  p,
  ul,
  ol {
    margin: 0 0 var(--space-3);
    max-width: var(--measure);
  }

  li + li {
    margin-top: var(--space-2);
  }

  a {
    color: var(--color-link);
    text-decoration-thickness: max(1px, 0.0625rem);
    text-underline-offset: 0.15em;
  }

  a:visited {
    color: var(--color-link-visited);
  }

  a:hover {
    color: var(--color-link-hover);
    text-decoration-thickness: max(3px, 0.1875rem);
  }

  :focus-visible {
    outline: 3px solid var(--color-focus-ring);
    outline-offset: 2px;
    box-shadow: 0 0 0 6px var(--color-focus-halo);
  }

  /* Headings take focus on navigation so screen readers announce the new view; that is not a control. */
  [tabindex='-1']:focus {
    outline: none;
    box-shadow: none;
  }

  .lead {
    font-size: calc(var(--text-base) * 1.15);
    color: var(--color-text-secondary);
  }

  .meta {
    font-size: var(--text-small);
    color: var(--color-text-secondary);
  }

  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: var(--target);
    min-width: var(--target);
    padding: var(--space-2) var(--space-3);
    border: 2px solid transparent;
    border-radius: var(--radius);
    background: var(--color-accent);
    color: var(--color-on-accent);
    font: inherit;
    font-weight: 600;
    text-decoration: none;
    cursor: pointer;
    box-shadow: 0 2px 0 var(--color-text);
  }

  .button:visited {
    color: var(--color-on-accent);
  }

  .button.secondary {
    background: var(--color-surface);
    color: var(--color-text);
    border-color: var(--color-border);
  }

  .visually-hidden {
    position: absolute !important;
    width: 1px !important;
    height: 1px !important;
    margin: -1px !important;
    padding: 0 !important;
    overflow: hidden !important;
    clip: rect(0 0 0 0) !important;
    clip-path: inset(50%) !important;
    white-space: nowrap !important;
    border: 0 !important;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition: none !important;
      animation: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
