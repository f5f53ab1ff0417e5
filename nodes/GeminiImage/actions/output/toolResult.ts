/**
 * What an AI Agent gets back when this node runs as its tool. n8n passes only the items' JSON to the agent
 * (binary data never crosses the tool boundary), so each item says in a few plain words what was made and
 * carries a link to the stored image: n8n's signed binary URL, which serves the bytes without a login.
 * The agent can show it in the chat as markdown or hand it to another tool. Pure: unit-tested without n8n.
 */

/** The link to one stored image, or why there is none. */
export type ImageLink =
	| { url: string }
	/** memory: binary data kept in memory (no stored file to link to); unsupported: n8n older than 1.90. */
	| { reason: 'memory' | 'unsupported' | 'failed'; detail?: string };

/** How long n8n's signed links stay valid (n8n's own default for createBinarySignedUrl). */
export const LINK_EXPIRES_IN = '1 day';

export const NO_LINK_REASONS: Record<'memory' | 'unsupported' | 'failed', string> = {
	memory:
		'No link: this n8n keeps binary data in memory (binary data mode "default"), and n8n can only sign links to stored files. ' +
		'Set N8N_DEFAULT_BINARY_DATA_MODE to filesystem (or database, s3) to get links.',
	unsupported: 'No link: this n8n version cannot sign links to binary data (n8n 1.90 and later can). Update n8n to get links.',
	failed: 'No link: n8n could not sign a link to the image',
};

export interface ToolImageInfo {
	model: string;
	/** The model's own words next to the image (may be empty). */
	text: string;
	mimeType: string;
	fileSize: number;
	width?: number | null;
	height?: number | null;
	imageIndex: number;
	imageCount: number;
}

export function formatSize(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
	return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

const MAX_QUOTED_TEXT = 300;

/** One sentence or three: what was made, what the model said, and what to do with the link. */
export function toolSummary(info: ToolImageInfo, link: ImageLink): string {
	const kind = info.mimeType.replace(/^image\//, '').toUpperCase();
	const size = info.width && info.height ? `${info.width}x${info.height} ` : '';
	const which = info.imageCount > 1 ? ` (image ${info.imageIndex + 1} of ${info.imageCount})` : '';
	const parts = [`Made a ${size}${kind} image${which}, ${formatSize(info.fileSize)}, with ${info.model}.`];
	const said = info.text.trim();
	if (said) parts.push(`The model said: "${said.length > MAX_QUOTED_TEXT ? `${said.slice(0, MAX_QUOTED_TEXT)}...` : said}"`);
	parts.push(
		'url' in link
			? `To show it, put this markdown in your answer: ![image](${link.url}) The link is valid for ${LINK_EXPIRES_IN}.`
			: "There is no link to show it (see noLinkReason); tell the user the image is in the workflow's output.",
	);
	return parts.join(' ');
}

/** The JSON of one output item in a tool run: small, plain, everything an agent needs and nothing else. */
export function toolJson(info: ToolImageInfo, link: ImageLink): Record<string, string | number | null> {
	const json: Record<string, string | number | null> = {
		summary: toolSummary(info, link),
		imageUrl: 'url' in link ? link.url : null,
	};
	if ('url' in link) json.markdown = `![image](${link.url})`;
	else json.noLinkReason = link.detail ? `${NO_LINK_REASONS[link.reason]}: ${link.detail}` : NO_LINK_REASONS[link.reason];
	Object.assign(json, {
		model: info.model,
		mimeType: info.mimeType,
		width: info.width ?? null,
		height: info.height ?? null,
		fileSize: info.fileSize,
	});
	return json;
}
