import type { Bridge, ContextUsage } from '../bridge/types';
import type { ChatState } from './chat.svelte';

const DELAY_MS = 300;

/** The context meter: the prompt the next message would make, against the context size. */
export class ContextUsageState {
  /** null until counted, or when Brook could not be asked (no meter then). */
  usage = $state<ContextUsage | null>(null);
  /** The prompt has more characters than any prompt that fits could have: Brook did not count its tokens. */
  readonly uncountable = $derived(this.usage?.promptTokens === null);
  /** Tokens past what the prompt may take (one is left for the reply); 0 when it fits or was not counted. */
  readonly over = $derived(this.usage && this.usage.promptTokens !== null ? this.usage.overflowTokens : 0);
  /** The next message cannot be answered: too many tokens, or too long to count. */
  readonly tooLong = $derived(this.over > 0 || this.uncountable);
  readonly fraction = $derived(this.usage === null ? 0 : this.usage.promptTokens === null ? 1 : Math.min(1, this.usage.promptTokens / this.usage.contextSize));

  constructor(
    private readonly bridge: Bridge,
    chat: ChatState,
  ) {
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
      this.usage = await this.bridge.contextUsage(conversationId, parentId, draft);
    } catch {
      // No model yet, Brook away, a chat just deleted: no meter until it can be counted again.
      this.usage = null;
    }
  }
}
