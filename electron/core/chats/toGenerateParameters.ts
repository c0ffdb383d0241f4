import type { ChatSettings } from '../wire/chats.js';
import type { GenerateParameters } from '../wire/tgi.js';

/**
 * A conversation's settings in TGI's terms. Temperature 0 is greedy (no warpers, or TGI's rules would
 * sample); otherwise sampling with the warpers that do something (top_k 0, top_p 1 and min_p 0 mean "off").
 */
export function toGenerateParameters(settings: ChatSettings, maxNewTokens: number | null, topNTokens?: number | null): GenerateParameters {
  const parameters: GenerateParameters = { max_new_tokens: maxNewTokens };
  if (settings.temperature === 0) {
    parameters.do_sample = false;
  } else {
    parameters.do_sample = true;
    parameters.temperature = settings.temperature;
    if (settings.top_p < 1) parameters.top_p = settings.top_p;
    if (settings.top_k > 0) parameters.top_k = settings.top_k;
    if (settings.min_p) parameters.min_p = settings.min_p;
    if (settings.seed !== null) parameters.seed = settings.seed;
  }
  if (settings.repetition_penalty !== undefined && settings.repetition_penalty !== 1) parameters.repetition_penalty = settings.repetition_penalty;
  if (settings.stop?.length) parameters.stop = settings.stop;
  if (topNTokens) parameters.top_n_tokens = topNTokens;
  return parameters;
}
