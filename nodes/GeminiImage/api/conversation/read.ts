/** Reading the conversation an input item carries, and checking it can go on with the chosen model. */
import type { Conversation, ConversationPart, ConversationTurn, ImagePart, Problem, TextPart } from './format';
import { CONVERSATION_FORMAT, CONVERSATION_VERSION, isImagePart } from './format';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The family a model id belongs to: preview and GA names of one model share it (CometAPI keeps retired
 * previews as aliases), different models do not (their thought signatures mean nothing to each other).
 */
export function conversationFamily(model: string): string {
	return model
		.trim()
		.toLowerCase()
		.replace(/^models\//, '')
		.replace(/-preview(-[\w.-]+)?$/, '')
		.replace(/-\d{3}$/, '');
}

function readPart(value: unknown): ConversationPart | undefined {
	if (!isObject(value)) return undefined;
	const signature = typeof value.thoughtSignature === 'string' && value.thoughtSignature ? value.thoughtSignature : undefined;
	if (typeof value.image === 'string' && value.image) {
		const part: ImagePart = { image: value.image, mimeType: typeof value.mimeType === 'string' ? value.mimeType : 'image/png' };
		if (signature) part.thoughtSignature = signature;
		return part;
	}
	if (typeof value.text === 'string') {
		const part: TextPart = { text: value.text };
		if (signature) part.thoughtSignature = signature;
		return part;
	}
	return undefined;
}

const NOT_OURS: Problem = {
	problem: 'The input item is not an output of a Gemini Image node: it has no conversation',
	fix:
		'Connect Refine Image to the output of a Gemini Image node (Text to Image, Image to Image or Refine Image, node version 2). ' +
		'A node in between that replaces the JSON (Edit Fields without "Include Other Input Fields", Code) drops the "conversation" field: keep it.',
};

/**
 * Reads and checks the conversation of an input item. `binary` is the item's binary fields (only their
 * names matter here): every image the conversation names must be there.
 */
export function readConversation(json: unknown, binary: Record<string, unknown> | undefined): { conversation: Conversation } | Problem {
	const raw = isObject(json) ? json.conversation : undefined;
	if (raw === undefined || raw === null) return NOT_OURS;
	if (!isObject(raw) || raw.format !== CONVERSATION_FORMAT) {
		return { ...NOT_OURS, problem: 'The input item\'s "conversation" field was not made by a Gemini Image node' };
	}
	if (typeof raw.version !== 'number' || raw.version > CONVERSATION_VERSION) {
		return {
			problem: `The conversation was written by a newer version of this node (format ${String(raw.version)}, this one reads ${CONVERSATION_VERSION})`,
			fix: 'Update the n8n-nodes-cometapi package on this n8n (in queue mode: on every worker too).',
		};
	}
	const broken = (why: string): Problem => ({
		problem: `The conversation on the input item is damaged: ${why}`,
		fix: 'Pass the Gemini Image output item on unchanged (a Code or Edit Fields node may have altered "conversation"), or start again with Text to Image or Image to Image.',
	});
	if (typeof raw.model !== 'string' || !raw.model.trim()) return broken('it names no model');
	if (!Array.isArray(raw.turns) || raw.turns.length < 2) return broken('it has fewer than two turns');
	const turns: ConversationTurn[] = [];
	for (const [t, value] of raw.turns.entries()) {
		const role = isObject(value) ? value.role : undefined;
		const expected = t % 2 === 0 ? 'user' : 'model';
		if (role !== expected) return broken(`turn ${t + 1} should come from the ${expected}, not ${JSON.stringify(role)}`);
		const parts = isObject(value) && Array.isArray(value.parts) ? value.parts.map(readPart) : [];
		if (!parts.length || parts.some((p) => !p)) return broken(`turn ${t + 1} has no parts or a part that is neither text nor image`);
		turns.push({ role: expected, parts: parts as ConversationPart[] });
	}
	if (turns[turns.length - 1].role !== 'model') return broken('it does not end with an answer of the model');
	if (!turns[turns.length - 1].parts.some(isImagePart)) return broken('the last answer of the model has no image');

	const fields = Object.keys(binary ?? {});
	for (const part of turns.flatMap((turn) => turn.parts)) {
		if (!isImagePart(part) || fields.includes(part.image)) continue;
		return {
			problem: `The conversation's image in binary field "${part.image}" is missing from the input item`,
			fix: `The item's binary fields are: ${fields.length ? fields.join(', ') : 'none'}. Keep all binary fields of the Gemini Image output on the item up to Refine Image (a node in between may have dropped or renamed them).`,
		};
	}
	const earlier = Array.isArray(raw.earlierPrompts) ? raw.earlierPrompts.filter((p): p is string => typeof p === 'string') : [];
	const conversation: Conversation = { format: CONVERSATION_FORMAT, version: CONVERSATION_VERSION, model: raw.model, turns };
	if (earlier.length) conversation.earlierPrompts = earlier;
	return { conversation };
}

/** A conversation made by another model family cannot go on with this one. */
export function checkFamily(conversation: Conversation, model: string): Problem | undefined {
	if (conversationFamily(conversation.model) === conversationFamily(model)) return undefined;
	return {
		problem: `The conversation was made with ${conversation.model}, but this node uses ${model}`,
		fix: `A model can only continue its own conversations (its thought signatures mean nothing to another model). Set Model to ${conversation.model}, e.g. by ID with the expression {{ $json.conversation.model }}, or start anew from the image with Image to Image.`,
	};
}
