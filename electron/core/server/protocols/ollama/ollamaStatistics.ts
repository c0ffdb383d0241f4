// The `done` fields every Ollama reply ends with: why it ended and how long each part took, in nanoseconds.
import type { EndEvent } from '../../../wire/generation.js';
import type { OllamaDoneFields, OllamaDoneReason } from '../../../wire/ollama.js';

const NS_PER_MS = 1_000_000;

/** performance.now() times of the request: received by the route, admitted by the backend. */
export interface RequestTimes {
  receivedAt: number;
  admittedAt: number;
}

export function doneReason(event: EndEvent): OllamaDoneReason {
  return event.finishReason === 'length' ? 'length' : 'stop';
}

/**
 * Ollama's statistics from Brook's timings. `load_duration` is where Ollama counts waiting for a runner; Brook's
 * model is always loaded, so it is the wait for admission and a free sequence. The first generated token comes
 * out of the prompt's evaluation, so `prompt_eval_duration` ends with it and `eval_duration` is the rest.
 */
export function doneStatistics(event: EndEvent, times: RequestTimes): OllamaDoneFields {
  const ns = (ms: number) => Math.max(0, Math.round(ms * NS_PER_MS));
  const { queueMs, firstTokenMs, generationMs } = event.timings;
  return {
    done_reason: doneReason(event),
    total_duration: ns(performance.now() - times.receivedAt),
    load_duration: ns(times.admittedAt - times.receivedAt + queueMs),
    prompt_eval_count: event.inputLength,
    prompt_eval_duration: ns(firstTokenMs),
    eval_count: event.generatedTokens,
    eval_duration: ns(generationMs - firstTokenMs),
  };
}

/** Ollama's created_at: an ISO 8601 time. */
export function createdAt(): string {
  return new Date().toISOString();
}
