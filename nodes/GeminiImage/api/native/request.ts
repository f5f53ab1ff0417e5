/**
 * Gemini's native route: the path (`generateContent`, or `streamGenerateContent` when streamed) and the
 * request body. Pure: unit-tested without n8n.
 */
import { historyContents, isImagePart } from '../../helpers/conversation';
import { inlineBase64 } from '../stream/blobs';
import type { GenerationInput, ImageEncoder } from '../types';

type Json = Record<string, unknown>;

export function nativePath(model: string, streaming = false): string {
	const method = streaming ? 'streamGenerateContent?alt=sse' : 'generateContent';
	return `/v1beta/models/${encodeURIComponent(model)}:${method}`;
}

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
