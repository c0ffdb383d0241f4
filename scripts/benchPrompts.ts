// The prompts `npm run bench` sends. Each differs from the others from its first word, so no run can reuse
// the cached prefix of the run before it: every one pays its full prompt processing.
import type { ChatMessage } from '../electron/core/wire/generation.js';

export const PROMPTS = [
  'Once upon a time, in a small village by the sea, there lived an old fisherman who',
  'In the year 2150, the first colony ship to leave the solar system carried',
  'Deep beneath the mountains, the dwarves had built a city that',
  'My grandmother always told me that the secret to a good bread was',
  'The detective looked at the broken window and realized that',
  'When the last train left the station that night, nobody noticed',
  'Scientists were surprised to discover that the ancient forest',
  'Every morning at six, the lighthouse keeper climbed the stairs and',
  'Far away, on a planet with three moons, a young inventor',
  'The recipe had been passed down for generations, and it began with',
  'After the storm, the children ran down to the beach and found',
  'It was the strangest letter the museum had ever received:',
] as const;

/** Asked of the window path, which goes through the chat template: it answers at length. */
export const chatPrompt = (run: number) => `Continue this story for several paragraphs: ${PROMPTS[run % PROMPTS.length]}`;

const OPENERS = ['Amber', 'Birch', 'Cobalt', 'Dune', 'Ember', 'Fjord', 'Garnet', 'Harbor', 'Indigo', 'Juniper'];
const SUBJECTS = ['the north field', 'the east orchard', 'the river mill', 'the old barn', 'the hill pasture', 'the south vineyard'];
const EVENTS = ['needed new fencing', 'flooded after the rain', 'gave a record harvest', 'was inspected by the council', 'lost two trees to frost', 'was sold to a neighbour'];

/**
 * A chat of about `tokens` tokens (as `count` measures them): a farm's yearly notes, told by the user and
 * acknowledged by the assistant turn by turn. `variant` changes its first word, so each one starts cold.
 */
export function longConversation(variant: number, tokens: number, count: (messages: ChatMessage[]) => number): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: `${OPENERS[variant % OPENERS.length]} farm records assistant. Answer briefly.` }];
  for (let year = 1; count(messages) < tokens; year++) {
    const notes = Array.from({ length: 3 }, (_, i) => `In season ${i + 1} of year ${year}, ${SUBJECTS[(year + i) % SUBJECTS.length]} ${EVENTS[(year * 7 + i) % EVENTS.length]}.`);
    messages.push({ role: 'user', content: `Notes for year ${year}: ${notes.join(' ')}` });
    messages.push({ role: 'assistant', content: `Recorded year ${year}: ${notes.length} entries.` });
  }
  messages.push({ role: 'user', content: 'Which field needed the most work over these years?' });
  return messages;
}

export const FOLLOW_UP = 'And which one needed the least?';
