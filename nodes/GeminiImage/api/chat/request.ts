/**
 * CometAPI's OpenAI-compatible chat route for the Gemini image models: the path and the request body. The
 * Gemini settings ride in `extra_body.google`. Pure: unit-tested without n8n.
 */
import { inlineBase64 } from '../stream/blobs';
import type { GenerationInput, ImageEncoder } from '../types';

type Json = Record<string, unknown>;

export const CHAT_PATH = '/v1/chat/completions';

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

	// Gemini-specific settings ride in extra_body.google, snake_case, as the gateway expects.
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
