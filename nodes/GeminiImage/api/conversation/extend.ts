/**
 * The conversation an output item carries: the turns sent, the new prompt and the model's answer, with
 * every image named after the binary field it lives in. The image of the item itself is in the output
 * field (`data`); earlier images, and the other images of a multi-image answer, in `turn<t>_image<k>`.
 * Pure: unit-tested without n8n.
 */
import type { Conversation, ConversationPart, ConversationTurn } from './format';
import { CONVERSATION_FORMAT, CONVERSATION_VERSION, isImagePart } from './format';
import type { AnswerPart, GenerationResult } from '../../helpers/interfaces';

export type { AnswerPart } from '../../helpers/interfaces';

/** Where an output binary field's image comes from: a binary field of the input item, or a new image. */
export interface BinarySource {
	field: string;
	from: { input: string } | { image: number };
}

/**
 * The answer's parts. The native route reports them (with signatures); the chat route has none, so its
 * text and images stand in, text first, as the chat answer shows them.
 */
export function answerParts(result: Pick<GenerationResult, 'text' | 'images'> & { parts?: AnswerPart[] }): AnswerPart[] {
	if (result.parts?.length) return result.parts;
	const parts: AnswerPart[] = result.text ? [{ text: result.text }] : [];
	result.images.forEach((_image, image) => parts.push({ image }));
	return parts;
}

export const historyFieldName = (turn: number, image: number) => `turn${turn}_image${image}`;

export interface ExtendInput {
	model: string;
	/** The turns that were sent before the new prompt (none when a conversation starts). */
	history: ConversationTurn[];
	earlierPrompts?: string[];
	prompt: string;
	answer: AnswerPart[];
	/** MIME types of the new images, by index. */
	mimeTypes: string[];
	/** Which new image this output item is about. */
	imageIndex: number;
	outputField: string;
}

export function extendConversation(input: ExtendInput): { conversation: Conversation; binaries: BinarySource[] } {
	const answerTurn: ConversationTurn = {
		role: 'model',
		parts: input.answer.map((part): ConversationPart => {
			const out: ConversationPart =
				'image' in part ? { image: `#${part.image}`, mimeType: input.mimeTypes[part.image] ?? 'image/png' } : { text: part.text };
			if (part.thoughtSignature) out.thoughtSignature = part.thoughtSignature;
			return out;
		}),
	};
	const turns = [...input.history, { role: 'user' as const, parts: [{ text: input.prompt }] }, answerTurn];
	const binaries: BinarySource[] = [];
	const renamed = turns.map((turn, t) => {
		let k = 0;
		return {
			role: turn.role,
			parts: turn.parts.map((part) => {
				if (!isImagePart(part)) return { ...part };
				k++;
				const isNew = t === turns.length - 1;
				const from = isNew ? { image: Number(part.image.slice(1)) } : { input: part.image };
				let field = historyFieldName(t + 1, k);
				if (isNew && Number(part.image.slice(1)) === input.imageIndex) field = input.outputField;
				else if (field === input.outputField) field = `${field}_history`;
				binaries.push({ field, from });
				return { ...part, image: field };
			}),
		};
	});
	const conversation: Conversation = { format: CONVERSATION_FORMAT, version: CONVERSATION_VERSION, model: input.model, turns: renamed };
	if (input.earlierPrompts?.length) conversation.earlierPrompts = [...input.earlierPrompts];
	return { conversation, binaries };
}
