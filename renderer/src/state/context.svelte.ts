import { getContext, setContext } from 'svelte';
import { MediaQuery } from 'svelte/reactivity';
import type { AppState } from './app.svelte';
import type { ChatState } from './chat.svelte';
import type { ContextUsageState } from './contextUsage.svelte';
import type { ConversationsState } from './conversations.svelte';
import type { EndpointPanelState } from './endpoint.svelte';
import type { PrefsState } from './prefs.svelte';
import type { PresetsState } from './presets.svelte';
import type { ThemeState } from './theme.svelte';

/** Everything the components share, created once by App.svelte. */
export interface Brook {
  app: AppState;
  chat: ChatState;
  conversations: ConversationsState;
  contextUsage: ContextUsageState;
  endpoint: EndpointPanelState;
  prefs: PrefsState;
  presets: PresetsState;
  theme: ThemeState;
  ui: UiState;
}

export type SidePanel = 'settings' | 'endpoint';

/** Below this width the sidebar is a drawer over the chat and the header's tools fold into a menu. */
export const NARROW_QUERY = '(max-width: 760px)';
/** Below this width the side panels (settings, Local API) lie over the chat instead of squeezing it. */
export const COMPACT_QUERY = '(max-width: 1100px)';

/** Which panels are open. One side panel at a time: chat settings or the Local API panel. */
export class UiState {
  readonly narrowQuery = new MediaQuery(NARROW_QUERY);
  readonly compactQuery = new MediaQuery(COMPACT_QUERY);

  panel = $state<SidePanel | null>(null);
  modelOpen = $state(false);
  /** A user message to open for editing (asked from its failed reply). */
  editRequest = $state<string | null>(null);
  /** What the screen reader's polite live region says now (Announcer.svelte). */
  announcement = $state('');
  /** The sidebar as a drawer over the chat, on narrow windows (wide ones use prefs.sidebarOpen). */
  drawerOpen = $state(false);

  constructor(private readonly prefs: PrefsState) {}

  get narrow(): boolean {
    return this.narrowQuery.current;
  }

  /** Panels lie over the chat (with a backdrop) rather than beside it. */
  get overlayPanels(): boolean {
    return this.compactQuery.current;
  }

  /** The sidebar is on screen: a drawer on narrow windows (closed until asked for), a column otherwise. */
  get sidebarVisible(): boolean {
    return this.narrow ? this.drawerOpen : this.prefs.sidebarOpen;
  }

  toggleSidebar(): void {
    if (this.narrow) this.drawerOpen = !this.drawerOpen;
    else this.prefs.toggleSidebar();
  }

  /** Says something to screen-reader users (politely: after what they are hearing now). */
  announce(text: string): void {
    // Cleared first, so the same words twice ("Copied", "Copied") are announced twice.
    this.announcement = '';
    const words = text.trim();
    if (words) queueMicrotask(() => (this.announcement = words));
  }

  /** Esc: closes what is open on top, most recent first; false when nothing was. */
  closeTop(): boolean {
    if (this.modelOpen) this.modelOpen = false;
    else if (this.panel !== null) this.panel = null;
    else if (this.narrow && this.drawerOpen) this.drawerOpen = false;
    else return false;
    return true;
  }

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
