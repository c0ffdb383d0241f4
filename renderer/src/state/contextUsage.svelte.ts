import type { Bridge } from '../bridge/types';
import type { ChatState } from './chat.svelte';
import { pendingMethod, type ContextUsage } from './pendingBridge';

const DELAY_MS = 300;

/** The context meter: the prompt the next message would make, against the context size. */
export class ContextUsageState {
  usage = $state<ContextUsage | null>(null);
  /** Whether Brook can count (the Bridge has contextUsage). */
  readonly available: boolean;

  /** Tokens past the context, counting at least one token for the reply; 0 when it fits. */
  readonly over = $derived(this.usage ? Math.max(0, this.usage.promptTokens + 1 - this.usage.contextSize) : 0);
  readonly fraction = $derived(this.usage ? Math.min(1, this.usage.promptTokens / this.usage.contextSize) : 0);

  private readonly count: ReturnType<typeof pendingMethod<'contextUsage'>>;

  constructor(bridge: Bridge, chat: ChatState) {
    this.count = pendingMethod(bridge, 'contextUsage');
    this.available = this.count !== undefined;
    if (!this.count) return;
    // Counted again a moment after the draft or the conversation changes (not at every keystroke).
    $effect.root(() => {
      $effect(() => {
        const conversationId = chat.conversation?.id ?? null;
        const parentId = chat.path.at(-1)?.id ?? null;
        const draft = chat.draft;
        const timer = setTimeout(() => void this.refresh(conversationId, parentId, draft), DELAY_MS);
        return () => clearTimeout(timer);
      });
    });
  }

  private async refresh(conversationId: string | null, parentId: string | null, draft: string): Promise<void> {
    try {
      this.usage = (await this.count?.(conversationId, parentId, draft)) ?? null;
    } catch {
      this.usage = null; // no meter rather than a wrong one
    }
  }
}
