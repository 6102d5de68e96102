// Runs an OpenAI Agents SDK (@openai/agents) agent with one function tool against a running gateway.
// Usage: node agents-responses.mjs <baseURL> <apiKey> <model>
// The fake upstream answers, in order: a function call, a final answer (for the run), then the
// same two for the streamed run. Prints one JSON line; exits non-zero if the SDK threw.
import { Agent, run, setDefaultOpenAIClient, setOpenAIAPI, setTracingDisabled, tool } from '@openai/agents';
import OpenAI from 'openai';
import { z } from 'zod';

const [baseURL, apiKey, model] = process.argv.slice(2);
setTracingDisabled(true); // traces would otherwise go to api.openai.com
setOpenAIAPI('responses');
setDefaultOpenAIClient(new OpenAI({ baseURL, apiKey, maxRetries: 0 }));

const cities = [];
const getWeather = tool({
  name: 'get_weather',
  description: 'Weather for a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => { cities.push(city); return `18 C in ${city}`; },
});
const agent = new Agent({ name: 'Weather', instructions: 'Answer with the weather.', model, tools: [getWeather] });

const result = await run(agent, 'Weather in Paris?');

const streamed = await run(agent, 'Weather in Rome?', { stream: true });
let deltas = '';
for await (const event of streamed) {
  if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') deltas += event.data.delta;
}
await streamed.completed;

console.log(JSON.stringify({
  final: result.finalOutput,
  cities,
  items: result.newItems.map((item) => item.type),
  streamedFinal: streamed.finalOutput,
  deltas,
}));
