import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { isToolRun, signedImageLink } from '../../nodes/GeminiImage/actions/toolRun';

const ctx = (type: string, helpers: object = {}, isToolExecution?: () => boolean) =>
	({ getNode: () => ({ type }), helpers, ...(isToolExecution ? { isToolExecution } : {}) }) as unknown as IExecuteFunctions;
const stored: IBinaryData = { id: 'filesystem-v2:a/b', data: 'filesystem-v2', mimeType: 'image/png' };

describe('isToolRun', () => {
	it('knows the tool variant by its type name, in every n8n (AI Agent 3 runs it where isToolExecution() is false)', () => {
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImageTool'))).toBe(true);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImageTool', {}, () => false))).toBe(true);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImage'))).toBe(false);
		expect(isToolRun(ctx('n8n-nodes-cometapi.geminiImage', {}, () => true))).toBe(true);
	});
});

describe('signedImageLink', () => {
	it("signs a stored image with n8n's helper", () => {
		const sign = jest.fn(() => 'http://n8n/rest/binary-data/signed?token=t');
		expect(signedImageLink(ctx('x', { createBinarySignedUrl: sign }), stored)).toEqual({
			url: 'http://n8n/rest/binary-data/signed?token=t',
		});
		expect(sign).toHaveBeenCalledWith(stored);
	});

	it('says why there is no link: n8n older than 1.90, memory mode, or a failure', () => {
		expect(signedImageLink(ctx('x'), stored)).toEqual({ reason: 'unsupported' });
		const sign = jest.fn();
		expect(signedImageLink(ctx('x', { createBinarySignedUrl: sign }), { data: 'AAAA', mimeType: 'image/png' })).toEqual({
			reason: 'memory',
		});
		expect(sign).not.toHaveBeenCalled();
		const broken = () => {
			throw new Error('no signing secret');
		};
		expect(signedImageLink(ctx('x', { createBinarySignedUrl: broken }), stored)).toEqual({ reason: 'failed', detail: 'no signing secret' });
	});
});
