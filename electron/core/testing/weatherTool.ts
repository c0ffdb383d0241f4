// The tool the OpenAI-shaped tool-calling tests ask for: a function whose arguments a tiny model can fill
// (short strings, an enum), so what they assert holds for any output.
export const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string', maxLength: 30 }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } }, required: ['city', 'unit'] },
  },
};

/** A question the tool answers. */
export const askWeather = [{ role: 'user' as const, content: 'What is the weather in Paris?' }];
