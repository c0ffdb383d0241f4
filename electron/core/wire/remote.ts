// A remote server to generate on (the window's "Remote server" choice, and `--remote` on the command line).
import { Type, type Static } from 'typebox';
import { Nullable } from './nullable.js';

export const RemoteServer = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2048,
      pattern: '^https?://[^\\s/?#]+',
      errorMessage: 'the remote server URL must start with http:// or https://, e.g. http://gpu-box:8080',
    }),
    protocol: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('tgi'), Type.Literal('openai')], { description: 'What the server speaks; auto asks it.' })),
    apiKey: Nullable(Type.String({ minLength: 1, maxLength: 500, description: 'Sent as "Authorization: Bearer <key>".' })),
  },
  { title: 'RemoteServer' },
);
export type RemoteServer = Static<typeof RemoteServer>;
export type RemoteProtocol = NonNullable<RemoteServer['protocol']>;
/** The protocols --remote-protocol takes, from the schema above. */
export const REMOTE_PROTOCOLS: readonly RemoteProtocol[] = ['auto', 'tgi', 'openai'];
