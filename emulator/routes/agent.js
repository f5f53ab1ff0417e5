'use strict';
// An OpenAI-compatible chat model for n8n's AI Agent, on the same route as the image models
// (POST /v1/chat/completions): a request that offers `tools`, or carries tool results, is an agent's turn.
//   - No tool result after the last user message: it asks for a tool call. The tool is the first one offered
//     (or `[agent:tool=<name>]` in the user's message); its arguments are filled from the tool's JSON schema:
//     a property whose name contains "prompt" gets the user's message (agent directives removed), the others
//     their schema default, first enum value, "" / 1 / false; `[agent:args={...}]` sets any of them.
//   - Otherwise it answers with text that shows the tool's link as a markdown image (an `imageUrl` field of a JSON
//     result, else the first http(s) link in it), or says there was no link and quotes the result.
// Streamed (`stream: true`: chat.completion.chunk events with delta.tool_calls, then [DONE]) or not. What it was
// offered, what it called and what it got back are recorded on `rec.agent`.

const crypto = require('node:crypto');
const { parseJson } = require('../body');
const { send } = require('../send');
const { SSE_HEADERS } = require('../sse');
const errors = require('../scenarios/errors');

const DIRECTIVE_RE = /\[agent:([a-z]+)=((?:[^\][]|\[[^\]]*\])*)\]/gi;
const LINK_RE = /https?:\/\/[^\s"'\\)<>\]]+/;

/** The parsed body when it is an agent's request, else null. */
function agentBody(raw) {
	const body = parseJson(raw);
	if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) return null;
	const offersTools = Array.isArray(body.tools) && body.tools.length > 0;
	const hasToolResults = body.messages.some((m) => m && m.role === 'tool');
	return offersTools || hasToolResults ? body : null;
}

function textOf(content) {
	if (typeof content === 'string') return content;
	if (!Array.isArray(content)) return '';
	return content.map((part) => (typeof part === 'string' ? part : part && typeof part.text === 'string' ? part.text : '')).join('\n');
}

function directives(text) {
	const out = {};
	DIRECTIVE_RE.lastIndex = 0;
	for (let m = DIRECTIVE_RE.exec(text); m; m = DIRECTIVE_RE.exec(text)) out[m[1].toLowerCase()] = m[2];
	return out;
}

function valueFor(name, schema, prompt) {
	if (/prompt/i.test(name)) return prompt;
	if (schema && schema.default !== undefined) return schema.default;
	if (schema && Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
	const type = Array.isArray(schema?.type) ? schema.type.find((t) => t !== 'null') : schema?.type;
	if (type === 'number' || type === 'integer') return 1;
	if (type === 'boolean') return false;
	return '';
}

/** What the agent's model does with this request: { toolCalls } or { content }, plus what it saw. */
function decide(body) {
	const messages = body.messages;
	let lastUser = -1;
	messages.forEach((m, i) => {
		if (m && m.role === 'user') lastUser = i;
	});
	const userText = lastUser >= 0 ? textOf(messages[lastUser].content) : '';
	const d = directives(userText);
	const prompt = userText.replace(DIRECTIVE_RE, '').trim();
	const tools = (body.tools || []).map((t) => t && t.function).filter((f) => f && typeof f.name === 'string');
	const toolResults = messages
		.slice(lastUser + 1)
		.filter((m) => m && m.role === 'tool')
		.map((m) => textOf(m.content));
	const seen = { tools: tools.map((t) => t.name), prompt, toolResults };
	if (!toolResults.length && tools.length) {
		const tool = tools.find((t) => t.name === d.tool) || tools[0];
		const properties = tool.parameters?.properties || {};
		const args = Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, valueFor(name, schema, prompt)]));
		if (d.args) Object.assign(args, JSON.parse(d.args));
		const call = {
			id: `call_${crypto.randomBytes(12).toString('hex')}`,
			type: 'function',
			function: { name: tool.name, arguments: JSON.stringify(args) },
		};
		return { ...seen, toolCalls: [call] };
	}
	const joined = toolResults.join('\n');
	const link = toolResults.map(imageUrlIn).find(Boolean) || (LINK_RE.exec(joined) || [])[0];
	const content = link ? `Here is your image:\n\n![image](${link})` : `The tool made no link to show. It said: ${joined.slice(0, 500)}`;
	return { ...seen, content, link: link || null };
}

/** The first `imageUrl` string in a JSON tool result (the tool's own field), else undefined. */
function imageUrlIn(result) {
	let parsed;
	try {
		parsed = JSON.parse(result);
	} catch {
		return undefined;
	}
	const stack = [parsed];
	while (stack.length) {
		const value = stack.shift();
		if (!value || typeof value !== 'object') continue;
		if (typeof value.imageUrl === 'string' && LINK_RE.test(value.imageUrl)) return value.imageUrl;
		stack.push(...Object.values(value));
	}
	return undefined;
}

const usage = { prompt_tokens: 42, completion_tokens: 12, total_tokens: 54 };

function completion(body, decision) {
	const message = decision.toolCalls
		? { role: 'assistant', content: null, tool_calls: decision.toolCalls }
		: { role: 'assistant', content: decision.content };
	return {
		id: `chatcmpl-${crypto.randomBytes(12).toString('hex')}`,
		object: 'chat.completion',
		created: Math.floor(Date.now() / 1000),
		model: body.model,
		choices: [{ index: 0, message, logprobs: null, finish_reason: decision.toolCalls ? 'tool_calls' : 'stop' }],
		usage,
	};
}

/** The chat.completion.chunk events of a streamed answer (without [DONE]). */
function chunks(body, decision) {
	const base = {
		id: `chatcmpl-${crypto.randomBytes(12).toString('hex')}`,
		object: 'chat.completion.chunk',
		created: Math.floor(Date.now() / 1000),
		model: body.model,
	};
	const chunk = (delta, finish = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
	const out = [];
	if (decision.toolCalls) {
		decision.toolCalls.forEach((call, index) => {
			out.push(
				chunk({
					role: 'assistant',
					content: null,
					tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }],
				}),
			);
			out.push(chunk({ tool_calls: [{ index, function: { arguments: call.function.arguments } }] }));
		});
		out.push(chunk({}, 'tool_calls'));
	} else {
		out.push(chunk({ role: 'assistant', content: '' }));
		out.push(chunk({ content: decision.content }));
		out.push(chunk({}, 'stop'));
	}
	if (body.stream_options && body.stream_options.include_usage) out.push({ ...base, choices: [], usage });
	return out;
}

/** Answers an agent's request (the emulator has checked the key). */
function answer(emu, res, rec, body) {
	rec.route = 'agent';
	rec.model = typeof body.model === 'string' ? body.model : null;
	rec.body = body;
	rec.stream = body.stream === true;
	let decision;
	try {
		decision = decide(body);
	} catch (error) {
		rec.outcome = 'invalid';
		const message = `[emulator agent] ${error.message}`;
		return send(emu, res, rec, errors.openaiError(400, message), {});
	}
	rec.scenario = decision.toolCalls ? 'agent-tool-call' : 'agent-reply';
	rec.agent = {
		tools: decision.tools,
		prompt: decision.prompt,
		toolCalls: decision.toolCalls
			? decision.toolCalls.map((c) => ({ name: c.function.name, arguments: JSON.parse(c.function.arguments) }))
			: [],
		toolResults: decision.toolResults,
		reply: decision.content ?? null,
		link: decision.link ?? null,
	};
	if (!rec.stream) return send(emu, res, rec, { kind: 'json', status: 200, body: completion(body, decision) }, {});
	rec.status = 200;
	// All at once: an agent's model answers in an instant here.
	res.writeHead(200, SSE_HEADERS);
	for (const event of chunks(body, decision)) res.write(`data: ${JSON.stringify(event)}\n\n`);
	res.end('data: [DONE]\n\n');
}

module.exports = { agentBody, answer, decide, completion, chunks };
