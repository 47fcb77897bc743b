import { LitElement, css, html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { renderSVG } from 'uqr';

/**
 * The light margin around the code, in modules: four, as the QR standard (ISO/IEC 18004) asks. The
 * code's own white, not the page's: a page in dark mode must not eat into it.
 */
const QUIET_ZONE = 4;

/** A QR code of `value`, drawn on the device (no network), as an image with a text alternative. */
@customElement('qr-code')
export class QrCode extends LitElement {
  static override styles = css`
    img {
      display: block;
      width: 14rem;
      max-width: 100%;
      height: auto;
    }
  `;

  @property() value = '';

  /** What the code is, for people who cannot see it. */
  @property() label = '';

  private _src = '';

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('value')) {
      this._src = this.value
        ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderSVG(this.value, { ecc: 'M', border: QUIET_ZONE }))}`
        : '';
    }
  }

  override render() {
    return this._src ? html`<img alt=${this.label} src=${this._src} />` : html``;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'qr-code': QrCode;
  }
}
