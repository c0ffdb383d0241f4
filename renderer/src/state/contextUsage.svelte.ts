import { describeError } from '../bridge/errors';
import type { Bridge } from '../bridge/types';
// Not re-exported by bridge/types.ts yet.
import type { ContextUsage } from '../../../electron/core/wire/chats.js';
import type { ChatState } from './chat.svelte';

const DELAY_MS = 300;

/** The context meter: the prompt the next message would make, against the context size. */
export class ContextUsageState {
  usage = $state<ContextUsage | null>(null);
  /** Brook's reason when it refused to count because the prompt cannot fit at all. */
  refusal = $state<string | null>(null);
  /** Tokens past the context, counting at least one token for the reply; 0 when it fits. */
  readonly over = $derived(this.usage ? Math.max(0, this.usage.promptTokens + 1 - this.usage.contextSize) : 0);
  /** The next message cannot be answered: too many tokens, or refused as too long. */
  readonly tooLong = $derived(this.over > 0 || this.refusal !== null);
  readonly fraction = $derived(this.usage ? Math.min(1, this.usage.promptTokens / this.usage.contextSize) : 0);

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
      this.refusal = null;
    } catch (error) {
      // A prompt past the context is refused as invalid: that is the answer to show. Anything else: no meter.
      const notice = describeError(error);
      this.refusal = notice.errorType === 'validation' ? notice.message : null;
      this.usage = null;
    }
  }
}
