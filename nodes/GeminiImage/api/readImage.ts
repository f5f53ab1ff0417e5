/** An image of an answer, from its decoded bytes: its real type and size, or why it is not an image. */
import { describeBytes, sniffImage } from '../helpers/images';
import type { OutputImage } from './types';

/** An image read from its bytes, or why it is not one (for the message when no image is left). */
export type ImageRead = { image: OutputImage } | { problem: string };

export function readImage(data: Buffer, labelledMimeType?: string, notBase64 = false): ImageRead {
	if (notBase64) return { problem: 'its data is not base64' };
	if (data.length === 0) return { problem: 'it is empty (0 bytes)' };
	const info = sniffImage(data);
	if (!info) return { problem: `its bytes are ${describeBytes(data)}` };
	const image: OutputImage = { data, ...info };
	if (labelledMimeType && labelledMimeType.toLowerCase() !== info.mimeType) image.labelledMimeType = labelledMimeType;
	return { image };
}
