/**
 * Server-sent events, read incrementally: chunks in, whole events out. Handles CRLF or LF line ends,
 * comment lines (`: PING`), multi-line `data:` fields, and a multi-megabyte line holding an image.
 * Pure: no streams, so it is unit-tested with any chunking.
 */
export interface SseEvent {
	event?: string;
	data: string;
}

export class SseParser {
	private pending: Buffer[] = [];
	private pendingLength = 0;
	private dataLines: string[] = [];
	private eventName: string | undefined;

	/** Feeds a chunk; returns the events completed by it. */
	push(chunk: Buffer | string): SseEvent[] {
		const events: SseEvent[] = [];
		let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
		let start = 0;
		for (let nl = buf.indexOf(0x0a, start); nl !== -1; nl = buf.indexOf(0x0a, start)) {
			let line: string;
			if (this.pendingLength) {
				// A long line arrived in pieces: join them once, when it is complete.
				this.pending.push(buf.subarray(start, nl));
				line = Buffer.concat(this.pending, this.pendingLength + nl - start).toString('utf8');
				this.pending = [];
				this.pendingLength = 0;
			} else {
				line = buf.toString('utf8', start, nl);
			}
			start = nl + 1;
			if (line.endsWith('\r')) line = line.slice(0, -1);
			const event = this.line(line);
			if (event) events.push(event);
		}
		if (start < buf.length) {
			buf = buf.subarray(start);
			this.pending.push(buf);
			this.pendingLength += buf.length;
		}
		return events;
	}

	/** Flushes an event left without its closing blank line when the stream ends. */
	end(): SseEvent[] {
		const events: SseEvent[] = [];
		if (this.pendingLength) {
			const rest = Buffer.concat(this.pending).toString('utf8').replace(/\r$/, '');
			this.pending = [];
			this.pendingLength = 0;
			const event = this.line(rest);
			if (event) events.push(event);
		}
		const last = this.dispatch();
		if (last) events.push(last);
		return events;
	}

	private line(line: string): SseEvent | undefined {
		if (line === '') return this.dispatch();
		if (line.startsWith(':')) return undefined; // comment, e.g. ": PING" keep-alives
		const colon = line.indexOf(':');
		const field = colon === -1 ? line : line.slice(0, colon);
		let value = colon === -1 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'data') this.dataLines.push(value);
		else if (field === 'event') this.eventName = value;
		return undefined;
	}

	private dispatch(): SseEvent | undefined {
		if (!this.dataLines.length) {
			this.eventName = undefined;
			return undefined;
		}
		const event: SseEvent = { data: this.dataLines.join('\n') };
		if (this.eventName) event.event = this.eventName;
		this.dataLines = [];
		this.eventName = undefined;
		return event;
	}
}
