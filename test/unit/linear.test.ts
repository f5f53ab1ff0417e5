/**
 * Linear time on adversarial text: 1 MB of markdown and data-URL fragments, escapes or SSE comments is read
 * within a small factor of 1 MB of prose, on every reader. These compare run times, so they are left out of
 * mutation runs (jest.mutation.config.js): Stryker's instrumentation counts every statement, which changes
 * the ratios.
 */
import { describeHttpFailure } from '../../nodes/GeminiImage/helpers/failures';
import { ChatAnswer, ChatStreamReader, NativeStreamReader, parseNativeResponse } from '../../nodes/GeminiImage/helpers/answers';
import type { AnswerReader } from '../../nodes/GeminiImage/helpers/interfaces';
import { AnswerLimitError } from '../../nodes/GeminiImage/helpers/interfaces';
import { JsonBlobReader } from '../../nodes/GeminiImage/helpers/json';
import { redactSecrets } from '../../nodes/GeminiImage/helpers/redact';

/** A limit reached is a prompt answer too; any other throw is a failure, not a fast run. */
const limitsOnly = (error: unknown) => {
	if (!(error instanceof AnswerLimitError)) throw error;
};

describe('linear parsing: 1 MB of adversarial text finishes promptly', () => {
	const MB = 1024 * 1024;
	const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
	const prose = fill('The quick brown fox jumps over the lazy dog. ');
	const adversarial: Array<[string, string]> = [
		['![', fill('![')],
		['](', fill('](')],
		['![a](', fill('![a](')],
		['data: fragments', fill('data:image/png;base64')],
		['unclosed data URLs', fill('![x](data:image/png;base64,QUJD')],
		['mixed', fill('![ ](data: ![x]( data:ima ](![')],
	];

	/** The best of three runs, in ms; a limit error counts as an answer, anything else fails the test. */
	const time = (fn: () => void) => {
		let best = Infinity;
		for (let i = 0; i < 3; i++) {
			const started = process.hrtime.bigint();
			try {
				fn();
			} catch (error) {
				limitsOnly(error);
			}
			best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
		}
		return best;
	};

	const readers: Array<[string, (text: string) => void]> = [
		[
			'chat answer (content)',
			(text) => {
				const a = new ChatAnswer();
				for (const chunk of [{ choices: [{ delta: { content: text } }] }, { choices: [{ delta: {}, finish_reason: 'stop' }] }]) {
					const reader = a.reader();
					reader.push(Buffer.from(JSON.stringify(chunk)));
					a.addMeta(reader.end());
				}
				a.result();
			},
		],
		[
			'native answer (text part)',
			(text) => {
				const body = Buffer.from(JSON.stringify({ candidates: [{ content: { parts: [{ text }] }, finishReason: 'STOP' }] }));
				const reader = new JsonBlobReader(body.length);
				for (let i = 0; i < body.length; i += 65536) reader.push(body.subarray(i, i + 65536));
				parseNativeResponse(reader.end(), reader.images);
			},
		],
		['error body', (text) => describeHttpFailure(500, text, { 'content-type': 'text/plain' }, { secret: 'Zq8xLm2PvR7tK4wN' })],
		['redaction', (text) => redactSecrets(text, 'Zq8xLm2PvR7tK4wN')],
	];

	it.each(readers)('%s', (_name, read) => {
		const baseline = time(() => read(prose));
		for (const [name, text] of adversarial) {
			const took = time(() => read(text));
			// Same reader, same size, same run: a linear reader stays within a small factor of the baseline.
			if (took > Math.max(baseline * 25, 1000))
				throw new Error(`${name}: ${took.toFixed(0)} ms against ${baseline.toFixed(0)} ms for plain text`);
		}
	});
});

describe('linear parsing on the streamed routes: 1 MB of adversarial text', () => {
	const MB = 1024 * 1024;
	const fill = (unit: string) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
	const bodies = (text: string) => ({
		chat: `data: ${JSON.stringify({ choices: [{ delta: { content: text } }] })}\n\ndata: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n`,
		native: `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text }] }, finishReason: 'STOP' }] })}\r\n\r\n`,
	});
	const time = (make: () => AnswerReader, body: string) => {
		const buf = Buffer.from(body);
		let best = Infinity;
		for (let i = 0; i < 3; i++) {
			const started = process.hrtime.bigint();
			try {
				const reader = make();
				for (let at = 0; at < buf.length; at += 65536) reader.push(buf.subarray(at, at + 65536));
				reader.end();
			} catch (error) {
				limitsOnly(error);
			}
			best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
		}
		return best;
	};
	it.each([
		['chat', () => new ChatStreamReader()],
		['native', () => new NativeStreamReader()],
	] as Array<['chat' | 'native', () => AnswerReader]>)('%s stream', (route, make) => {
		const baseline = time(make, bodies(fill('The quick brown fox jumps over the lazy dog. '))[route]);
		for (const unit of [
			'![',
			'](',
			'![a](',
			'data:image/png;base64',
			'![x](data:image/png;base64,QUJD',
			'![ ](data: ![x]( data:ima ](![',
			': PING\n',
			'\\"\\\\',
		]) {
			const took = time(make, bodies(fill(unit))[route]);
			if (took > Math.max(baseline * 25, 1000))
				throw new Error(`${JSON.stringify(unit)}: ${took.toFixed(0)} ms against ${baseline.toFixed(0)} ms`);
		}
	});
});
