// Every failure a client can see, with the HTTP status and the TGI `error_type` it maps to.
// TGI clients pick their exception class from `error_type` (huggingface_hub: 429 + overloaded → OverloadedError).

export type ErrorType =
  | 'validation'
  | 'overloaded'
  | 'generation'
  | 'incomplete_generation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'model_not_ready'
  | 'upstream_unavailable';

const STATUS: Record<ErrorType, number> = {
  validation: 422,
  overloaded: 429,
  generation: 424,
  incomplete_generation: 500,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  // Not 503: a popular client retries 503 forever.
  model_not_ready: 424,
  // The remote server Brook forwards to cannot be reached: a gateway error, not Brook's own.
  upstream_unavailable: 502,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly errorType: ErrorType,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status ?? STATUS[errorType];
  }

  toJSON() {
    return { error: this.message, error_type: this.errorType };
  }
}

/** TGI prefixes validation messages this way; clients show it as is. */
export const validationError = (detail: string) => new ApiError('validation', `Input validation error: ${detail}`);

export const overloadedError = () => new ApiError('overloaded', 'Model is overloaded');

/** A prompt that leaves no room in the context; callers that explain it in their own words read the limit here. */
export class PromptTooLongError extends ApiError {
  constructor(
    readonly maxTokens: number,
    given: number,
  ) {
    super('validation', `Input validation error: \`inputs\` must have less than ${maxTokens} tokens. Given: ${given}`);
  }
}
