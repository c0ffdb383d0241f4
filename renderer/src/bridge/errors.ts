/** A failed Bridge call: the message Brook gave (it says what to do) and its TGI-style error type. */
export class BridgeError extends Error {
  constructor(
    message: string,
    /** 'validation', 'overloaded', 'model_not_ready', 'not_found', 'unauthorized', 'network', … */
    readonly errorType: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

export interface ErrorNotice {
  message: string;
  /** What the user can do about it, when the message itself does not say. */
  hint?: string;
  errorType: string;
}

/** Turns anything a Bridge call threw into a sentence for the window. */
export function describeError(error: unknown): ErrorNotice {
  const errorType = error instanceof BridgeError ? error.errorType : typeof (error as { errorType?: unknown })?.errorType === 'string' ? (error as { errorType: string }).errorType : 'unknown';
  let message = error instanceof Error ? error.message : String(error);
  // Electron wraps errors thrown by IPC handlers: "Error invoking remote method 'x': Error: <message>".
  message = message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '');
  switch (errorType) {
    case 'overloaded':
      return { errorType, message: 'Brook is busy with other requests right now.', hint: 'Wait a moment, then send again.' };
    case 'model_not_ready':
      return { errorType, message, hint: message.includes('loading') ? undefined : 'Open a GGUF model from the model menu at the top.' };
    case 'unauthorized':
      return { errorType, message: 'Brook was started with an API key.', hint: 'Enter the key to continue.' };
    case 'not_found':
      return { errorType, message, hint: 'It may have been deleted in another window. Pick another chat or start a new one.' };
    case 'network':
      return { errorType, message };
    default:
      return { errorType, message };
  }
}
