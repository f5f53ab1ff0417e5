/**
 * Reading the conversation an input item carries, and checking it can go on with the chosen model. The JSON
 * may have been written by anyone (a webhook caller, a Code node), so everything is checked, in one pass
 * linear in its size: the format and version, the caps of CONVERSATION_LIMITS (counted before anything else),
 * and the binary fields its images name (only those the node itself writes).
 */
import { cutText } from '../../helpers/redact';
import type { Conversation, ConversationPart, ConversationTurn, ImagePart, Problem, TextPart } from './format';
import { CONVERSATION_FORMAT, CONVERSATION_LIMITS, CONVERSATION_VERSION, isImagePart } from './format';
import { historyFieldName } from './extend';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A value as a message may quote it: short, whatever its size. */
const excerpt = (value: unknown, max = 40) => cutText(typeof value === 'string' ? value : String(JSON.stringify(value)), max);

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

/** A part as the node writes it, or why it is not one. */
function readPart(value: unknown): ConversationPart | string {
	if (!isObject(value)) return 'a part that is neither text nor image';
	const signature = value.thoughtSignature;
	if (signature !== undefined && typeof signature !== 'string') return 'a thought signature that is not text';
	if (value.image !== undefined) {
		if (typeof value.image !== 'string' || !value.image) return 'an image part without a binary field name';
		const mimeType = value.mimeType ?? 'image/png';
		if (typeof mimeType !== 'string' || !/^image\/[\w.+-]+$/.test(mimeType) || mimeType.length > CONVERSATION_LIMITS.maxNameChars) {
			return `an image of type ${excerpt(mimeType)}`;
		}
		const part: ImagePart = { image: value.image, mimeType };
		if (signature) part.thoughtSignature = signature;
		return part;
	}
	if (typeof value.text !== 'string') return 'a part that is neither text nor image';
	const part: TextPart = { text: value.text };
	if (signature) part.thoughtSignature = signature;
	return part;
}

const NOT_OURS: Problem = {
	problem: 'The input item is not an output of a Gemini Image node: it has no conversation',
	fix:
		'Connect Refine Image to the output of a Gemini Image node (Text to Image, Image to Image or Refine Image, node version 2). ' +
		'A node in between that replaces the JSON (Edit Fields without "Include Other Input Fields", Code) drops the "conversation" field: keep it.',
};

const START_AGAIN =
	'Pass the Gemini Image output item on unchanged (a Code or Edit Fields node may have altered "conversation"), or start again with Text to Image or Image to Image.';

/** Reads and checks the conversation of an input item: its structure and its caps, not yet its images. */
export function readConversation(json: unknown): { conversation: Conversation } | Problem {
	const raw = isObject(json) ? json.conversation : undefined;
	if (raw === undefined || raw === null) return NOT_OURS;
	if (!isObject(raw) || raw.format !== CONVERSATION_FORMAT) {
		return { ...NOT_OURS, problem: 'The input item\'s "conversation" field was not made by a Gemini Image node' };
	}
	const broken = (why: string): Problem => ({ problem: `The conversation on the input item is damaged: ${why}`, fix: START_AGAIN });
	const version = raw.version;
	if (typeof version === 'number' && Number.isInteger(version) && version > CONVERSATION_VERSION) {
		return {
			problem: `The conversation was written by a newer version of this node (format ${version}, this one reads ${CONVERSATION_VERSION})`,
			fix: 'Update the n8n-nodes-cometapi package on this n8n (in queue mode: on every worker too).',
		};
	}
	if (version !== CONVERSATION_VERSION)
		return broken(`its version ${excerpt(version)} is not one this node writes (${CONVERSATION_VERSION})`);
	if (typeof raw.model !== 'string' || !raw.model.trim()) return broken('it names no model');
	if (raw.model.length > CONVERSATION_LIMITS.maxNameChars) return broken(`its model name is ${raw.model.length} characters long`);
	if (!Array.isArray(raw.turns) || raw.turns.length < 2) return broken('it has fewer than two turns');

	// The caps first, by counting alone: a conversation too long is refused before any of it is read.
	const tooLong = (what: string): Problem => ({
		problem: `The conversation on the input item is too long: ${what}`,
		fix: `A Gemini Image conversation has at most ${CONVERSATION_LIMITS.maxTurns} turns and ${CONVERSATION_LIMITS.maxParts} parts (the node itself keeps it far shorter). ${START_AGAIN}`,
	});
	if (raw.turns.length > CONVERSATION_LIMITS.maxTurns) return tooLong(`${raw.turns.length} turns, at most ${CONVERSATION_LIMITS.maxTurns}`);
	let partCount = 0;
	for (const value of raw.turns) partCount += isObject(value) && Array.isArray(value.parts) ? value.parts.length : 0;
	if (partCount > CONVERSATION_LIMITS.maxParts) return tooLong(`${partCount} parts, at most ${CONVERSATION_LIMITS.maxParts}`);

	const turns: ConversationTurn[] = [];
	for (let t = 0; t < raw.turns.length; t++) {
		const value: unknown = raw.turns[t];
		const role = isObject(value) ? value.role : undefined;
		const expected = t % 2 === 0 ? 'user' : 'model';
		if (role !== expected) return broken(`turn ${t + 1} should come from the ${expected}, not ${excerpt(JSON.stringify(role) ?? 'none')}`);
		const rawParts: unknown[] = isObject(value) && Array.isArray(value.parts) ? value.parts : [];
		if (!rawParts.length) return broken(`turn ${t + 1} has no parts`);
		const parts: ConversationPart[] = [];
		for (const rawPart of rawParts) {
			const part = readPart(rawPart);
			if (typeof part === 'string') return broken(`turn ${t + 1} has ${part}`);
			if (expected === 'user' && isImagePart(part))
				return broken(`turn ${t + 1}, a prompt, holds an image (the node keeps images in answers only)`);
			parts.push(part);
		}
		turns.push({ role: expected, parts });
	}
	if (turns[turns.length - 1].role !== 'model') return broken('it does not end with an answer of the model');
	if (!turns[turns.length - 1].parts.some(isImagePart)) return broken('the last answer of the model has no image');

	const conversation: Conversation = { format: CONVERSATION_FORMAT, version: CONVERSATION_VERSION, model: raw.model, turns };
	// Only the newest prompts are kept, each cut as the node cuts them: the summary stays short whatever the item says.
	const earlier = Array.isArray(raw.earlierPrompts) ? raw.earlierPrompts.slice(-CONVERSATION_LIMITS.maxEarlierPrompts) : [];
	const prompts = earlier
		.filter((p): p is string => typeof p === 'string')
		.map((p) => p.slice(0, CONVERSATION_LIMITS.maxSummaryPromptChars));
	if (prompts.length) conversation.earlierPrompts = prompts;
	return { conversation };
}

/**
 * The binary fields a conversation's images may name: those the node writes (conversation/extend.ts). The
 * k-th image of turn t is in `turn<t>_image<k>` (`…_history` when that is the output field's name); one image
 * of the last answer, the item's own, is in the output field. Any other field of the item (a file a user
 * uploaded, say) is refused, and so is a field missing from the item.
 */
export function checkImageFields(conversation: Conversation, binary: object | undefined, outputField: string): Problem | undefined {
	const last = conversation.turns.length;
	let outputSeen = false;
	for (let t = 1; t <= last; t++) {
		let k = 0;
		for (const part of conversation.turns[t - 1].parts) {
			if (!isImagePart(part)) continue;
			k++;
			const name = part.image;
			const positional = historyFieldName(t, k);
			let ours = false;
			if (name === outputField) {
				ours = t === last && !outputSeen;
				outputSeen = true;
			} else ours = name === positional || (positional === outputField && name === `${positional}_history`);
			if (!ours) {
				return {
					problem: `The conversation names binary field "${excerpt(name)}" for an image of turn ${t}, which is not a field Gemini Image writes: nothing was sent`,
					fix: `A Gemini Image conversation keeps its images in the output field ("${excerpt(outputField)}", Put Output in Field) and in turn<N>_image<K> fields only; no other binary field of the item is sent. If the image was made with another Put Output in Field, set the same one here; otherwise pass the Gemini Image output item on unchanged.`,
				};
			}
			if (binary && Object.prototype.hasOwnProperty.call(binary, name)) continue;
			const fields = Object.keys(binary ?? {});
			return {
				problem: `The conversation's image in binary field "${excerpt(name)}" is missing from the input item`,
				fix: `The item's binary fields are: ${fields.length ? excerpt(fields.join(', '), 200) : 'none'}. Keep all binary fields of the Gemini Image output on the item up to Refine Image (a node in between may have dropped or renamed them).`,
			};
		}
	}
	return undefined;
}

/** A conversation made by another model family cannot go on with this one. */
export function checkFamily(conversation: Conversation, model: string): Problem | undefined {
	if (conversationFamily(conversation.model) === conversationFamily(model)) return undefined;
	const made = excerpt(conversation.model, 80);
	return {
		problem: `The conversation was made with ${made}, but this node uses ${excerpt(model, 80)}`,
		fix: `A model can only continue its own conversations (its thought signatures mean nothing to another model). Set Model to ${made}, e.g. by ID with the expression {{ $json.conversation.model }}, or start anew from the image with Image to Image.`,
	};
}
