/**
 * The OpenAI-compatible chat route (apiFormat: openAiChat): same workflow, same output, other wire format.
 */
import { images, imageToImage, sha256, textToImage, useEmulator } from './setup';

const t = useEmulator();
const chat = (options: object = {}) => ({ apiFormat: 'openAiChat', ...options });

describe('chat route', () => {
	it('streams text to image and gives the same output item as the native route', async () => {
		const result = await t.run({
			parameters: textToImage('A fox', chat({ aspectRatio: '16:9' }), {
				model: { __rl: true, mode: 'id', value: 'gemini-3-pro-image-preview' },
			}),
		});
		expect(result.error).toBeUndefined();
		const [req] = t.emu.requests;
		expect(req.path).toBe('/v1/chat/completions');
		expect(req.body.stream).toBe(true);
		expect(req.body.extra_body).toEqual({ google: { image_config: { aspect_ratio: '16:9' } } });
		expect(req.asked).toMatchObject({ aspectRatio: '16:9' });
		const [item] = result.items;
		expect(sha256(item.binary!.data.data)).toBe(req.imagesSent[0].sha256);
		expect(item.json).toMatchObject({ mimeType: 'image/png', width: 1344, height: 768, finishReason: 'STOP', imageCount: 1 });
		expect(item.json.text).toBe('Here is your image.');
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('sends input images as data URLs, in order', async () => {
		const a = images.solidPng(8, 8, [1, 2, 3]).buffer;
		const b = images.fixture('jpeg').buffer;
		const result = await t.run({
			parameters: imageToImage('merge', 'b, a', chat()),
			items: [{ binary: { a: { data: a, mimeType: 'image/png' }, b: { data: b } } }],
		});
		expect(result.error).toBeUndefined();
		const [req] = t.emu.requests;
		expect(req.imagesReceived.map((i: any) => i.sha256)).toEqual([sha256(b), sha256(a)]);
		expect(req.body.messages[0].content[1].image_url.url.startsWith('data:image/jpeg;base64,')).toBe(true);
	});

	it('takes the last image of a thinking model (drafts come first)', async () => {
		const result = await t.run({ parameters: textToImage('[emu:thoughts]', chat()) });
		const final = t.emu.requests[0].imagesSent.find((i: any) => i.role === 'final');
		expect(result.items).toHaveLength(1);
		expect(sha256(result.items[0].binary!.data.data)).toBe(final.sha256);
	});

	it('reads JPEG bytes labelled PNG, images arrays and answers that are not streamed', async () => {
		const jpeg = await t.run({ parameters: textToImage('[emu:jpeg-as-png]', chat()) });
		expect(jpeg.items[0].binary!.data.meta.mimeType).toBe('image/jpeg');
		expect(sha256(jpeg.items[0].binary!.data.data)).toBe(t.emu.requests[0].imagesSent[0].sha256);
		const arr = await t.run({ parameters: textToImage('[emu:images-array]', chat()) });
		expect(arr.error).toBeUndefined();
		expect(sha256(arr.items[0].binary!.data.data)).toBe(t.emu.requests[1].imagesSent[0].sha256);
		// a gateway that answers one JSON object although the node asks for a stream
		const plain = await t.run({ parameters: textToImage('[emu:nostream] [emu:jpeg-as-png]', chat()) });
		expect(t.emu.requests[2]).toMatchObject({ stream: true, streamed: false });
		expect(plain.items[0].binary!.data.meta.mimeType).toBe('image/jpeg');
		expect(sha256(plain.items[0].binary!.data.data)).toBe(t.emu.requests[2].imagesSent[0].sha256);
	});

	it('a content_filter finish is a refusal; Continue On Fail keeps the other items', async () => {
		const result = await t.run({
			parameters: textToImage('={{ $json.p }}', chat()),
			items: [{ json: { p: 'ok' } }, { json: { p: 'no [emu:content-filter]' } }],
			continueOnFail: true,
		});
		expect(result.items[0].binary!.data.meta.mimeType).toMatch(/^image\//);
		expect(result.items[1].json.error).toMatch(/^The model refused to make the image \(CONTENT_FILTER\)/);
		expect(result.items[1].pairedItem).toEqual({ item: 1 });
	});

	it('an error inside the stream is an error, retried like a 500', async () => {
		const result = await t.run({ parameters: textToImage('[emu:stream-error]', chat({ maxRetries: 1 })) });
		expect(result.error?.message).toBe('CometAPI answered 500 Internal Server Error: upstream error (gave up after 2 attempts) [item 0]');
		expect(t.emu.requests).toHaveLength(2);
	});

	it('a stream cut before [DONE] is retried', async () => {
		const result = await t.run({ parameters: textToImage('[emu:truncate=1]', chat()) });
		expect(result.error).toBeUndefined();
		expect(t.emu.requests).toHaveLength(2);
	});

	it('HTTP errors read the same as on the native route', async () => {
		const result = await t.run({ parameters: textToImage('x', chat(), { model: { __rl: true, mode: 'id', value: 'unknown-model' } }) });
		expect(result.error?.message).toMatch(/503 Service Unavailable: model_not_found/);
	});
});
