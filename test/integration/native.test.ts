/**
 * The node's real execute() (n8n-core's ExecuteContext, binary storage and HTTP helper) against the CometAPI
 * emulator over real HTTP, on the Gemini-native route.
 */
import { API_KEY, everything, images, imageToImage, model, sha256, textToImage, useEmulator } from './setup';

const t = useEmulator();
const png = (w = 64, h = 48, rgb = [10, 20, 30]) => images.solidPng(w, h, rgb).buffer as Buffer;
const jpeg = () => images.fixture('jpeg').buffer as Buffer;

describe('text to image', () => {
	it('turns a prompt into one output item with the exact bytes the API sent', async () => {
		const result = await t.run({ parameters: textToImage('A fox in a café') });
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		const [req] = t.emu.requests;
		expect(req.path).toBe('/v1beta/models/gemini-2.5-flash-image:generateContent');
		expect(req.auth).toBe('bearer');
		expect(req.body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'A fox in a café' }] }] });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(sha256(item.binary!.data.data)).toBe(req.imagesSent[0].sha256);
		expect(item.binary!.data.meta).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: 'gemini-image-0.png' });
		expect(item.json).toMatchObject({
			model: 'gemini-2.5-flash-image',
			text: 'Here is your image.',
			finishReason: 'STOP',
			mimeType: 'image/png',
			fileSize: item.binary!.data.data.length,
			width: 1024,
			height: 1024,
			imageIndex: 0,
			imageCount: 1,
		});
		expect(item.json.usage.totalTokens).toBeGreaterThan(0);
	});

	it('sends only the options set, and they reach the API', async () => {
		const result = await t.run({
			parameters: textToImage(
				'wide',
				{ aspectRatio: '16:9', imageSize: '2k', responseModalities: 'IMAGE' },
				{ model: model('gemini-3-pro-image-preview') },
			),
		});
		expect(result.error).toBeUndefined();
		const [req] = t.emu.requests;
		expect(req.body.generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } });
		expect(req.asked).toMatchObject({ aspectRatio: '16:9', imageSize: '2K' });
		expect(result.items[0].json).toMatchObject({ width: 2688, height: 1536 });
	});

	it('puts the image in the chosen output binary field', async () => {
		const result = await t.run({ parameters: textToImage('x', { binaryPropertyOutput: 'picture' }) });
		expect(Object.keys(result.items[0].binary!)).toEqual(['picture']);
	});

	it('trusts the bytes over the label: JPEG labelled image/png comes out as .jpg', async () => {
		const result = await t.run({ parameters: textToImage('[emu:jpeg-as-png]') });
		const { meta, data } = result.items[0].binary!.data;
		expect(meta).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpg', fileName: 'gemini-image-0.jpg' });
		expect(data.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
		expect(sha256(data)).toBe(t.emu.requests[0].imagesSent[0].sha256);
	});

	it('skips draft images of thinking models and returns the final one', async () => {
		const result = await t.run({ parameters: textToImage('poster [emu:thoughts]', {}, { model: model('gemini-3-pro-image-preview') }) });
		expect(result.items).toHaveLength(1);
		const final = t.emu.requests[0].imagesSent.find((i: any) => i.role === 'final');
		expect(sha256(result.items[0].binary!.data.data)).toBe(final.sha256);
		expect(result.items[0].json.text).toBe('Here is your poster.');
	});

	it('reads snake_case answers', async () => {
		const result = await t.run({ parameters: textToImage('[emu:snake]') });
		expect(result.error).toBeUndefined();
		expect(sha256(result.items[0].binary!.data.data)).toBe(t.emu.requests[0].imagesSent[0].sha256);
		expect(result.items[0].json.finishReason).toBe('STOP');
	});

	it('gives one output item per image, in order, paired with the input item', async () => {
		const result = await t.run({ parameters: textToImage('[emu:multi]') });
		expect(result.items.map((i) => i.json.imageIndex)).toEqual([0, 1]);
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
		expect(result.items.map((i) => sha256(i.binary!.data.data))).toEqual(t.emu.requests[0].imagesSent.map((i: any) => i.sha256));
	});

	it('stores output in filesystem binary mode as n8n does', async () => {
		const result = await t.run({ parameters: textToImage('fs'), binaryMode: 'filesystem' });
		const { meta, data } = result.items[0].binary!.data;
		expect(meta.id).toMatch(/^filesystem/);
		expect(sha256(data)).toBe(t.emu.requests[0].imagesSent[0].sha256);
	});
});

describe('image to image', () => {
	it('sends the named binary fields in order, as raw base64 with the MIME type from the bytes', async () => {
		const a = png();
		const b = jpeg();
		const result = await t.run({
			parameters: imageToImage('combine', 'second, first'),
			items: [{ binary: { first: { data: a, mimeType: 'image/png' }, second: { data: b, mimeType: 'application/octet-stream' } } }],
		});
		expect(result.error).toBeUndefined();
		const [req] = t.emu.requests;
		expect(req.imagesReceived.map((i: any) => i.sha256)).toEqual([sha256(b), sha256(a)]);
		expect(req.imagesReceived.map((i: any) => i.mimeType)).toEqual(['image/jpeg', 'image/png']);
		expect(req.body.contents[0].parts[1].inlineData.data.startsWith('data:')).toBe(false);
		expect(req.body.contents[0].parts[0]).toEqual({ text: 'combine' });
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('reads input binaries stored in filesystem mode', async () => {
		const a = png(8, 8);
		const result = await t.run({
			parameters: imageToImage('edit'),
			items: [{ binary: { data: { data: a, mimeType: 'image/png' } } }],
			binaryMode: 'filesystem',
		});
		expect(result.error).toBeUndefined();
		expect(t.emu.requests[0].imagesReceived[0].sha256).toBe(sha256(a));
	});
});

describe('checks before any request', () => {
	const cases: Array<[string, any, RegExp]> = [
		['a blank prompt', { parameters: textToImage('   ') }, /^Prompt is empty \[item 0\]$/],
		[
			'a missing binary field',
			{ parameters: imageToImage('x', 'photo'), items: [{ binary: { data: { data: png() } } }] },
			/^The item has no binary field "photo" \(named in Input Binary Fields\) \[item 0\]$/,
		],
		[
			'a GIF input',
			{
				parameters: imageToImage('x'),
				items: [{ binary: { data: { data: images.fixture('gif').buffer, mimeType: 'image/gif' } } }],
			},
			/Binary field "data" is a GIF image \(labelled image\/gif\), which Gemini does not accept \[item 0\]/,
		],
		[
			'a PDF labelled PNG',
			{ parameters: imageToImage('x'), items: [{ binary: { data: { data: Buffer.from('%PDF-1.7\n1 0 obj'), mimeType: 'image/png' } } }] },
			/is a PDF document/,
		],
		[
			'15 input images',
			{
				parameters: imageToImage('x', Array.from({ length: 15 }, (_, i) => `f${i}`).join(',')),
				items: [{ binary: Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`f${i}`, { data: png() }])) }],
			},
			/Too many input images: 15 .* at most 14/,
		],
		[
			'input over the size limit',
			{
				parameters: imageToImage('x', 'data', { maxInputMb: 1 }),
				items: [{ binary: { data: { data: images.sizedPng(1.5 * 1024 * 1024).buffer } } }],
			},
			/The input images are too large: 1\.5 MB .* the limit is 1\.0 MB \[item 0\]/,
		],
		[
			'an image size the model lacks',
			{ parameters: textToImage('x', { imageSize: '4K' }) },
			/Image Size "4K" is not available on gemini-2.5-flash-image/,
		],
	];
	it.each(cases)('rejects %s with a clear message and sends nothing', async (_name, opts, message) => {
		const result = await t.run(opts);
		expect(result.error?.message).toMatch(message);
		// n8n shows the description under the message: how to fix it, in a sentence
		expect((result.error as any).description).toMatch(/\w+ \w+.*\.$/);
		expect(t.emu.requests).toHaveLength(0);
	});

	it('a bad item 2 stops the run before items 0 and 1 cost anything', async () => {
		const result = await t.run({
			parameters: { ...textToImage('={{ $json.p }}') },
			items: [{ json: { p: 'a' } }, { json: { p: 'b' } }, { json: { p: '' } }],
		});
		expect(result.error?.message).toBe('Prompt is empty [item 2]');
		expect(t.emu.requests).toHaveLength(0);
	});
});

describe('no image in an HTTP 200', () => {
	const cases: Array<[string, RegExp]> = [
		['image-safety', /^The model refused to make the image \(IMAGE_SAFETY\)\. Unable to show the generated image/],
		['blocked', /^The prompt was blocked before any image was made \(PROHIBITED_CONTENT\)/],
		['text-only', /^The model answered with text only, no image\. The model said: "I can't draw that/],
		['no-image', /^The model did not produce an image \(NO_IMAGE\)/],
		['empty-parts', /^The model returned no image and no text \(finish reason STOP\)/],
		['empty-image', /^The answer held an image that could not be read \(labelled image\/png\): it is empty \(0 bytes\)/],
	];
	it.each(cases)('%s is an error that says why, never a 0-byte image', async (scenario, message) => {
		const result = await t.run({ parameters: textToImage(`[emu:${scenario}]`) });
		expect(result.items).toHaveLength(0);
		expect(result.error?.message).toMatch(message);
		expect(t.emu.requests).toHaveLength(1); // refusals are not retried
	});

	it("the error's details (what n8n shows under it) hold the finish and block reasons", async () => {
		const refused = await t.run({ parameters: textToImage('[emu:image-safety]') });
		expect((refused.error as any).errorResponse).toMatchObject({ finishReason: 'IMAGE_SAFETY', blockReason: null });
		const blocked = await t.run({ parameters: textToImage('[emu:blocked]') });
		expect((blocked.error as any).errorResponse).toMatchObject({ finishReason: null, blockReason: 'PROHIBITED_CONTENT' });
	});

	it('with Continue On Fail the refused item carries the error and the others keep their images, in order', async () => {
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}'),
			items: [{ json: { p: 'one' } }, { json: { p: 'two [emu:image-safety]' } }, { json: { p: 'three' } }],
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// items 0 and 2 hold the very images the emulator sent for their prompts
		const sentFor = (prompt: string) => t.emu.requests.find((r: any) => r.asked.promptText === prompt).imagesSent[0].sha256;
		expect(sha256(result.items[0].binary!.data.data)).toBe(sentFor('one'));
		expect(result.items[1].binary).toBeUndefined();
		expect(result.items[1].json.error).toMatch(/^The model refused to make the image \(IMAGE_SAFETY\)\. .+ \[item 1\]$/);
		expect(result.items[1].json.description).toBe('The safety filter rejected the result: rephrase the prompt.');
		expect(sha256(result.items[2].binary!.data.data)).toBe(sentFor('three'));
	});
});

describe('HTTP errors', () => {
	it('401: a wrong key says to check the key, and the key appears nowhere', async () => {
		const result = await t.run({
			parameters: textToImage('x'),
			credentials: { apiKey: 'sk-wrong-key-abcdefghijklmnop', baseUrl: t.emu.url },
		});
		expect(result.error?.message).toMatch(/^CometAPI answered 401 Unauthorized: Invalid token \(request id: \d+/);
		expect((result.error as any).description).toMatch(/API key/);
		expect(everything(result)).not.toContain('sk-wrong-key-abcdefghijklmnop');
		expect(t.emu.requests).toHaveLength(1);
	});

	it('503 model_not_found names the model and is not retried', async () => {
		const result = await t.run({ parameters: textToImage('x', {}, { model: model('unknown-model-x') }) });
		expect(result.error?.message).toMatch(/^CometAPI answered 503 Service Unavailable: model_not_found/);
		expect((result.error as any).description).toMatch(/"unknown-model-x"/);
		// the account's image models, from GET /v1/models, so the user can pick one that exists
		expect((result.error as any).description).toMatch(
			/Image models on this account, newest first: gemini-nano-banana-2\.1 \(Nano Banana 2\.1\), /,
		);
		expect((result.error as any).description).not.toMatch(/gpt-4o|gpt-image/);
		expect(t.emu.requests.map((r: any) => r.route)).toEqual(['native', 'models']);
	});

	it.each([
		['html', /HTML page/, /Base URL/],
		['redirect', /301/, /Base URL/],
		['error-404', /404 Not Found/, /Base URL/],
		['error-413', /413 Payload Too Large: request entity too large/, /too large/],
		['error-500-invalid', /500 Internal Server Error/, /rejected the request/],
		['error-400-google', /400 Bad Request/, /rejected the request/],
		['error-402', /402/, /credit/],
		['error-403', /403/, /permissions/],
	])('%s: message and fix, one request', async (scenario, message, fix) => {
		const result = await t.run({ parameters: textToImage(`[emu:${scenario}]`) });
		expect(result.error?.message).toMatch(message);
		expect((result.error as any).description).toMatch(fix);
		expect(t.emu.requests).toHaveLength(1);
	});

	it('a base URL pointing at a website path says so', async () => {
		const result = await t.run({ parameters: textToImage('x'), credentials: { apiKey: API_KEY, baseUrl: `${t.emu.url}/some/site` } });
		expect(result.error?.message).toMatch(/404/);
		expect((result.error as any).description).toMatch(/Base URL/);
	});

	it('a trailing slash or /v1 on the base URL works', async () => {
		for (const suffix of ['/', '/v1', '/v1/']) {
			const result = await t.run({ parameters: textToImage('x'), credentials: { apiKey: API_KEY, baseUrl: `${t.emu.url}${suffix}` } });
			expect(result.error).toBeUndefined();
		}
	});
});
