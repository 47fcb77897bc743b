import { css } from 'lit';

/** Styles of the app's frame (`app-shell` renders into the document, so these are adopted there). */
export const shellStyles = css`
  app-shell {
    display: flex;
    flex-direction: column;
    min-height: 100vh;
  }
  .skip-link {
    position: absolute;
    left: var(--space-2);
    top: -10rem;
    z-index: 10;
    padding: var(--space-2) var(--space-3);
    background: var(--color-focus-halo);
    color: #0b0c0c;
    font-weight: 600;
  }
  .skip-link:focus {
    top: var(--space-2);
  }
  .banner {
    background: var(--color-brand);
    color: var(--color-on-brand);
    border-bottom: 6px solid var(--color-accent);
  }
  .inner {
    max-width: 60rem;
    margin: 0 auto;
    padding: var(--space-2) var(--space-3);
  }
  .banner .inner {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--space-2);
  }
  .brand,
  .brand:visited,
  .brand:hover {
    display: inline-flex;
    align-items: center;
    min-height: var(--target);
    color: var(--color-on-brand);
    font-weight: 700;
    font-size: 1.125rem;
    text-decoration: none;
  }
  .notices {
    max-width: 60rem;
    margin: 0 auto;
    width: 100%;
    padding: 0 var(--space-3);
  }
  .notices > * {
    margin-top: var(--space-2);
  }
  main {
    flex: 1;
    width: 100%;
    /* The footer starts below the fold, so a view's content arriving never pushes it across the
       screen (Lighthouse measured that as a 0.095 layout shift). */
    min-height: 100vh;
  }
  main:focus {
    outline: none;
  }
  main .inner {
    padding-top: var(--space-4);
    padding-bottom: var(--space-6);
  }
  .site-footer {
    border-top: 1px solid var(--color-border);
    background: var(--color-surface);
    font-size: var(--text-small);
  }
  .site-footer p {
    margin: var(--space-2) 0;
  }
  /* Paper gets the view alone (a guide to read at a meeting, a draft to hand round): not the way
     round the app, nor what it says of its connection, sync or updates. */
  @media print {
    .skip-link,
    .banner,
    .notices,
    .site-footer {
      display: none !important;
    }
    main {
      min-height: 0;
    }
  }
`;
