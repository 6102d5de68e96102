// Drives the Vercel AI SDK's OpenAI provider on the Responses API (`openai.responses(...)`) against a running gateway.
// Usage: node ai-sdk-responses.mjs <baseURL> <apiKey> <model>
// The fake upstream answers, in order: a text, a streamed text, a function call, a final answer.
// Prints one JSON line with what the SDK produced; exits non-zero if the SDK threw.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { z } from 'zod';

const [baseURL, apiKey, modelId] = process.argv.slice(2);
// Every request body the SDK sends, to see what it sent for the earlier steps.
const sent = [];
const openai = createOpenAI({
  baseURL, apiKey,
  fetch: async (url, init) => { sent.push(JSON.parse(init.body)); return fetch(url, init); },
});
const model = openai.responses(modelId);

const generated = await generateText({ model, system: 'Be brief.', prompt: 'Hello' });

const streaming = streamText({ model, prompt: 'Hello' });
const parts = [];
for await (const part of streaming.textStream) parts.push(part);
const streamErrors = [];
for await (const part of streaming.fullStream) if (part.type === 'error') streamErrors.push(String(part.error));

// Two steps: the model calls the tool, the SDK runs it and asks again. With store on (the SDK's
// default), the second request refers to the first step's items by id (item_reference).
const calls = [];
const withTool = await generateText({
  model,
  prompt: 'Weather in Paris?',
  tools: {
    get_weather: tool({
      description: 'Weather for a city.',
      inputSchema: z.object({ city: z.string() }),
      execute: async ({ city }) => { calls.push(city); return `18 C in ${city}`; },
    }),
  },
  stopWhen: stepCountIs(3),
});

console.log(JSON.stringify({
  generated: generated.text,
  generatedFinish: generated.finishReason,
  usage: generated.usage,
  streamed: parts.join(''),
  streamedFinish: await streaming.finishReason,
  streamErrors,
  partCount: parts.length,
  calls,
  steps: withTool.steps.length,
  firstStepFinish: withTool.steps[0].finishReason,
  final: withTool.text,
  lastInputTypes: sent[sent.length - 1].input.map((item) => item.type ?? item.role),
}));
