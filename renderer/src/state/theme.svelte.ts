import { load, save } from './storage';

export type ThemeMode = 'system' | 'light' | 'dark';
const KEY = 'brook.theme';
const isMode = (value: unknown): value is ThemeMode => value === 'system' || value === 'light' || value === 'dark';

/** Light or dark: follows prefers-color-scheme until the user picks one. */
export class ThemeState {
  mode = $state<ThemeMode>(load(KEY, 'system', isMode));
  private systemDark = $state(false);
  readonly resolved = $derived<'light' | 'dark'>(this.mode === 'system' ? (this.systemDark ? 'dark' : 'light') : this.mode);

  constructor() {
    const query = matchMedia('(prefers-color-scheme: dark)');
    this.systemDark = query.matches;
    query.addEventListener('change', (event) => (this.systemDark = event.matches));
    $effect.root(() => {
      $effect(() => applyTheme(this.resolved));
    });
    applyTheme(this.resolved);
  }

  set(mode: ThemeMode): void {
    this.mode = mode;
    save(KEY, mode);
  }

  /** The header toggle: flips what is shown now (leaving "system"). */
  toggle(): void {
    this.set(this.resolved === 'dark' ? 'light' : 'dark');
  }
}

function applyTheme(theme: 'light' | 'dark'): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}
