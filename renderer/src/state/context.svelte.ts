import { getContext, setContext } from 'svelte';
import type { AppState } from './app.svelte';
import type { ChatState } from './chat.svelte';
import type { ConversationsState } from './conversations.svelte';
import type { PrefsState } from './prefs.svelte';
import type { ThemeState } from './theme.svelte';

/** Everything the components share, created once by App.svelte. */
export interface Brook {
  app: AppState;
  chat: ChatState;
  conversations: ConversationsState;
  prefs: PrefsState;
  theme: ThemeState;
  ui: UiState;
}

/** Which panels are open. */
export class UiState {
  settingsOpen = $state(false);
  modelOpen = $state(false);
}

const KEY = Symbol('brook');

export function setBrook(brook: Brook): void {
  setContext(KEY, brook);
}

export function useBrook(): Brook {
  return getContext<Brook>(KEY);
}
