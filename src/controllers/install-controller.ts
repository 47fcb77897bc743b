import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Chromium's install prompt event, which TypeScript's DOM types do not describe. */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** What the browser offers for putting the kit on the home screen. */
export type InstallOption = 'prompt' | 'ios-steps' | 'installed' | 'none';

function isIosSafari(nav: Navigator): boolean {
  // iPadOS reports itself as a Mac; touch points tell them apart.
  const ios = /iPad|iPhone|iPod/.test(nav.userAgent) || (nav.userAgent.includes('Macintosh') && nav.maxTouchPoints > 1);
  return ios && !/CriOS|FxiOS|EdgiOS/.test(nav.userAgent);
}

function isStandalone(): boolean {
  const nav = navigator as Navigator & { standalone?: boolean };
  return window.matchMedia('(display-mode: standalone)').matches || nav.standalone === true;
}

/**
 * Tracks whether the kit can be installed. The "Install app" button exists only while the browser
 * has offered installation; iOS Safari never offers it, so there the user is shown the steps.
 */
export class InstallController implements ReactiveController {
  private _prompt: BeforeInstallPromptEvent | null = null;
  private _installed = isStandalone();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onInstalled: () => void = () => undefined,
  ) {
    host.addController(this);
  }

  get option(): InstallOption {
    if (this._installed) return 'installed';
    if (this._prompt) return 'prompt';
    return isIosSafari(navigator) ? 'ios-steps' : 'none';
  }

  hostConnected(): void {
    window.addEventListener('beforeinstallprompt', this._onPrompt);
    window.addEventListener('appinstalled', this._onInstalled);
  }

  hostDisconnected(): void {
    window.removeEventListener('beforeinstallprompt', this._onPrompt);
    window.removeEventListener('appinstalled', this._onInstalled);
  }

  /** Shows the browser's install dialog; the prompt can be used once. */
  async install(): Promise<void> {
    const prompt = this._prompt;
    if (!prompt) return;
    this._prompt = null;
    await prompt.prompt();
    const { outcome } = await prompt.userChoice;
    if (outcome === 'accepted') this._onInstalled();
    this.host.requestUpdate();
  }

  private readonly _onPrompt = (event: Event): void => {
    // Keep the browser's mini-infobar away; the kit offers installation in its own words.
    event.preventDefault();
    this._prompt = event as BeforeInstallPromptEvent;
    this.host.requestUpdate();
  };

  private readonly _onInstalled = (): void => {
    if (this._installed) return;
    this._installed = true;
    this._prompt = null;
    this.onInstalled();
    this.host.requestUpdate();
  };
}
