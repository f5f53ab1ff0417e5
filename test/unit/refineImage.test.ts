import type { IBinaryData } from 'n8n-workflow';

import { storedSize } from '../../nodes/GeminiImage/actions/image/refineImage.operation';

const binary = (fields: Partial<IBinaryData> & { bytes?: number }) => ({ mimeType: 'image/png', data: '', ...fields }) as IBinaryData;

describe('storedSize: the size of a conversation image without reading it', () => {
	it("takes n8n 2.x's byte count", () => {
		expect(storedSize(binary({ id: 'filesystem-v2:x', data: 'filesystem-v2', bytes: 2_096_164, fileSize: '2.1 MB' }))).toBe(2_096_164);
	});

	it('counts the base64 of an image kept in memory', () => {
		expect(storedSize(binary({ data: Buffer.alloc(3000).toString('base64') }))).toBe(3000);
	});

	it("reads n8n 1.x's rounded size of a stored image (pretty-bytes, powers of 1000)", () => {
		expect(storedSize(binary({ id: 'filesystem-v2:x', data: 'filesystem-v2', fileSize: '1.49 MB' }))).toBe(1_490_000);
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: '512 kB' }))).toBe(512_000);
		expect(storedSize(binary({ id: 'database:1', data: 'database', fileSize: '900 B' }))).toBe(900);
	});

	it('is 0 when nothing tells (the real total is still checked when the images are loaded)', () => {
		expect(storedSize(undefined)).toBe(0);
		expect(storedSize(binary({ id: 's3:x', data: 's3' }))).toBe(0);
	});
});
