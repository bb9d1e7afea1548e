import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for an OpenAI-compatible chat model, for the agent tests: n8n's "OpenAI
 * Chat Model" node points at it through the OpenAI credential's Base URL. It plays no model: the
 * test scripts its answers, one per chat-completions request, in order. A step either calls a
 * tool (by name or by a pattern over the tool names the request offers) with arguments, or answers
 * with text, which may be built from the tool results the request carries back. Every request is
 * recorded, so a test can assert what the model saw (the tools offered, the tool results, and that
 * no secret reached it).
 *
 * Routes: GET /v1/models (the model list the editor loads), POST /v1/chat/completions (plain JSON,
 * or server-sent events when the request asks for stream: true). Anything else: 404.
 */
export type StubStep =
	| { tool: string | RegExp; args: Record<string, unknown> }
	| { text: string | ((seen: SeenRequest) => string) };

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface SeenRequest {
	path: string;
	authorization?: string;
	body: { model?: string; stream?: boolean; messages?: ChatMessage[]; tools?: Array<{ function: { name: string; description?: string; parameters?: unknown } }> };
	/** The raw body as received, for a search for secrets. */
	raw: string;
	/** Names of the tools the request offered. */
	toolNames: string[];
	/** The contents of the request's tool-result messages, oldest first. */
	toolResults: string[];
}

export interface StubModel {
	/** The Base URL for the OpenAI credential (…/v1). */
	baseUrl: string;
	requests: SeenRequest[];
	/** Replaces the script: the next chat-completions requests get these steps, in order. */
	script(steps: StubStep[]): void;
	/** Steps not yet used. */
	pending(): number;
	close(): Promise<void>;
}

const text = (content: unknown): string =>
	typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p && typeof p === 'object' && 'text' in p ? String(p.text) : '')).join('') : '';

export async function startStubModel(): Promise<StubModel> {
	let steps: StubStep[] = [];
	const requests: SeenRequest[] = [];
	let calls = 0;

	const answer = (req: IncomingMessage, res: ServerResponse, raw: string): void => {
		const json = (status: number, value: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
		const path = new URL(req.url ?? '/', 'http://stub').pathname;
		if (req.method === 'GET' && path === '/v1/models') {
			json(200, { object: 'list', data: [{ id: 'stub-model', object: 'model', created: 0, owned_by: 'tests' }] });
			return;
		}
		if (req.method !== 'POST' || path !== '/v1/chat/completions') {
			json(404, { error: { message: `no route ${req.method} ${path}` } });
			return;
		}
		let body: SeenRequest['body'];
		try {
			body = JSON.parse(raw);
		} catch {
			json(400, { error: { message: 'body is not JSON' } });
			return;
		}
		const toolNames = (body.tools ?? []).map((t) => t.function.name);
		const toolResults = (body.messages ?? []).filter((m) => m.role === 'tool').map((m) => text(m.content));
		const seen: SeenRequest = { path, authorization: req.headers.authorization, body, raw, toolNames, toolResults };
		requests.push(seen);

		const step = steps.shift() ?? { text: 'The test scripted no further answer.' };
		calls += 1;
		let message: { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> };
		if ('tool' in step) {
			const name = typeof step.tool === 'string' ? step.tool : toolNames.find((n) => (step.tool as RegExp).test(n));
			if (!name) {
				json(400, { error: { message: `scripted tool ${String(step.tool)} not offered; offered: ${toolNames.join(', ')}` } });
				return;
			}
			message = { role: 'assistant', content: null, tool_calls: [{ id: `call_${calls}`, type: 'function', function: { name, arguments: JSON.stringify(step.args) } }] };
		} else {
			message = { role: 'assistant', content: typeof step.text === 'function' ? step.text(seen) : step.text };
		}
		const finish = message.tool_calls ? 'tool_calls' : 'stop';
		const base = { id: `chatcmpl-${calls}`, created: Math.floor(Date.now() / 1000), model: body.model ?? 'stub-model' };
		const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
		if (!body.stream) {
			json(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage });
			return;
		}
		// Streaming: the same answer as two chunks, the way OpenAI sends it.
		res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
		const delta = message.tool_calls
			? { role: 'assistant', content: null, tool_calls: message.tool_calls.map((c, index) => ({ index, ...c })) }
			: { role: 'assistant', content: message.content };
		const chunk = (choice: unknown, extra = {}) => res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [choice], ...extra })}\n\n`);
		chunk({ index: 0, delta, finish_reason: null });
		chunk({ index: 0, delta: {}, finish_reason: finish }, { usage });
		res.end('data: [DONE]\n\n');
	};

	const server = createServer((req, res) => {
		let raw = '';
		req.on('data', (c) => (raw += c));
		req.on('end', () => answer(req, res, raw));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		script(next) {
			steps = [...next];
		},
		pending: () => steps.length,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
