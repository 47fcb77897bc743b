import { css } from 'lit';

/** Form controls in the GOV.UK manner: big, bordered, labelled above, hint below the label. */
export const formStyles = css`
  label,
  legend {
    display: block;
    font-weight: 700;
    margin-bottom: var(--space-1);
    max-width: var(--measure);
    /* A legend and a check's label are as wide as their longest word: at 200% text on a small
       phone, "consultation" in a heading was wider than the screen. */
    overflow-wrap: anywhere;
    hyphens: auto;
  }
  legend {
    padding: 0;
  }
  fieldset {
    border: 0;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
  .hint {
    color: var(--color-text-secondary);
    margin: 0 0 var(--space-2);
  }
  .author {
    margin: 0 0 var(--space-2);
  }
  input[type='text'],
  input[type='search'],
  input[type='date'],
  textarea {
    display: block;
    width: 100%;
    max-width: var(--measure);
    min-height: var(--target);
    padding: var(--space-2);
    border: 2px solid var(--color-text);
    border-radius: 0;
    background: var(--color-background);
    color: var(--color-text);
    font: inherit;
  }
  input[type='date'] {
    width: auto;
    /* Its natural width grows with the text: at 200% text on a small phone it was wider than the screen. */
    max-width: 100%;
  }
  textarea {
    /* Words in any script: each paragraph runs the way its own words do (with dir="auto" on
       the field), so an Arabic quote under an English note reads right to left. */
    unicode-bidi: plaintext;
    min-height: 7rem;
    resize: vertical;
    field-sizing: content;
  }
  input:focus-visible,
  textarea:focus-visible {
    outline: 3px solid var(--color-focus-ring);
    outline-offset: 0;
    box-shadow:
      inset 0 0 0 2px var(--color-focus-ring),
      0 0 0 6px var(--color-focus-halo);
  }
  .check {
    display: flex;
    gap: var(--space-2);
    align-items: flex-start;
    min-height: var(--target);
    padding: var(--space-1) 0;
  }
  .check input {
    flex: none;
    width: 1.75rem;
    height: 1.75rem;
    margin: 0.1rem 0 0;
    accent-color: var(--color-brand);
  }
  .check label {
    margin: 0;
    font-weight: 400;
  }
  .check .hint {
    margin: 0;
  }
`;
