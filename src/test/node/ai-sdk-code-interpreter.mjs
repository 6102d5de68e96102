// The Vercel AI SDK's OpenAI provider tool `openai.tools.codeInterpreter` on the Responses API
// against a running gateway (E2B_CODE_INTERPRETER=on). Usage: node ai-sdk-code-interpreter.mjs <baseURL> <apiKey> <model>
// The fake model, in order: calls python then answers (generateText), the same (streamText). The
// fake sandbox prints 42 each time. Prints one JSON line; exits non-zero if the SDK threw.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';

const [baseURL, apiKey, modelId] = process.argv.slice(2);
const openai = createOpenAI({ baseURL, apiKey });
const model = openai.responses(modelId);
const tools = { code_interpreter: openai.tools.codeInterpreter({}) };

const generated = await generateText({ model, tools, prompt: 'What is 6 times 7?' });

const streaming = streamText({ model, tools, prompt: 'What is 6 times 7?' });
const partTypes = [];
const errors = [];
for await (const part of streaming.fullStream) {
  partTypes.push(part.type);
  if (part.type === 'error') errors.push(String(part.error));
}

const summary = (content) => content.filter((part) => part.type !== 'text').map((part) => ({
  type: part.type, toolName: part.toolName, providerExecuted: part.providerExecuted, input: part.input, output: part.output,
}));
console.log(JSON.stringify({
  text: generated.text,
  finish: generated.finishReason,
  parts: summary(generated.content),
  streamedText: await streaming.text,
  streamedFinish: await streaming.finishReason,
  streamedParts: summary(await streaming.content),
  partTypes: [...new Set(partTypes)],
  errors,
}));
