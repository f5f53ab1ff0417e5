/**
 * An HTTP 200 without an image is a failure, not an empty result: say why in plain words.
 * Route-independent: the chat route maps its `content_filter` finish onto the same reasons.
 */
import type { GenerationResult } from '../../helpers/interfaces';

const SAFETY = new Set(['IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'CONTENT_FILTER']);
const RECITATION = new Set(['RECITATION', 'IMAGE_RECITATION']);

export interface NoImageExplanation {
	message: string;
	description: string;
	/** Refusals are final; an empty answer may come out differently on another try. */
	reason: 'blocked' | 'safety' | 'recitation' | 'noImage' | 'textOnly' | 'maxTokens' | 'undecodable' | 'empty';
}

const quote = (text: string, max = 300) => {
	const t = text.trim().replace(/\s+/g, ' ');
	return `"${t.length > max ? `${t.slice(0, max)}…` : t}"`;
};

/**
 * Why an answer holds no image. `withInputImages`: the request sent input images (Image to Image), so the
 * advice may mention them; a Text to Image user is never told to change images they did not send.
 */
export function explainMissingImage(result: GenerationResult, withInputImages = false): NoImageExplanation {
	const finish = result.finishReason?.toUpperCase();
	const said = result.text ? ` The model said: ${quote(result.text)}` : '';
	const detail = result.finishMessage ? ` ${result.finishMessage.trim()}` : '';
	const orImages = withInputImages ? ' or change the input images' : '';

	if (result.blockReason) {
		return {
			reason: 'blocked',
			message: `The prompt was blocked before any image was made (${result.blockReason}).${result.blockReasonMessage ? ` ${result.blockReasonMessage}` : ''}`,
			description: `Rephrase the prompt${orImages}: the safety filter rejected the request itself.`,
		};
	}
	if (finish && SAFETY.has(finish)) {
		return {
			reason: 'safety',
			message: `The model refused to make the image (${finish}).${detail}${said}`,
			description: `The safety filter rejected the result: rephrase the prompt${orImages}.`,
		};
	}
	if (finish && RECITATION.has(finish)) {
		return {
			reason: 'recitation',
			message: `The model stopped because the image would copy existing content too closely (${finish}).${detail}${said}`,
			description: 'Ask for something more original, or describe the subject in your own words.',
		};
	}
	if (finish === 'NO_IMAGE' || finish === 'IMAGE_OTHER' || finish === 'OTHER') {
		return {
			reason: 'noImage',
			message: `The model did not produce an image (${finish}).${detail}${said}`,
			description: 'Try again, or make the prompt ask for an image more explicitly.',
		};
	}
	if (finish === 'MAX_TOKENS') {
		return {
			reason: 'maxTokens',
			message: `The model ran out of output tokens before finishing the image (MAX_TOKENS).${detail}${said}`,
			description: `Try a shorter prompt or a smaller image size${withInputImages ? ', or fewer input images' : ''}.`,
		};
	}
	const broken = result.undecodableImages?.[0];
	if (broken) {
		const label = broken.labelledMimeType ? ` (labelled ${broken.labelledMimeType})` : '';
		return {
			reason: 'undecodable',
			message: `The answer held an image that could not be read${label}: ${broken.problem}.${said}`,
			description:
				'Something that is not an image came where the image should be. Try again; if it keeps happening, check the Base URL: a proxy or a web page may be answering instead of the API.',
		};
	}
	if (result.text) {
		return {
			reason: 'textOnly',
			message: `The model answered with text only, no image.${said}`,
			description: 'Ask for an image explicitly in the prompt (e.g. "Generate an image of ..."), and check the model is an image model.',
		};
	}
	return {
		reason: 'empty',
		message: `The model returned no image and no text${finish ? ` (finish reason ${finish})` : ''}.${detail}`,
		description: 'Try again; if it keeps happening, check the model name is a Gemini image model.',
	};
}
