/** The values the options allow and the defaults they fall back to. */
import { DEFAULT_RETRY_POLICY } from '../api/retry';

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
};

/** What a tool may be asked for at most per call: each image is a paid request. */
export const MAX_TOOL_IMAGES = 4;
