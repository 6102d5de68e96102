// The Gemini API through Google's official `@google/genai` npm package: generate, stream, count
// tokens, list models, a function calling round trip with two parallel calls (one tool in plain
// JSON Schema, one in the OpenAPI subset), structured output, an image, and the errors 401, 404,
// 429 and 500 as the SDK raises them.
// The JUnit wrapper (GeminiNodeSdkIT) scripts the upstream's replies in this order.
// Usage: node gemini-sdk.mjs <baseURL> <apiKey> <model>
import { GoogleGenAI, Type, FunctionCallingConfigMode } from '@google/genai';
import { args, equal, ok, run } from './check.mjs';

const { baseURL, apiKey, model } = args();
const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl: baseURL } });
const tools = [{
  functionDeclarations: [
    {
      name: 'get_weather', description: 'Weather forecast for a city.',
      parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
    {
      name: 'get_time', description: 'Current time in a zone.',
      parameters: { type: Type.OBJECT, properties: { zone: { type: Type.STRING } }, required: ['zone'] },
    },
  ],
}];

async function status(call) {
  try {
    await call();
  } catch (e) {
    return { status: e.status, message: String(e.message).slice(0, 300) };
  }
  return { status: 'no error' };
}

run(async () => {
  const out = {};
  const generated = await ai.models.generateContent({ model, contents: 'Hello', config: { systemInstruction: 'Be brief.', temperature: 0.2 } });
  out.generated = generated.text;
  out.modelVersion = generated.modelVersion;
  out.finishReason = generated.candidates[0].finishReason;
  out.totalTokens = generated.usageMetadata.totalTokenCount;

  let streamed = '';
  let chunks = 0;
  let lastFinish;
  for await (const chunk of await ai.models.generateContentStream({ model, contents: 'Hello again' })) {
    chunks++;
    streamed += chunk.text ?? '';
    lastFinish = chunk.candidates?.[0]?.finishReason ?? lastFinish;
  }
  Object.assign(out, { streamed, chunks, streamedFinish: lastFinish });

  out.countedTokens = (await ai.models.countTokens({ model, contents: 'How many tokens is this?' })).totalTokens;
  const names = [];
  for await (const m of await ai.models.list()) names.push(m.name);
  out.listed = names.length;
  out.firstModel = names[0];

  const question = { role: 'user', parts: [{ text: 'Weather and time in Oslo?' }] };
  const called = await ai.models.generateContent({
    model, contents: [question],
    config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } } },
  });
  const calls = called.functionCalls;
  equal(calls.map((c) => c.name), ['get_weather', 'get_time'], 'the two calls');
  ok(calls.every((c) => c.id), 'every call has an id');
  out.calls = calls.map((c) => ({ id: c.id, name: c.name, args: c.args }));
  const answered = await ai.models.generateContent({
    model, config: { tools },
    contents: [question, called.candidates[0].content, {
      role: 'user', parts: [
        { functionResponse: { id: calls[1].id, name: 'get_time', response: { output: '12:00' } } },
        { functionResponse: { id: calls[0].id, name: 'get_weather', response: { output: '3 C, snow' } } },
      ],
    }],
  });
  out.answered = answered.text;

  const structured = await ai.models.generateContent({
    model, contents: 'Weather in Oslo as JSON',
    config: {
      responseMimeType: 'application/json',
      responseSchema: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, temp: { type: Type.INTEGER } }, required: ['city', 'temp'] },
    },
  });
  out.structured = JSON.parse(structured.text);

  const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
  const seen = await ai.models.generateContent({
    model, contents: [{ role: 'user', parts: [{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: pixel } }] }],
  });
  out.image = seen.text;

  const wrongKey = new GoogleGenAI({ apiKey: 'not-a-key', httpOptions: { baseUrl: baseURL } });
  out.unauthorized = await status(() => wrongKey.models.generateContent({ model, contents: 'x' }));
  out.unknownModel = await status(() => ai.models.generateContent({ model: 'no-such-model-anywhere', contents: 'x' }));
  out.limited = await status(() => ai.models.generateContent({ model, contents: 'x' }));
  out.failed = await status(() => ai.models.generateContent({ model, contents: 'x' }));
  return out;
});
