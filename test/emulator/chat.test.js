'use strict';
// Tests of the CometAPI emulator (emulator/), with axios as the client.
// The chat route (POST /v1/chat/completions): streamed and whole answers, scenarios, checks.
const images = require('../../emulator/images');
const H = require('./helpers');

const { KEY, IMAGE_MODEL, body, generate, imageParts, decode, sha, readPng } = H;

let emu, api; // set by H.useEmulator
H.useEmulator((e, a) => ([emu, api] = [e, a]));

describe('chat route (POST /v1/chat/completions)', () => {
	const chatBody = (prompt, { model = IMAGE_MODEL, stream = true, imageConfig, inputs = [], system, google, extra } = {}) => {
		const content = [{ type: 'text', text: prompt }, ...inputs.map((url) => ({ type: 'image_url', image_url: { url } }))];
		const messages = [];
		if (system) messages.push({ role: 'system', content: system });
		messages.push({ role: 'user', content });
		const b = { model, messages };
		if (stream !== undefined) b.stream = stream;
		const g = Object.assign({}, google);
		if (imageConfig) g.image_config = imageConfig;
		if (Object.keys(g).length) b.extra_body = { google: g };
		return Object.assign(b, extra);
	};
	const chat = (prompt, opts = {}) =>
		api.post('/v1/chat/completions', opts.raw !== undefined ? opts.raw : chatBody(prompt, opts), {
			responseType: 'text',
			transformResponse: [(d) => d],
			headers: Object.assign({ 'Content-Type': 'application/json' }, opts.headers),
			transformRequest: opts.raw !== undefined ? [(d) => d] : undefined,
		});
	// `data:` payloads of an LF-separated stream, JSON-parsed ([DONE] kept as the string).
	const chatEvents = (text) =>
		text
			.split('\n\n')
			.filter((e) => e.startsWith('data: '))
			.map((e) => (e === 'data: [DONE]' ? '[DONE]' : JSON.parse(e.slice(6))));
	const contentOf = (ev) =>
		ev
			.filter((e) => e !== '[DONE]' && e.choices)
			.map((e) => e.choices[0].delta.content || '')
			.join('');
	const MD_IMAGE = /!\[image\]\(data:(image\/[a-z]+);base64,([A-Za-z0-9+/=]+)\)/g;
	const markdownImages = (content) => [...content.matchAll(MD_IMAGE)].map((m) => ({ mimeType: m[1], buf: Buffer.from(m[2], 'base64') }));
	const expectOpenAi400 = (r, msg) => {
		expect(r.status).toBe(400);
		const data = JSON.parse(r.data);
		expect(Object.keys(data.error).sort()).toEqual(['code', 'message', 'param', 'type']);
		expect(data.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
		expect(data.error.message).toMatch(msg);
	};

	test('stream: PING, chunks, markdown image of the asked size, finish chunk with usage, [DONE]', async () => {
		const r = await chat('a chat cat', {
			system: 'be brief',
			imageConfig: { aspect_ratio: '16:9', image_size: '2K' },
			google: {
				response_modalities: ['TEXT', 'IMAGE'],
				safety_settings: [{ category: 'x', threshold: 'y' }],
				tools: [{ google_search: {} }],
			},
			extra: { temperature: 0.5, top_p: 0.9, seed: 7 },
		});
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/^text\/event-stream/);
		expect(r.data.startsWith(': PING\n\n')).toBe(true);
		expect(r.data.endsWith('data: [DONE]\n\n')).toBe(true);
		expect(r.data).not.toMatch(/\r/);
		const ev = chatEvents(r.data);
		expect(ev).toHaveLength(4);
		expect(ev[3]).toBe('[DONE]');
		for (const e of ev.slice(0, 3)) {
			expect(e).toMatchObject({ object: 'chat.completion.chunk', model: IMAGE_MODEL, id: ev[0].id });
			expect(typeof e.created).toBe('number');
		}
		expect(ev[0].id).toMatch(/^chatcmpl-/);
		expect(ev[0].choices).toEqual([{ index: 0, delta: { role: 'assistant', content: 'Here is your image.\n\n' }, finish_reason: null }]);
		// the image: one chunk, one SSE line, a markdown data URL
		const imgLine = r.data.split('\n').find((l) => l.includes('base64,'));
		const m = /^!\[image\]\(data:image\/png;base64,([A-Za-z0-9+/=]+)\)$/.exec(ev[1].choices[0].delta.content);
		expect(m).not.toBeNull();
		expect(imgLine).toContain(m[1]);
		const png = Buffer.from(m[1], 'base64');
		expect(readPng(png)).toMatchObject({ width: 2688, height: 1536 });
		expect(ev[2].choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
		const u = ev[2].usage;
		expect(u.prompt_tokens).toBeGreaterThan(0);
		expect(u.completion_tokens).toBeGreaterThan(0);
		expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
		// recorded
		const rec = emu.requests[0];
		expect(rec).toMatchObject({
			route: 'chat',
			model: IMAGE_MODEL,
			stream: true,
			scenario: 'ok',
			status: 200,
			outcome: 'answered',
			attempt: 1,
			auth: 'bearer',
		});
		expect(rec.asked).toMatchObject({
			aspectRatio: '16:9',
			imageSize: '2K',
			responseModalities: ['TEXT', 'IMAGE'],
			temperature: 0.5,
			topP: 0.9,
			seed: 7,
			systemInstruction: 'be brief',
			tools: ['google_search'],
			safetySettings: 1,
			promptText: 'a chat cat',
			stream: true,
		});
		expect(rec.imagesSent).toEqual([
			expect.objectContaining({ sha256: sha(png), role: 'final', mimeType: 'image/png', type: 'png', width: 2688, height: 1536 }),
		]);
		// the same bytes as the native route for the same prompt and size
		const native = await generate('a chat cat', { gen: { imageConfig: { aspectRatio: '16:9', imageSize: '2K' } } });
		expect(decode(imageParts(native.data)[0]).equals(png)).toBe(true);
	});

	test('stream false or absent: one chat.completion object; input images and plain-string content', async () => {
		const input = Buffer.from(images.solidPng(8, 8, [1, 2, 3]).buffer);
		const r = await chat('plain', { stream: false, inputs: [`data:image/png;base64,${input.toString('base64')}`] });
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toMatch(/^application\/json/);
		const data = JSON.parse(r.data);
		expect(data).toMatchObject({ object: 'chat.completion', model: IMAGE_MODEL });
		expect(data.choices[0].finish_reason).toBe('stop');
		expect(data.choices[0].message.role).toBe('assistant');
		expect(data.choices[0].message.content.startsWith('Here is your image.\n\n![image](data:image/png;base64,')).toBe(true);
		const [img] = markdownImages(data.choices[0].message.content);
		expect(readPng(img.buf).width).toBe(1024);
		expect(data.usage.total_tokens).toBe(data.usage.prompt_tokens + data.usage.completion_tokens);
		const rec = emu.requests[0];
		expect(rec.stream).toBe(false);
		expect(rec.imagesReceived).toEqual([
			expect.objectContaining({
				key: 'image_url',
				content: 0,
				part: 1,
				mimeType: 'image/png',
				sha256: sha(input),
				detectedType: 'png',
				width: 8,
				height: 8,
			}),
		]);
		expect(rec.imagesSent[0].sha256).toBe(sha(img.buf));
		// absent stream, string content
		const s = await chat('', {
			raw: JSON.stringify({ model: IMAGE_MODEL, messages: [{ role: 'user', content: 'plain string [emu:text-only]' }] }),
		});
		expect(JSON.parse(s.data).choices[0].message.content).toMatch(/^I can't draw that/);
		expect(emu.requests[1]).toMatchObject({ stream: false, scenario: 'text-only' });
		expect(emu.requests[1].asked.promptText).toBe('plain string [emu:text-only]');
	});

	test('thoughts: drafts first, the last image is byte-identical to ok', async () => {
		const ok = markdownImages(contentOf(chatEvents((await chat('poster', { imageConfig: { aspect_ratio: '3:4' } })).data)));
		const r = await chat('poster', { imageConfig: { aspect_ratio: '3:4' }, headers: { 'x-emulator-scenario': 'thoughts' } });
		const ev = chatEvents(r.data);
		expect(ev[0].choices[0].delta.reasoning_content).toBe('thinking...');
		const imgs = markdownImages(contentOf(ev));
		expect(imgs).toHaveLength(3);
		expect(imgs[0].buf.equals(imgs[2].buf)).toBe(false);
		expect(imgs[2].buf.equals(ok[0].buf)).toBe(true);
		// each image in its own chunk
		expect(ev.filter((e) => e.choices && /!\[image\]/.test(e.choices[0].delta.content || ''))).toHaveLength(3);
		expect(emu.requests[1].imagesSent.map((i) => i.role)).toEqual(['draft', 'draft', 'final']);
		expect(emu.requests[1].imagesSent[2].sha256).toBe(sha(ok[0].buf));
	});

	test('image-safety / content-filter: no image, finish_reason content_filter, empty content', async () => {
		for (const name of ['content-filter', 'image-safety']) {
			const ev = chatEvents((await chat(`[emu:${name}] p`)).data);
			expect(contentOf(ev)).toBe('');
			expect(ev[ev.length - 2].choices[0].finish_reason).toBe('content_filter');
			expect(ev[ev.length - 1]).toBe('[DONE]');
			const nonStream = JSON.parse((await chat(`[emu:${name}] p`, { stream: false })).data);
			expect(nonStream.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: '' } });
		}
		expect(emu.requests.every((r) => r.imagesSent.length === 0)).toBe(true);
	});

	test('multi, jpeg-as-png, images-array', async () => {
		const multi = markdownImages(contentOf(chatEvents((await chat('[emu:multi] m')).data)));
		expect(multi).toHaveLength(2);
		expect(multi[0].buf.equals(multi[1].buf)).toBe(false);
		const jpeg = markdownImages(contentOf(chatEvents((await chat('[emu:jpeg-as-png] j')).data)));
		expect(jpeg[0].mimeType).toBe('image/png');
		expect(jpeg[0].buf.subarray(0, 3).toString('hex')).toBe('ffd8ff');
		const ev = chatEvents((await chat('[emu:images-array] a')).data);
		expect(contentOf(ev)).toBe('Here is your image.');
		const withImages = ev.filter((e) => e.choices && e.choices[0].delta.images);
		expect(withImages).toHaveLength(1);
		const entry = withImages[0].choices[0].delta.images[0];
		expect(entry.type).toBe('image_url');
		const m = /^data:image\/png;base64,(.+)$/.exec(entry.image_url.url);
		expect(readPng(Buffer.from(m[1], 'base64')).width).toBe(1024);
		const nonStream = JSON.parse((await chat('[emu:images-array] a', { stream: false })).data);
		expect(nonStream.choices[0].message.images[0].image_url.url).toBe(entry.image_url.url);
	});

	test('stream-error: a first content chunk, then the error event, no [DONE]; 500 when not streamed', async () => {
		const r = await chat('[emu:stream-error] p');
		expect(r.status).toBe(200);
		const ev = chatEvents(r.data);
		expect(ev).toHaveLength(2);
		expect(ev[0].choices[0].delta.content).toBe('Here is your image.');
		expect(ev[1]).toEqual({ error: { message: 'upstream error', type: 'comet_api_error', code: '500' } });
		expect(r.data).not.toMatch(/\[DONE\]/);
		expect(emu.requests[0].imagesSent).toEqual([]);
		const plain = await chat('[emu:stream-error] p', { stream: false });
		expect(plain.status).toBe(500);
		expect(JSON.parse(plain.data).error.type).toBe('comet_api_error');
	});

	test('truncate: the stream is cut in the middle of the image chunk, no [DONE]', async () => {
		const r = await chat('[emu:truncate] p');
		expect(r.status).toBe(200);
		const parts = r.data.split('\n\n');
		expect(parts[0]).toBe(': PING');
		expect(JSON.parse(parts[1].slice(6)).choices[0].delta.content).toBe('Here is your image.\n\n');
		expect(parts[2]).toMatch(/^data: .*base64,/);
		expect(() => JSON.parse(parts[2].slice(6))).toThrow();
		expect(parts).toHaveLength(3);
		expect(r.data).not.toMatch(/\[DONE\]|finish_reason":"stop/);
		expect(emu.requests[0]).toMatchObject({ outcome: 'truncated', imagesSent: [] });
		// attempt 2 of the same identity answers whole
		expect(chatEvents((await chat('[emu:truncate] p')).data).pop()).toBe('[DONE]');
	});

	test('size=: the big image comes whole in one line', async () => {
		const r = await chat('[emu:size=3MB] big');
		const line = r.data.split('\n').find((l) => l.includes('base64,'));
		const [img] = markdownImages(JSON.parse(line.slice(6)).choices[0].delta.content);
		expect(Math.abs(img.buf.length - 3 * 1024 * 1024)).toBeLessThan(4000);
		expect(readPng(img.buf).width).toBeGreaterThan(0);
		expect(emu.requests[0].imagesSent[0].sha256).toBe(sha(img.buf));
	});

	test('auth: Bearer or bare Authorization only; 401 CometAPI envelope', async () => {
		expect((await chat('a', { headers: { Authorization: KEY } })).status).toBe(200);
		for (const headers of [{ Authorization: 'Bearer nope' }, { Authorization: '' }, { Authorization: '', 'x-goog-api-key': KEY }]) {
			const r = await chat('a', { headers });
			expect(r.status).toBe(401);
			const err = JSON.parse(r.data).error;
			expect(err).toMatchObject({ type: 'comet_api_error', param: '', code: '' });
			expect(err.message).toMatch(/^Invalid token \(request id: /);
		}
		expect(emu.requests.map((r) => r.outcome)).toEqual(['answered', 'unauthorized', 'unauthorized', 'unauthorized']);
		expect(emu.requests[0].auth).toBe('bare');
	});

	test('unknown model -> 503 model_not_found', async () => {
		const r = await chat('x', { model: 'unknown-model-9' });
		expect(r.status).toBe(503);
		const err = JSON.parse(r.data).error;
		expect(err.code).toBe('model_not_found');
		expect(err.message).toMatch(/^model_not_found: no available channel for model unknown-model-9 \(request id: /);
		expect(emu.requests[0]).toMatchObject({ outcome: 'model-not-found', attempt: null, model: 'unknown-model-9' });
	});

	test('400s in the OpenAI envelope', async () => {
		const png = images.solidPng(4, 4, [9, 9, 9]).base64;
		expectOpenAi400(await chat('', { raw: '{not json' }), /could not parse the JSON body/);
		expectOpenAi400(await chat('', { raw: JSON.stringify({ model: IMAGE_MODEL, stream: true }) }), /messages/);
		expectOpenAi400(await chat('', { raw: JSON.stringify({ model: IMAGE_MODEL, stream: true, messages: [] }) }), /messages/);
		expectOpenAi400(await chat('x', { inputs: ['https://example.com/cat.png'] }), /image_url.*data: URL/);
		expectOpenAi400(await chat('x', { inputs: ['data:image/gif;base64,R0lGODlh'] }), /unsupported MIME type "image\/gif"/);
		expectOpenAi400(await chat('x', { inputs: ['data:image/png;base64,not base64!'] }), /base64 decoding failed/);
		expectOpenAi400(await chat('x', { inputs: ['data:image/png,rawdata'] }), /data: URL/);
		expectOpenAi400(await chat('x', { imageConfig: { image_size: '1k' } }), /image_size.*"1k"/);
		expectOpenAi400(await chat('x [emu:nope]'), /\[emulator\] unknown emulator scenario or directive 'nope'/);
		expect(emu.requests.every((r) => r.outcome === 'invalid' && r.attempt === null)).toBe(true);
		for (const size of ['512', '1K', '2K', '4K'])
			expect((await chat('x', { imageConfig: { image_size: size }, inputs: [`data:image/png;base64,${png}`] })).status).toBe(200);
	});

	test('error scenarios and faults are HTTP errors before the stream; latency sends PINGs', async () => {
		const e402 = await chat('[emu:error-402] p');
		expect(e402.status).toBe(402);
		expect(e402.headers['content-type']).toMatch(/^application\/json/);
		expect(JSON.parse(e402.data).error.code).toBe('insufficient_quota');
		const g429 = JSON.parse((await chat('[emu:error-429-google] p')).data).error;
		expect(g429).toMatchObject({ type: 'comet_api_error', code: 'RESOURCE_EXHAUSTED' });
		expect((await chat('[emu:html] p')).headers['content-type']).toMatch(/^text\/html/);
		expect((await chat('[emu:redirect] p')).status).toBe(301);
		expect((await chat('[emu:fail=503x1] f')).status).toBe(503);
		expect((await chat('[emu:fail=503x1] f')).status).toBe(200);
		expect(emu.requests.slice(-2).map((r) => r.attempt)).toEqual([1, 2]);
		// latency: a PING at once and another each second, then the chunks
		const t0 = Date.now();
		const slow = await chat('[emu:latency=1100] slow');
		expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
		expect(slow.data.startsWith(': PING\n\n: PING\n\ndata: ')).toBe(true);
	});
});
