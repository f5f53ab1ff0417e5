/**
 * Image to Image's plan: which input images it reads from an item and its parameters, and what it refuses
 * before any request.
 */
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

import { plan } from '../../nodes/GeminiImage/actions/image/imageToImage.operation';
import type { RunMode } from '../../nodes/GeminiImage/actions/options';
import { planContext, thrownBy } from './fixtures';

const v1: RunMode = { version2: false, toolCall: false, tool: false };
const v2: RunMode = { version2: true, toolCall: false, tool: false };
const tool: RunMode = { version2: true, toolCall: true, tool: true };

const withImage: INodeExecutionData = { json: {}, binary: { data: { mimeType: 'image/png', data: 'QUJD' } as IBinaryData } };
const common = { model: 'gemini-3.1-flash-image', prompt: 'make it night' };
const link = 'https://images.example.com/cat.png';

describe('Image to Image: the input images of an item', () => {
	it("version 1 without Input Binary Fields from n8n reads the field data, the parameter's default", () => {
		const planned = plan(planContext({ parameters: common, items: [withImage], typeVersion: 1 }), 0, v1);
		expect(planned.inputs).toEqual([{ name: 'data' }]);
		expect(planned.settings.imageUrls).toEqual([]);
	});

	it('version 2 without Input Images or Input Data Field Name(s) from n8n reads the field data, their defaults', () => {
		const planned = plan(planContext({ parameters: common, items: [withImage] }), 0, v2);
		expect(planned.inputs).toEqual([{ name: 'data' }]);
		expect(planned.settings.imageUrls).toEqual([]);
	});

	it('From Input Data Fields sends no links, whatever Image URLs still holds (from an earlier choice, or without Input Images)', () => {
		for (const parameters of [
			{ ...common, inputImages: 'binary', binaryPropertyNames: 'data', imageUrls: link },
			{ ...common, binaryPropertyNames: 'data', imageUrls: link },
		]) {
			const planned = plan(planContext({ parameters, items: [withImage] }), 0, v2);
			expect(planned.inputs).toEqual([{ name: 'data' }]);
			expect(planned.settings.imageUrls).toEqual([]);
		}
	});

	it('From Image URLs without Image URLs from n8n has no input image, and says so before any request', () => {
		const error = thrownBy(() => plan(planContext({ parameters: { ...common, inputImages: 'url' }, items: [withImage] }), 0, v2));
		expect(error.message).toBe('Input Data Field Name(s) is empty and no Image URLs are set [item 0]');
	});

	it('as a tool without links: refused before any request, saying where links come from', () => {
		const error = thrownBy(() => plan(planContext({ parameters: { ...common, toolImageUrls: '' }, items: [{ json: {} }] }), 0, tool));
		expect(error).toMatchObject({
			message: 'Image to Image as a tool needs the links of the images to edit [item 0]',
			description: 'Let the AI model fill Image URLs (the default), or set links there.',
		});
	});
});
