/** The values the options allow and the defaults they fall back to. */
import { DEFAULT_RETRY_POLICY } from '../transport';

export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:4', '4:1', '1:8', '8:1'];
/** The narrowest ratios, which only some models take (see api/models/supportedOptions.ts). */
export const EXTREME_RATIOS = ['1:4', '4:1', '1:8', '8:1'];
export const IMAGE_SIZES = ['512', '1K', '2K', '4K'];

export const LIMITS = {
	maxInputImages: 14,
	defaultMaxInputMb: 20,
	defaultMaxRetries: DEFAULT_RETRY_POLICY.maxRetries,
	defaultTimeoutSeconds: 300,
	defaultConcurrency: 8,
	maxConcurrency: 16,
	maxNumberOfImages: 8,
	/**
	 * Text, in characters, checked before any request. A token is about 4 characters, and the smallest input
	 * window of the Gemini image models is 32,768 tokens (gemini-2.5-flash-image; Gemini 3 image models take
	 * more): a prompt and a system instruction at their limits (about 8,000 tokens each) still leave room for
	 * 14 input images. Real prompts are a few hundred characters.
	 */
	maxPromptChars: 32_000,
	maxSystemInstructionChars: 32_000,
	/** A prompt an AI model writes for the tool: a description of one image, never a document. */
	maxToolPromptChars: 8_000,
	/**
	 * Include Input Fields copies the input item's JSON into each output item; past this nesting the copy
	 * (and n8n's own JSON handling after the node) runs out of stack. Real items nest a few levels.
	 */
	maxInputJsonDepth: 1000,
	/** Model IDs are short (gemini-3.1-flash-image); the ID goes into the request's path. */
	maxModelIdChars: 200,
};

/** "Prompt is too long" and its kin: the size found, the limit, and what to do. */
export function tooLong(label: string, length: number, max: number): string {
	return `${label} is too long: ${length.toLocaleString('en-US')} characters, at most ${max.toLocaleString('en-US')}`;
}

/** What a tool may be asked for at most per call: each image is a paid request. */
export const MAX_TOOL_IMAGES = 4;
