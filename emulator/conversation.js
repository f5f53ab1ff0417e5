'use strict';
// Multi-turn editing on the native route: the thought signatures the emulator issues on its answers, and what
// it checks and records when a later request sends the conversation back.
//
// Issuing: on a 200 answer of a thinking model (gemini-3*, *nano-banana*; any model for a part that already had
// a signature, as in the `thoughts` scenario), the first part after the thoughts and every final image part get
// a signature of their own: opaque base64, bound by HMAC to the part's kind and content (the text, or the
// sha256 of the image bytes). Recorded in `rec.signaturesIssued`.
//
// Checking: a request with more than one turn gets `rec.conversation` (turns, parts, the signatures received
// in order, and which issued ones are missing). A signature that is not one the emulator issued, or that sits
// on another part than the one it was issued for, is answered 400 like Google does for a corrupted signature.
// Missing signatures are accepted (Gemini 3 Pro Image does not reject them) but recorded.
// Pure functions over the parsed body and the answer object: no sockets, no timers.

const crypto = require('node:crypto');

// A fixed key: signatures stay valid across emulator restarts (the sandbox of `npm start`).
const SIGNING_KEY = 'cometapi-emulator-thought-signatures-v1';
const THINKING_MODEL = /gemini-3|nano-?banana/i;
const SIGNATURE_ERROR =
	'Unable to process the request: the thought signature of contents[%c].parts[%p] is not valid. Send back the thoughtSignature of each part exactly as the model returned it, on the same part.';
// Bindings of issued signatures (sha256 of the content) -> signature, to tell which ones did not come back.
const ISSUED_LIMIT = 20000;
const issuedByBinding = new Map();
let issuedCount = 0;

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const mac = (payload) => crypto.createHmac('sha256', SIGNING_KEY).update(payload).digest('hex').slice(0, 40);

function issue(kind, binding, requestId) {
	issuedCount++;
	const payload = JSON.stringify({ v: 1, k: kind, b: binding, r: requestId, n: issuedCount, z: crypto.randomBytes(24).toString('hex') });
	const signature = Buffer.from(`${payload}.${mac(payload)}`, 'utf8').toString('base64');
	issuedByBinding.set(binding, signature);
	if (issuedByBinding.size > ISSUED_LIMIT) issuedByBinding.delete(issuedByBinding.keys().next().value);
	return signature;
}

/** { kind, binding, requestId } of a signature this emulator issued, or null. */
function verify(signature) {
	if (typeof signature !== 'string' || !signature) return null;
	const text = Buffer.from(signature, 'base64').toString('utf8');
	const dot = text.lastIndexOf('.');
	if (dot < 0) return null;
	const payload = text.slice(0, dot);
	if (mac(payload) !== text.slice(dot + 1)) return null;
	try {
		const p = JSON.parse(payload);
		return { kind: p.k, binding: p.b, requestId: p.r };
	} catch {
		return null;
	}
}

const textBinding = (text) => sha256(`text\n${text}`);

/**
 * Signs a native 200 answer in place (before it is serialised or split into SSE events) and records what it
 * issued on `rec.signaturesIssued`. Returns the answer.
 */
function signNative(answer, rec, model) {
	const parts = answer && answer.kind === 'json' && answer.status === 200 ? answer.body?.candidates?.[0]?.content?.parts : null;
	if (!Array.isArray(parts)) return answer;
	const thinking = THINKING_MODEL.test(String(model || ''));
	const byBase64 = new Map((answer.images || []).map((img) => [img.base64, img]));
	const issued = [];
	let first = true;
	parts.forEach((part, index) => {
		if (!part || typeof part !== 'object' || part.thought === true) return;
		const isFirst = first;
		first = false;
		const inline = part.inlineData;
		const image = inline && typeof inline.data === 'string' ? byBase64.get(inline.data) : undefined;
		if (inline && !image) return; // an empty or broken image part (empty-image): nothing to sign
		if (!(thinking || part.thoughtSignature) || !(image || isFirst || part.thoughtSignature)) return;
		const kind = image ? 'image' : 'text';
		const binding = image ? image.sha256 : textBinding(String(part.text ?? ''));
		part.thoughtSignature = issue(kind, binding, rec.id);
		issued.push({ part: index, kind, signature: part.thoughtSignature, ...(image ? { sha256: image.sha256 } : { text: part.text }) });
	});
	rec.signaturesIssued = issued;
	return answer;
}

/**
 * Reads the turns of a native request (analysed images give the sha256 of each inline image) and checks the
 * signatures it carries. Returns { record, error } (error: a message for a 400, or null).
 * `images`: analyseNative's list ({ content, part, sha256 }).
 */
function inspectNative(body, images) {
	const contents = Array.isArray(body?.contents) ? body.contents : [];
	if (contents.length < 2) return { record: null, error: null };
	const shaOf = new Map((images || []).map((i) => [`${i.content}/${i.part}`, i.sha256]));
	const record = { turns: [], signaturesReceived: [], signaturesMissing: [], signaturesUnknown: [] };
	let error = null;
	contents.forEach((content, c) => {
		const role = content?.role ?? null;
		const turn = { role, parts: [] };
		(Array.isArray(content?.parts) ? content.parts : []).forEach((part, p) => {
			if (!part || typeof part !== 'object') return;
			const inline = part.inlineData || part.inline_data;
			const signature = part.thoughtSignature ?? part.thought_signature;
			const entry = inline ? { kind: 'image', sha256: shaOf.get(`${c}/${p}`) ?? null } : { kind: 'text', text: String(part.text ?? '') };
			const binding = inline ? entry.sha256 : textBinding(entry.text);
			if (signature !== undefined) {
				entry.thoughtSignature = signature;
				record.signaturesReceived.push(signature);
				const known = verify(signature);
				const valid = !!known && known.binding === binding && known.kind === entry.kind;
				entry.signatureValid = valid;
				if (!valid) {
					record.signaturesUnknown.push({ content: c, part: p, signature });
					error ??= SIGNATURE_ERROR.replace('%c', c).replace('%p', p);
				}
			} else if (role === 'model' && binding && issuedByBinding.has(binding)) {
				record.signaturesMissing.push({ content: c, part: p, signature: issuedByBinding.get(binding) });
			}
			turn.parts.push(entry);
		});
		record.turns.push(turn);
	});
	return { record, error };
}

module.exports = { signNative, inspectNative, verify, THINKING_MODEL };
