import { getContext, setContext } from 'svelte';
import type { AppState } from './app.svelte';
import type { ChatState } from './chat.svelte';
import type { ConversationsState } from './conversations.svelte';
import type { EndpointPanelState } from './endpoint.svelte';
import type { PrefsState } from './prefs.svelte';
import type { ThemeState } from './theme.svelte';

/** Everything the components share, created once by App.svelte. */
export interface Brook {
  app: AppState;
  chat: ChatState;
  conversations: ConversationsState;
  endpoint: EndpointPanelState;
  prefs: PrefsState;
  theme: ThemeState;
  ui: UiState;
}

export type SidePanel = 'settings' | 'endpoint';

/** Which panels are open. One side panel at a time: chat settings or the Local API panel. */
export class UiState {
  panel = $state<SidePanel | null>(null);
  modelOpen = $state(false);

  get settingsOpen(): boolean {
    return this.panel === 'settings';
  }

  set settingsOpen(open: boolean) {
    this.show('settings', open);
  }

  get endpointOpen(): boolean {
    return this.panel === 'endpoint';
  }

  set endpointOpen(open: boolean) {
    this.show('endpoint', open);
  }

  private show(panel: SidePanel, open: boolean): void {
    if (open) this.panel = panel;
    else if (this.panel === panel) this.panel = null;
  }
}

const KEY = Symbol('brook');

export function setBrook(brook: Brook): void {
  setContext(KEY, brook);
}

export function useBrook(): Brook {
  return getContext<Brook>(KEY);
}
