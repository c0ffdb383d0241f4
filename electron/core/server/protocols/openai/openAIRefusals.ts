// Fields OpenAI's and TGI's requests define that Brook cannot honour. Each is refused with 422 saying what
// Brook does instead, never silently ignored (a client that sets one expects its effect).
import { validationError } from '../../../errors.js';

const REFUSALS: { field: string; refuse: (value: unknown) => boolean; message: string }[] = [
  { field: 'presence_penalty', refuse: (value) => value !== 0, message: '`presence_penalty` is not supported: use `frequency_penalty` (or `repetition_penalty`), or leave it at 0' },
  { field: 'logit_bias', refuse: (value) => Object.keys(value as object).length > 0, message: '`logit_bias` is not supported: Brook does not bias tokens; constrain the reply with `response_format` instead' },
  { field: 'functions', refuse: () => true, message: '`functions` is deprecated by OpenAI and not supported: send `tools` ({"type": "function", "function": {...}}) instead' },
  { field: 'function_call', refuse: () => true, message: '`function_call` is deprecated by OpenAI and not supported: send `tool_choice` instead' },
  { field: 'modalities', refuse: (value) => (value as string[]).some((modality) => modality !== 'text'), message: '`modalities` must be ["text"]: Brook\'s model writes text only' },
  { field: 'audio', refuse: () => true, message: '`audio` is not supported: Brook\'s model writes text only' },
  { field: 'prediction', refuse: () => true, message: '`prediction` is not supported: Brook does not use predicted outputs; leave it unset' },
  { field: 'reasoning_effort', refuse: () => true, message: '`reasoning_effort` is not supported: the model does not reason in a separate phase; leave it unset' },
  { field: 'web_search_options', refuse: () => true, message: '`web_search_options` is not supported: Brook does not search the web; leave it unset' },
  { field: 'store', refuse: (value) => value === true, message: '`store` must be false: Brook does not store completions' },
  // TGI's
  { field: 'watermark', refuse: (value) => value === true, message: '`watermark` is not supported: Brook does not watermark text; leave it false' },
  { field: 'decoder_input_details', refuse: (value) => value === true, message: '`decoder_input_details` is not supported: Brook returns no prompt-token details; leave it false' },
];

/** Throws 422 for the first field of `body` (a request, or TGI's `parameters`) set to something Brook cannot do. */
export function refuseUnsupported(body: object): void {
  for (const { field, refuse, message } of REFUSALS) {
    const value = (body as Record<string, unknown>)[field];
    if (value != null && refuse(value)) throw validationError(message);
  }
}
