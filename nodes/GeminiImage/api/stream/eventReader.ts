/**
 * An answer that comes as server-sent events, each event's data read through a fresh JSON reader. Stops at
 * [DONE], at an error event, or at an event that is not JSON (a stream cut in the middle of one). The
 * routes' stream readers (native/readers.ts, chat/readers.ts) say what an event means.
 */
import type { AnswerReader, ReadOutcome } from '../types';
import { SseReader } from './sse';

/** The error object of a value (Google's or CometAPI's `{error: ...}` envelope), else undefined. */
export const errorIn = (value: unknown): object | undefined =>
	value && typeof value === 'object' && 'error' in value && (value as { error: unknown }).error ? value : undefined;

export abstract class EventReader implements AnswerReader {
	stopped = false;
	protected events = 0;
	protected broken = false;
	protected done = false;
	protected errorEvent: object | undefined;
	private readonly sse: SseReader;
	private event: { push(chunk: Buffer): void; text(): string } | undefined;

	constructor() {
		this.sse = new SseReader({
			begin: () => (this.event = this.newEvent()),
			data: (bytes, start, end) => this.event?.push(bytes.subarray(start, end)),
			end: () => this.endEvent(),
		});
	}

	protected abstract newEvent(): { push(chunk: Buffer): void; text(): string };
	protected abstract onEvent(event: object): void;
	abstract end(): ReadOutcome;

	push(chunk: Buffer): void {
		if (!this.stopped) this.sse.push(chunk);
	}

	protected finishEvents(): void {
		if (!this.stopped) this.sse.end();
	}

	private endEvent(): void {
		if (this.stopped) return;
		let parsed: unknown;
		try {
			const text = this.event?.text() ?? '';
			if (text.trim() === '[DONE]') {
				this.done = this.stopped = true;
				return;
			}
			parsed = JSON.parse(text);
		} catch {
			parsed = undefined;
		}
		this.event = undefined;
		if (!parsed || typeof parsed !== 'object') {
			// An event that is not JSON: a stream cut in the middle of one.
			this.broken = this.stopped = true;
			return;
		}
		this.events++;
		this.errorEvent = errorIn(parsed);
		if (this.errorEvent) this.stopped = true;
		else this.onEvent(parsed);
	}
}
