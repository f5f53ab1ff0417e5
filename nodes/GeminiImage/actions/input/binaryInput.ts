/**
 * Input images named the ways n8n users name them: binary field names ("data, logo"), or an expression that
 * gives a binary object, as n8n's own tooltip on the field suggests ({{ $('Node').item.binary.data }}), a
 * list of either, or a whole `binary` object.
 */
import type { IBinaryData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

export interface InputRef {
	/** The field name, or a name for a binary object given by expression (for messages). */
	name: string;
	/** Set when the image is a binary object from an expression, not a field of this item. */
	binary?: IBinaryData;
}

/** The same test n8n-workflow's isBinaryValue makes (not exported by every supported n8n). */
export function isBinaryObject(value: unknown): value is IBinaryData {
	return typeof value === 'object' && value !== null && 'mimeType' in value && ('data' in value || 'id' in value);
}

/** File details without the file: what `$binary` gives in expressions (n8n leaves the data out there). */
const isBinaryMetadata = (value: unknown): value is Partial<IBinaryData> =>
	typeof value === 'object' && value !== null && 'mimeType' in value;

const sameFile = (a: Partial<IBinaryData>, b: Partial<IBinaryData>) =>
	a.mimeType === b.mimeType && a.fileName === b.fileName && String(a.fileSize) === String(b.fileSize);

const objectName = (binary: IBinaryData, n: number) => `${binary.fileName ?? `binary object ${n + 1}`} (from the expression)`;

/**
 * The input images an Input Data Field Name(s) value asks for, in order, and the names that are not on the
 * item. A name missing from the item's binary may be a binary object in its JSON (n8n 2's combined mode).
 */
export function resolveInputFields(
	value: unknown,
	item: INodeExecutionData | undefined,
): { refs: InputRef[]; missing: string[]; invalid: string[] } {
	const refs: InputRef[] = [];
	const missing: string[] = [];
	/** Values that are neither a name nor a binary object (an expression that gave some other object). */
	const invalid: string[] = [];
	const binary = item?.binary ?? {};
	const json = (item?.json ?? {}) as IDataObject;
	const addName = (name: string) => {
		if (binary[name]) refs.push({ name });
		else if (isBinaryObject(json[name])) refs.push({ name, binary: json[name] as unknown as IBinaryData });
		else missing.push(name);
	};
	const add = (entry: unknown) => {
		if (isBinaryObject(entry)) refs.push({ name: objectName(entry, refs.length), binary: entry });
		else if (isBinaryMetadata(entry)) {
			// $binary.x: the details of one of this item's files, which is then read by its field name
			const name = Object.keys(binary).find((key) => sameFile(binary[key], entry));
			if (name) addName(name);
			else invalid.push(JSON.stringify(entry).slice(0, 80));
		} else if (typeof entry === 'string')
			entry
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
				.forEach(addName);
		else if (typeof entry === 'number') addName(String(entry));
		else if (entry !== undefined && entry !== null) invalid.push(JSON.stringify(entry).slice(0, 80));
	};
	if (Array.isArray(value)) value.forEach(add);
	else if (value && typeof value === 'object' && !isBinaryMetadata(value)) {
		// A whole `binary` ({{ $binary }}, {{ $('Node').item.binary }}): every file in it, in its order.
		const entries = Object.entries(value as IDataObject);
		if (entries.length && entries.every(([, v]) => isBinaryMetadata(v))) {
			for (const [key, v] of entries) {
				if (isBinaryObject(v)) refs.push({ name: key, binary: v });
				else addName(key);
			}
		} else invalid.push(JSON.stringify(value).slice(0, 80));
	} else add(value);
	return { refs, missing, invalid };
}

/** The bytes of a binary object from an expression, wherever the instance stores binaries. */
export async function readBinaryObject(ctx: IExecuteFunctions, binary: IBinaryData): Promise<Buffer> {
	if (binary.id) return await ctx.helpers.binaryToBuffer(await ctx.helpers.getBinaryStream(binary.id));
	return Buffer.from(binary.data ?? '', 'base64');
}
