import { formatSize, NO_LINK_REASONS, toolJson, toolSummary } from '../../nodes/GeminiImage/actions/output/toolResult';

const info = {
	model: 'gemini-3-pro-image',
	text: 'Here is your poster.',
	mimeType: 'image/png',
	fileSize: 1493212,
	width: 1344,
	height: 768,
	imageIndex: 0,
	imageCount: 1,
};
const url = 'http://localhost:5678/rest/binary-data/signed?token=abc.def.ghi';

describe('toolJson', () => {
	it('gives the agent a plain summary, the link and the markdown to show it', () => {
		const json = toolJson(info, { url });
		expect(json).toEqual({
			summary:
				'Made a 1344x768 PNG image, 1.4 MB, with gemini-3-pro-image. The model said: "Here is your poster." ' +
				`To show it, put this markdown in your answer: ![image](${url}) The link is valid for 1 day.`,
			imageUrl: url,
			markdown: `![image](${url})`,
			model: 'gemini-3-pro-image',
			mimeType: 'image/png',
			width: 1344,
			height: 768,
			fileSize: 1493212,
		});
	});

	it('says why there is no link instead of failing', () => {
		const memory = toolJson(info, { reason: 'memory' });
		expect(memory.imageUrl).toBeNull();
		expect(memory).not.toHaveProperty('markdown');
		expect(memory.noLinkReason).toBe(NO_LINK_REASONS.memory);
		expect(memory.noLinkReason).toContain('N8N_DEFAULT_BINARY_DATA_MODE');
		expect(memory.summary).toContain('There is no link');
		expect(toolJson(info, { reason: 'unsupported' }).noLinkReason).toContain('n8n 1.90 and later');
		expect(toolJson(info, { reason: 'failed', detail: 'no secret' }).noLinkReason).toBe(`${NO_LINK_REASONS.failed}: no secret`);
	});
});

describe('toolSummary', () => {
	it('numbers images of a batch, leaves out what is unknown, and cuts long model texts', () => {
		const s = toolSummary(
			{ ...info, width: null, height: null, text: 'x'.repeat(500), imageIndex: 1, imageCount: 3 },
			{ reason: 'memory' },
		);
		expect(s).toMatch(/^Made a PNG image \(image 2 of 3\), 1\.4 MB, with gemini-3-pro-image\./);
		expect(s).toContain(`"${'x'.repeat(300)}..."`);
		expect(toolSummary({ ...info, text: '  ' }, { url })).not.toContain('The model said');
	});

	it('formats sizes the way people read them', () => {
		expect(formatSize(10)).toBe('1 KB');
		expect(formatSize(300 * 1024)).toBe('300 KB');
		expect(formatSize(20 * 1024 * 1024)).toBe('20.0 MB');
	});
});
