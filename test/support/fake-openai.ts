import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: {
    type: string;
    json_schema?: { name: string; strict?: boolean; schema: { properties: Record<string, { enum?: string[] }> } };
  };
}

/**
 * A small server that speaks the OpenAI chat-completions API (what vLLM, Ollama, DashScope and
 * DeepSeek also speak), for the real openai SDK. It records every request as it arrived on the
 * wire; behaviour is set per test: the answer, failures, slowness, no json_schema support.
 */
export async function startFakeOpenAi(apiKey: string) {
  const requests: ChatRequest[] = [];
  const state = {
    answer: (_request: ChatRequest): string =>
      JSON.stringify({ category: '12', requestType: 'help', urgency: 'urgent', title: '停水', summary: '小区停水', confidence: 0.9 }),
    failures: [] as number[],
    delayMs: 0,
    jsonSchemaSupported: true,
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', async () => {
      const reply = (status: number, body: object, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${apiKey}`)
        return reply(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return reply(404, { error: { message: 'not found' } });
      const body = JSON.parse(raw) as ChatRequest;
      requests.push(body);
      const failure = state.failures.shift();
      if (failure)
        return reply(
          failure,
          { error: { message: failure === 429 ? 'Rate limit reached' : 'The server had an error', type: 'server_error' } },
          { 'retry-after-ms': '10' },
        );
      if (!state.jsonSchemaSupported && body.response_format?.type === 'json_schema') {
        return reply(400, {
          error: {
            message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
            type: 'invalid_request_error',
            param: 'response_format',
          },
        });
      }
      if (state.delayMs) await new Promise((r) => setTimeout(r, state.delayMs));
      if (res.destroyed) return;
      reply(200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: state.answer(body) }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
