/** The request bodies of both routes and their paths. Pure. */
import { isImagePart, historyContents } from './conversation';
import type { GenerationInput, ImageEncoder } from './interfaces';

type Json = Record<string, unknown>;

export const CHAT_PATH = '/v1/chat/completions';

export function nativePath(model: string, streaming = false): string {
	const method = streaming ? 'streamGenerateContent?alt=sse' : 'generateContent';
	return `/v1beta/models/${encodeURIComponent(model)}:${method}`;
}

/** The plain way to write an input image into a request body: its base64, as a string. */
export const inlineBase64 = (image: { data: Buffer }): string => image.data.toString('base64');

/** camelCase keys only: CometAPI's gateway rebuilds the body and drops some snake_case keys. */
export function buildNativeRequest(input: GenerationInput, encode: ImageEncoder = inlineBase64): Json {
	// A conversation's earlier turns come first, with their images (the first ones of input.images).
	const history = input.history;
	const contents = history
		? historyContents(history, (part, index) => ({
				mimeType: input.images[index]?.mimeType ?? part.mimeType,
				data: encode(input.images[index], index),
			}))
		: [];
	const historyImages = history ? history.turns.flatMap((turn) => turn.parts.filter(isImagePart)).length : 0;
	const parts: Json[] = [{ text: input.prompt }];
	input.images.forEach((image, index) => {
		if (index >= historyImages) parts.push({ inlineData: { mimeType: image.mimeType, data: encode(image, index) } });
	});
	contents.push({ role: 'user', parts });
	const body: Json = { contents };

	if (input.systemInstruction) body.systemInstruction = { parts: [{ text: input.systemInstruction }] };

	const generationConfig: Json = {};
	if (input.responseModalities?.length) generationConfig.responseModalities = input.responseModalities;
	const imageConfig: Json = {};
	if (input.aspectRatio) imageConfig.aspectRatio = input.aspectRatio;
	if (input.imageSize) imageConfig.imageSize = input.imageSize;
	if (Object.keys(imageConfig).length) generationConfig.imageConfig = imageConfig;
	if (input.temperature !== undefined) generationConfig.temperature = input.temperature;
	if (input.topP !== undefined) generationConfig.topP = input.topP;
	if (input.seed !== undefined) generationConfig.seed = input.seed;
	if (Object.keys(generationConfig).length) body.generationConfig = generationConfig;

	if (input.safetySettings?.length) body.safetySettings = input.safetySettings;
	if (input.googleSearch) body.tools = [{ googleSearch: {} }];
	return body;
}

/** CometAPI's OpenAI-compatible chat route; the Gemini settings ride in `extra_body.google`, snake_case. */
export function buildChatRequest(input: GenerationInput, encode: ImageEncoder = inlineBase64): Json {
	const content: Json[] = [{ type: 'text', text: input.prompt }];
	input.images.forEach((image, index) => {
		content.push({ type: 'image_url', image_url: { url: `data:${image.mimeType};base64,${encode(image, index)}` } });
	});
	const messages: Json[] = [];
	if (input.systemInstruction) messages.push({ role: 'system', content: input.systemInstruction });
	messages.push({ role: 'user', content });

	// CometAPI's docs: the Gemini image models on this route must be streamed.
	const body: Json = { model: input.model, stream: true, messages };
	if (input.temperature !== undefined) body.temperature = input.temperature;
	if (input.topP !== undefined) body.top_p = input.topP;
	if (input.seed !== undefined) body.seed = input.seed;

	const google: Json = {};
	const imageConfig: Json = {};
	if (input.aspectRatio) imageConfig.aspect_ratio = input.aspectRatio;
	if (input.imageSize) imageConfig.image_size = input.imageSize;
	if (Object.keys(imageConfig).length) google.image_config = imageConfig;
	if (input.responseModalities?.length) google.response_modalities = input.responseModalities;
	if (input.safetySettings?.length) google.safety_settings = input.safetySettings;
	if (input.googleSearch) google.tools = [{ google_search: {} }];
	if (Object.keys(google).length) body.extra_body = { google };
	return body;
}

const ENCODE_SLICE = 3 * 256 * 1024; // a multiple of 3: each slice encodes without padding

/**
 * The JSON of `build(tagger)` with each tagged image replaced by the base64 of blobs[i], as UTF-8 bytes,
 * equal byte for byte to JSON.stringify with the base64 strings in place, without ever holding a whole
 * base64 string. The tag is one that no text of the request holds (the item's prompt and conversation are
 * anyone's writing), found in one pass over the JSON without images, so the body is built twice at most.
 */
export function encodeJsonWithBlobs(build: (tagger: (image: unknown, index: number) => string) => unknown, blobs: Buffer[]): Buffer {
	const tagOf = (salt: number) => `\u0000blob${salt}:`;
	// A tag's text as it stands in the JSON (its NUL escaped): a prompt can hold that text too.
	const inJson = (salt: number) => JSON.stringify(tagOf(salt)).slice(1, -1);
	const taken = new Set(JSON.stringify(build(() => '')).match(/\\u0000blob\d+:/g));
	let salt = 0;
	while (taken.has(inJson(salt))) salt++;
	const pieces = JSON.stringify(build((_image, index) => `${tagOf(salt)}${index}`)).split(inJson(salt));
	const order: number[] = [];
	for (let i = 1; i < pieces.length; i++) {
		const digits = /^\d+/.exec(pieces[i])![0];
		order.push(Number(digits));
		pieces[i] = pieces[i].slice(digits.length);
	}
	// Each image tagged once: what the two builders do; anything else is a bug here, not the user's input.
	if (order.length !== blobs.length || new Set(order).size !== blobs.length || order.some((n) => !(n < blobs.length)))
		throw new Error(`encodeJsonWithBlobs: ${order.length} tags for ${blobs.length} images`);
	let total = 0;
	for (const text of pieces) total += Buffer.byteLength(text);
	for (const blob of blobs) total += 4 * Math.ceil(blob.length / 3);
	const out = Buffer.allocUnsafe(total);
	let offset = out.write(pieces[0], 0, 'utf8');
	order.forEach((n, i) => {
		const blob = blobs[n];
		for (let start = 0; start < blob.length; start += ENCODE_SLICE) {
			offset += out.write(blob.toString('base64', start, Math.min(blob.length, start + ENCODE_SLICE)), offset, 'latin1');
		}
		offset += out.write(pieces[i + 1], offset, 'utf8');
	});
	return out;
}
