import { describeError, type ErrorNotice } from '../bridge/errors';
import type { Bridge, ConversationSummary } from '../bridge/types';

const SEARCH_DELAY_MS = 150;

/** The sidebar: conversations newest first, filtered by the search box. */
export class ConversationsState {
  items = $state.raw<ConversationSummary[]>([]);
  query = $state('');
  loaded = $state(false);
  error = $state<ErrorNotice | null>(null);
  /** Chats deleted with Undo still possible: not listed, not yet deleted. */
  hidden = $state<ReadonlySet<string>>(new Set());
  readonly visible = $derived(this.hidden.size === 0 ? this.items : this.items.filter((item) => !this.hidden.has(item.id)));
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0;

  constructor(private readonly bridge: Bridge) {}

  async refresh(): Promise<void> {
    const generation = ++this.generation;
    try {
      const items = await this.bridge.listConversations(this.query || undefined);
      // A newer search answered first: keep that one.
      if (generation !== this.generation) return;
      this.items = items;
      this.error = null;
    } catch (error) {
      if (generation === this.generation) this.error = describeError(error);
    } finally {
      if (generation === this.generation) this.loaded = true;
    }
  }

  hide(id: string, hidden: boolean): void {
    const next = new Set(this.hidden);
    if (hidden) next.add(id);
    else next.delete(id);
    this.hidden = next;
  }

  search(query: string): void {
    this.query = query;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, SEARCH_DELAY_MS);
  }

  /** Refreshes soon, once, however many replies finish meanwhile. */
  refreshSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, SEARCH_DELAY_MS);
  }
}
