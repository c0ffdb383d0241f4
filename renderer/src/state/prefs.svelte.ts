import { load, save } from './storage';

const KEY = 'brook.prefs';

interface Prefs {
  /** Ask for the most likely alternatives of every token (shown when hovering a token). */
  tokenAlternatives: boolean;
  sidebarOpen: boolean;
}

const DEFAULTS: Prefs = { tokenAlternatives: false, sidebarOpen: true };
const isPrefs = (value: unknown): value is Partial<Prefs> => typeof value === 'object' && value !== null;

/** The window's own preferences (not per conversation), kept in localStorage. */
export class PrefsState {
  tokenAlternatives = $state(DEFAULTS.tokenAlternatives);
  sidebarOpen = $state(DEFAULTS.sidebarOpen);

  constructor() {
    const stored = { ...DEFAULTS, ...load(KEY, {}, isPrefs) };
    this.tokenAlternatives = stored.tokenAlternatives === true;
    this.sidebarOpen = stored.sidebarOpen !== false;
  }

  /** top_n_tokens to send with a message: 5 alternatives when enabled. */
  get topNTokens(): number | undefined {
    return this.tokenAlternatives ? 5 : undefined;
  }

  setTokenAlternatives(on: boolean): void {
    this.tokenAlternatives = on;
    this.persist();
  }

  toggleSidebar(): void {
    this.sidebarOpen = !this.sidebarOpen;
    this.persist();
  }

  private persist(): void {
    save(KEY, { tokenAlternatives: this.tokenAlternatives, sidebarOpen: this.sidebarOpen });
  }
}
