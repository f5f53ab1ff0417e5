'use strict';
// Tests of the emulator's multi-turn editing (thought signatures it issues and checks, emulator/conversation.js)
// and of its chat model for n8n's AI Agent (tool calls, emulator/routes/agent.js), with axios as the client.
const crypto = require('node:crypto');
const axios = require('axios');
const { verify } = require('../../emulator/conversation');
const H = require('./helpers');

const PRO = H.PRO_MODEL;
const FLASH25 = H.IMAGE_MODEL;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

const generate = (model, contents, stream = false) =>
	api.post(
		`/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
		{ contents },
		stream ? { responseType: 'text' } : {},
	);
const user = (text) => ({ role: 'user', parts: [{ text }] });
const partsOf = (data) => data.candidates[0].content.parts;
const sha = (b64) => crypto.createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');
const last = () => emu.requests[emu.requests.length - 1];

describe('thought signatures on the native route', () => {
	test('a Gemini 3 answer carries a signature on its first part and on its image, bound to them; 2.5 none', async () => {
		const r = await generate(PRO, [user('make a fox in a café')]);
		expect(r.status).toBe(200);
		const [text, image] = partsOf(r.data);
		expect(verify(text.thoughtSignature)).toMatchObject({ kind: 'text', requestId: last().id });
		expect(verify(image.thoughtSignature)).toMatchObject({ kind: 'image', binding: sha(image.inlineData.data) });
		expect(text.thoughtSignature).not.toBe(image.thoughtSignature);
		expect(last().signaturesIssued.map((s) => s.signature)).toEqual([text.thoughtSignature, image.thoughtSignature]);
		expect(last().signaturesIssued[1]).toMatchObject({ part: 1, kind: 'image', sha256: last().imagesSent[0].sha256 });
		expect(last().conversation).toBeNull(); // one turn: no conversation to check

		const old = await generate(FLASH25, [user('make a fox in a café')]);
		expect(partsOf(old.data).some((p) => p.thoughtSignature)).toBe(false);
		expect(last().signaturesIssued).toEqual([]);
	});

	test('drafts get no signature; a forged or edited signature is not accepted by verify()', async () => {
		const r = await generate(PRO, [user('[emu:thoughts] poster')]);
		const parts = partsOf(r.data);
		expect(parts.filter((p) => p.thought).every((p) => p.thoughtSignature === undefined)).toBe(true);
		const sig = parts[4].thoughtSignature;
		expect(verify(sig)).not.toBeNull();
		expect(verify('sig')).toBeNull();
		const text = Buffer.from(sig, 'base64').toString('utf8').replace('"k":"image"', '"k":"text"');
		expect(verify(Buffer.from(text).toString('base64'))).toBeNull();
	});

	test('a later turn that sends the answer back verbatim is accepted, and the exact signatures are recorded', async () => {
		const first = await generate(PRO, [user('make a fox in a café')]);
		const issued = last().signaturesIssued.map((s) => s.signature);
		const modelTurn = { role: 'model', parts: partsOf(first.data) };
		const second = await generate(PRO, [user('make a fox in a café'), modelTurn, user('now make it night')]);
		expect(second.status).toBe(200);
		const conv = last().conversation;
		expect(conv.turns.map((t) => t.role)).toEqual(['user', 'model', 'user']);
		expect(conv.signaturesReceived).toEqual(issued);
		expect(conv.turns[1].parts.map((p) => p.signatureValid)).toEqual([true, true]);
		expect(conv.turns[1].parts[1].sha256).toBe(sha(first.data.candidates[0].content.parts[1].inlineData.data));
		expect(conv.signaturesMissing).toEqual([]);
		// the new image is another one (the whole conversation colours it), with new signatures
		expect(last().imagesSent[0].sha256).not.toBe(emu.requests[0].imagesSent[0].sha256);
		expect(last().signaturesIssued.map((s) => s.signature)).not.toContain(issued[1]);
	});

	test('signatures left out are accepted (as Gemini 3 Pro Image does) but recorded as missing', async () => {
		const first = await generate(PRO, [user('a fox')]);
		const issued = last().signaturesIssued;
		const bare = partsOf(first.data).map(({ thoughtSignature, ...part }) => part);
		const r = await generate(PRO, [user('a fox'), { role: 'model', parts: bare }, user('add rain')]);
		expect(r.status).toBe(200);
		expect(last().conversation.signaturesMissing.map((m) => m.signature)).toEqual(issued.map((s) => s.signature));
		expect(last().conversation.signaturesReceived).toEqual([]);
	});

	test('a signature that was not issued, or moved to another part, is answered 400 before any attempt', async () => {
		const first = await generate(PRO, [user('a fox')]);
		const [text, image] = partsOf(first.data);
		const cases = [
			[{ ...text, thoughtSignature: 'c2lnbmF0dXJl' }, image],
			[
				{ ...text, thoughtSignature: image.thoughtSignature },
				{ ...image, thoughtSignature: text.thoughtSignature },
			],
			[{ ...text, text: 'an edited answer' }, image],
		];
		for (const parts of cases) {
			const r = await generate(PRO, [user('a fox'), { role: 'model', parts }, user('add rain')]);
			expect(r.status).toBe(400);
			expect(r.data.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
			expect(r.data.error.message).toMatch(/thought signature of contents\[1\]\.parts\[0\] is not valid/);
			expect(last()).toMatchObject({ outcome: 'invalid', attempt: null });
			expect(last().conversation.signaturesUnknown).toHaveLength(cases.indexOf(parts) === 1 ? 2 : 1);
		}
		// an image signature on another image
		const other = await generate(PRO, [user('a different fox')]);
		const swapped = { ...partsOf(other.data)[1], thoughtSignature: image.thoughtSignature };
		const r = await generate(PRO, [user('a fox'), { role: 'model', parts: [text, swapped] }, user('add rain')]);
		expect(r.status).toBe(400);
		expect(r.data.error.message).toMatch(/contents\[1\]\.parts\[1\]/);
	});

	test('streamed answers carry the same kind of signatures, on the events of their parts', async () => {
		const r = await generate(PRO, [user('a streamed fox')], true);
		const events = r.data
			.split('\r\n\r\n')
			.filter((e) => e.startsWith('data: '))
			.map((e) => JSON.parse(e.slice(6)));
		const parts = events.flatMap((e) => e.candidates[0].content.parts);
		const signed = parts.filter((p) => p.thoughtSignature);
		expect(signed.map((p) => verify(p.thoughtSignature).kind)).toEqual(['text', 'image']);
		expect(last().signaturesIssued.map((s) => s.signature)).toEqual(signed.map((p) => p.thoughtSignature));
		const back = await generate(PRO, [user('a streamed fox'), { role: 'model', parts: signed }, user('more')], true);
		expect(back.status).toBe(200);
		expect(last().conversation.signaturesReceived).toHaveLength(2);
	});
});

describe('chat model for the AI Agent', () => {
	const tool = {
		type: 'function',
		function: {
			name: 'Gemini_Image',
			description: 'Make an image',
			parameters: {
				type: 'object',
				properties: {
					Prompt: { type: 'string', description: 'what to draw' },
					aspectRatio: { type: 'string' },
					numberOfImages: { type: 'number' },
					style: { type: 'string', enum: ['photo', 'drawing'] },
				},
				required: ['Prompt', 'aspectRatio', 'numberOfImages', 'style'],
			},
		},
	};
	const ask = (messages, extra = {}) => api.post('/v1/chat/completions', { model: 'gpt-4o-mini', messages, tools: [tool], ...extra });

	test("first asks for the tool, with arguments from its schema and the user's message as the prompt", async () => {
		const r = await ask([
			{ role: 'system', content: 'You are a helpful assistant' },
			{ role: 'user', content: 'Draw a lighthouse at dusk [agent:args={"aspectRatio":"16:9"}]' },
		]);
		expect(r.status).toBe(200);
		const choice = r.data.choices[0];
		expect(choice.finish_reason).toBe('tool_calls');
		expect(choice.message.content).toBeNull();
		const call = choice.message.tool_calls[0];
		expect(call).toMatchObject({ type: 'function', id: expect.stringMatching(/^call_/), function: { name: 'Gemini_Image' } });
		expect(JSON.parse(call.function.arguments)).toEqual({
			Prompt: 'Draw a lighthouse at dusk',
			aspectRatio: '16:9',
			numberOfImages: 1,
			style: 'photo',
		});
		expect(last()).toMatchObject({ route: 'agent', scenario: 'agent-tool-call', status: 200 });
		expect(last().agent).toMatchObject({ tools: ['Gemini_Image'], prompt: 'Draw a lighthouse at dusk', toolResults: [] });
	});

	test('after the tool result it answers with the link it got, as a markdown image', async () => {
		const url = 'http://localhost:5678/rest/binary-data/signed?token=a.b.c';
		const r = await ask([
			{ role: 'user', content: 'Draw a lighthouse' },
			{
				role: 'assistant',
				content: null,
				tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Gemini_Image', arguments: '{}' } }],
			},
			{ role: 'tool', tool_call_id: 'call_1', content: JSON.stringify([{ summary: 'Made a PNG image', imageUrl: url }]) },
		]);
		expect(r.data.choices[0]).toMatchObject({
			finish_reason: 'stop',
			message: { role: 'assistant', content: `Here is your image:\n\n![image](${url})` },
		});
		expect(last().agent).toMatchObject({ link: url, reply: r.data.choices[0].message.content, toolCalls: [] });
		expect(last().agent.toolResults[0]).toContain('Made a PNG image');
	});

	test("prefers the tool's imageUrl field to other links in its result", async () => {
		const result = [
			{ echoed: { webhookUrl: 'http://127.0.0.1:5678/webhook/x' }, imageUrl: 'http://127.0.0.1:5678/rest/binary-data/signed?token=t' },
		];
		const r = await ask([
			{ role: 'user', content: 'Draw' },
			{ role: 'tool', tool_call_id: 'x', content: JSON.stringify(result) },
		]);
		expect(r.data.choices[0].message.content).toBe(
			'Here is your image:\n\n![image](http://127.0.0.1:5678/rest/binary-data/signed?token=t)',
		);
	});

	test('without a link in the tool result it says so and quotes the result', async () => {
		const r = await ask([
			{ role: 'user', content: 'Draw' },
			{ role: 'tool', tool_call_id: 'x', content: '[{"imageUrl":null,"noLinkReason":"No link: memory"}]' },
		]);
		expect(r.data.choices[0].message.content).toBe(
			'The tool made no link to show. It said: [{"imageUrl":null,"noLinkReason":"No link: memory"}]',
		);
		expect(last().agent.link).toBeNull();
	});

	test('streams tool calls and replies as chat.completion.chunk events, ending with [DONE]', async () => {
		const r = await ask([{ role: 'user', content: 'Draw a kite' }], { stream: true, stream_options: { include_usage: true } });
		expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
		const data = r.data
			.split('\n\n')
			.filter((e) => e.startsWith('data: '))
			.map((e) => e.slice(6));
		expect(data[data.length - 1]).toBe('[DONE]');
		const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
		expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
		const args = chunks
			.flatMap((c) => c.choices.flatMap((ch) => ch.delta.tool_calls || []))
			.map((t) => t.function.arguments)
			.join('');
		expect(JSON.parse(args).Prompt).toBe('Draw a kite');
		expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');
		expect(chunks[chunks.length - 1].usage).toBeDefined();
		const reply = await ask(
			[
				{ role: 'user', content: 'x' },
				{ role: 'tool', tool_call_id: 'c', content: 'see https://example.com/i.png' },
			],
			{ stream: true },
		);
		const text = reply.data
			.split('\n\n')
			.filter((e) => e.startsWith('data: {'))
			.map((e) => JSON.parse(e.slice(6)).choices[0].delta.content || '')
			.join('');
		expect(text).toBe('Here is your image:\n\n![image](https://example.com/i.png)');
	});

	test('a wrong key is refused like on every route; a chat request without tools still makes an image', async () => {
		const r = await axios.post(
			`${emu.url}/v1/chat/completions`,
			{ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], tools: [tool] },
			{ headers: { Authorization: 'Bearer nope' }, validateStatus: () => true },
		);
		expect(r.status).toBe(401);
		const image = await api.post('/v1/chat/completions', { model: FLASH25, messages: [{ role: 'user', content: 'a cat' }] });
		expect(image.status).toBe(200);
		expect(image.data.choices[0].message.content).toMatch(/data:image\/png;base64,/);
		expect(last().route).toBe('chat');
	});
});
