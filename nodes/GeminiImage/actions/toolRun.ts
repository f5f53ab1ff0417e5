/**
 * Running as an AI Agent's tool. n8n runs a `usableAsTool` node as the "…Tool" variant of its type: the
 * agent's arguments (the node's $fromAI() values) arrive as the JSON of one input item, and only the JSON
 * of the output goes back to the agent. Both are feature-detected, so every supported n8n works.
 */
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { ImageLink } from './output/toolResult';

/**
 * Whether this run is a tool call of an AI Agent: n8n 2.x says so (isToolExecution); in every version the
 * tool variant's type name ends in "Tool" (n8n adds it when it makes a node usable as a tool).
 */
export function isToolRun(ctx: IExecuteFunctions): boolean {
	const says = (ctx as { isToolExecution?: () => boolean }).isToolExecution;
	if (typeof says === 'function' && says.call(ctx)) return true;
	return /Tool$/.test(ctx.getNode().type);
}

type Sign = (binaryData: IBinaryData, expiresIn?: string) => string;

/**
 * n8n's signed link to a stored binary (n8n 1.90 and later). A binary kept in memory has no id, and n8n
 * cannot sign it: say so instead of failing the run.
 */
export function signedImageLink(ctx: IExecuteFunctions, binary: IBinaryData): ImageLink {
	const sign = (ctx.helpers as { createBinarySignedUrl?: Sign }).createBinarySignedUrl;
	if (typeof sign !== 'function') return { reason: 'unsupported' };
	if (!binary.id) return { reason: 'memory' };
	try {
		return { url: sign.call(ctx.helpers, binary) };
	} catch (error) {
		return { reason: 'failed', detail: (error as Error).message };
	}
}
