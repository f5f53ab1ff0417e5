/**
 * How the node talks to CometAPI, one definition each: version 2's Request Settings collection (in version 1
 * they sit in the one Options collection). Internal names, types, defaults and values are a contract with
 * saved workflows: never change them, only labels and help.
 */
import type { INodeProperties } from 'n8n-workflow';

import { LIMITS } from '../limits';

/** Image URLs are only read by the operations that take input images. */
const withImages = { show: { '/operation': ['imageToImage', 'refineImage'] } };

export const allowedPrivateHosts: INodeProperties = {
	displayName: 'Allowed Private Hosts',
	name: 'allowedPrivateHosts',
	type: 'string',
	default: '',
	placeholder: 'e.g. nas.local, *.corp.example, 192.168.1.0/24',
	description:
		'Hosts that image URLs may reach although they are not public, e.g. a NAS or an internal bucket: host names (*. for subdomains), IP addresses or ranges, separated by commas. Applies as an AI Agent tool too.',
	displayOptions: withImages,
};

export const apiFormat: INodeProperties = {
	displayName: 'API Format',
	name: 'apiFormat',
	type: 'options',
	default: 'geminiNative',
	description:
		"Which of CometAPI's routes to call. Both give the same output; use OpenAI Chat if your gateway or account only offers that one. Default: Gemini Native.",
	options: [
		{ name: 'Gemini Native (generateContent)', value: 'geminiNative' },
		{ name: 'OpenAI Chat (Streamed)', value: 'openAiChat' },
	],
};

export const concurrency: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	default: 8,
	typeOptions: { minValue: 1, maxValue: LIMITS.maxConcurrency },
	description: `How many requests run at the same time (1 to ${LIMITS.maxConcurrency}, default ${LIMITS.defaultConcurrency}), across items and Number of Images. Output order stays the same. Lower it on small instances with large images: each request in flight holds its images in memory.`,
};

export const imageUrlAccess: INodeProperties = {
	displayName: 'Image URL Access',
	name: 'imageUrlAccess',
	type: 'options',
	default: 'publicOnly',
	description:
		'Which addresses image URLs may lead to. As an AI Agent tool always Public Addresses Only (plus Allowed Private Hosts). Default: Public Addresses Only.',
	options: [
		{
			name: 'Public Addresses Only',
			value: 'publicOnly',
			description: 'Refuse loopback, private, link-local and other reserved addresses, also behind a host name or a redirect',
		},
		{
			name: 'Any Address',
			value: 'any',
			description: 'Also fetch from your own network. Only for URLs you trust: whoever writes them can read internal services.',
		},
	],
	displayOptions: withImages,
};

export const maxInputMb: INodeProperties = {
	displayName: 'Max Input Size (MB)',
	name: 'maxInputMb',
	type: 'number',
	default: 20,
	typeOptions: { minValue: 1, maxValue: 100 },
	description: `Largest total size of the input images of one item (default ${LIMITS.defaultMaxInputMb}), the earlier images of a conversation included (Refine Image leaves out the oldest turns to stay within it). CometAPI does not publish its limit; 20 MB is safe. Raise it only if your gateway accepts more.`,
	displayOptions: { show: { '/operation': ['imageToImage', 'refineImage'] } },
};

export const maxRetries: INodeProperties = {
	displayName: 'Max Retries',
	name: 'maxRetries',
	type: 'number',
	default: 5,
	typeOptions: { minValue: 0, maxValue: 10 },
	description: `How often to try again after a rate limit (429), a timeout or a temporary server error (500, 502, 503, 504, 524), waiting longer each time (default ${LIMITS.defaultMaxRetries}). 0 turns retries off.`,
};

export const streaming: INodeProperties = {
	displayName: 'Streaming',
	name: 'streaming',
	type: 'boolean',
	default: false,
	description:
		'Whether to stream the native answer (streamGenerateContent). Keeps the connection alive through gateways that cut idle requests, useful for slow 4K images. Off by default; the OpenAI Chat format always streams.',
	// The chat route always streams: the switch would do nothing there.
	displayOptions: { hide: { apiFormat: ['openAiChat'] } },
};

export const timeout: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	default: 300,
	typeOptions: { minValue: 10, maxValue: 3600 },
	description: `How long CometAPI (or an image URL) may send nothing before the attempt is given up and retried (default ${LIMITS.defaultTimeoutSeconds}). One attempt may take at most 10 times this in all. 4K images can take a few minutes.`,
};
