/**
 * Server-sent events, read byte by byte as they arrive: each event's data is handed on in pieces, never
 * collected, so a multi-megabyte line holding an image costs no copy. CRLF or LF line ends (split across
 * chunks too), comment lines (`: PING`), other fields and multi-line `data:` fields are handled.
 */
import type { AnswerReader, ReadOutcome } from './interfaces';

export interface SseHandler {
	begin(): void;
	/** A piece of the event's data (several data lines are joined by "\n", as the standard says). */
	data(bytes: Buffer, start: number, end: number): void;
	end(): void;
}

const LF = 0x0a;
const CR = 0x0d;
const NEWLINE = Buffer.from('\n');
const CARRIAGE_RETURN = Buffer.from('\r');
const MAX_FIELD_BYTES = 16;

const enum State {
	LineStart,
	ValueStart,
	Data,
	Ignore,
}

export class SseReader {
	private state = State.LineStart;
	private field: number[] = [];
	private lines = 0;
	/** A CR at the end of the last chunk: dropped if a LF follows, data otherwise. */
	private pendingCr = false;

	constructor(private readonly handler: SseHandler) {}

	push(chunk: Buffer): void {
		const n = chunk.length;
		let i = 0;
		if (n === 0) return;
		if (this.pendingCr) {
			this.pendingCr = false;
			if (chunk[0] !== LF) this.handler.data(CARRIAGE_RETURN, 0, 1);
		}
		while (i < n) {
			if (this.state === State.Data || this.state === State.Ignore) {
				const nl = chunk.indexOf(LF, i);
				const end = nl === -1 ? n : nl;
				if (this.state === State.Data) {
					let last = end;
					if (last > i && chunk[last - 1] === CR) last--;
					if (last > i) this.handler.data(chunk, i, last);
					if (nl === -1 && last < end) this.pendingCr = true;
				}
				if (nl === -1) return;
				this.lineEnd();
				i = nl + 1;
				continue;
			}
			const byte = chunk[i];
			if (this.state === State.ValueStart) {
				// One space after the colon belongs to the syntax, not to the value.
				this.state = State.Data;
				if (byte === 0x20) i++;
				continue;
			}
			// LineStart: the field name, up to the colon or the line's end.
			if (byte === LF) {
				if (this.field.length === 0) this.dispatch();
				else if (this.isData()) this.dataLine();
				this.lineEnd();
			} else if (byte === 0x3a) {
				if (this.isData()) {
					this.dataLine();
					this.state = State.ValueStart;
				} else {
					this.state = State.Ignore;
				}
			} else if (byte !== CR) {
				if (this.field.length < MAX_FIELD_BYTES) this.field.push(byte);
				else this.state = State.Ignore;
			}
			i++;
		}
	}

	/** The stream ended: an event left without its blank line still counts. */
	end(): void {
		this.pendingCr = false;
		if (this.state === State.LineStart && this.field.length && this.isData()) this.dataLine();
		this.dispatch();
		this.lineEnd();
	}

	private isData(): boolean {
		return Buffer.from(this.field).toString('latin1') === 'data';
	}

	private dataLine(): void {
		if (this.lines++ === 0) this.handler.begin();
		else this.handler.data(NEWLINE, 0, 1);
	}

	private lineEnd(): void {
		this.state = State.LineStart;
		this.field = [];
	}

	private dispatch(): void {
		if (this.lines === 0) return;
		this.lines = 0;
		this.handler.end();
	}
}

/** The error object of a value (Google's or CometAPI's `{error: ...}` envelope), else undefined. */
export const errorIn = (value: unknown): object | undefined =>
	value && typeof value === 'object' && 'error' in value && (value as { error: unknown }).error ? value : undefined;

/**
 * An answer that comes as server-sent events, each event's data read through a fresh JSON reader. Stops at
 * [DONE], at an error event, or at an event that is not JSON (a stream cut in the middle of one).
 */
export abstract class EventReader implements AnswerReader {
	stopped = false;
	protected events = 0;
	protected broken = false;
	protected done = false;
	protected errorEvent: object | undefined;
	private readonly sse = new SseReader({
		// Once stopped, the rest of the chunk is read by nobody: an event after [DONE] must not reach the answer.
		begin: () => (this.event = this.stopped ? undefined : this.newEvent()),
		data: (bytes, start, end) => this.event?.push(bytes.subarray(start, end)),
		end: () => this.endEvent(),
	});
	private event: { push(chunk: Buffer): void; text(): string } | undefined;

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
			this.broken = this.stopped = true;
			return;
		}
		this.events++;
		this.errorEvent = errorIn(parsed);
		if (this.errorEvent) this.stopped = true;
		else this.onEvent(parsed);
	}
}
