/**
 * Where the JSON being read is (jsonReader.ts): the containers it is in and their keys, enough to tell a
 * key from a value and to say under which keys a value sits. Bounded: past a depth it only counts.
 */
import type { StringPlace } from './jsonReader';

const MAX_DEPTH = 512;

interface Frame {
	isArray: boolean;
	key?: string;
}

export class JsonPath {
	private readonly frames: Frame[] = [];
	private extraDepth = 0;
	private expectKey = false;
	private lastKey: string | undefined;

	/** A byte outside strings. */
	structure(byte: number): void {
		const top = this.frames[this.frames.length - 1];
		switch (byte) {
			case 0x7b: // {
			case 0x5b: {
				// [
				const isArray = byte === 0x5b;
				const key = top && !top.isArray ? this.lastKey : top?.key;
				if (this.frames.length < MAX_DEPTH && this.extraDepth === 0) this.frames.push({ isArray, key });
				else this.extraDepth++;
				this.expectKey = !isArray;
				break;
			}
			case 0x7d: // }
			case 0x5d: // ]
				if (this.extraDepth > 0) this.extraDepth--;
				else this.frames.pop();
				this.expectKey = false;
				break;
			case 0x3a: // :
				this.expectKey = false;
				break;
			case 0x2c: // ,
				this.expectKey = !!top && !top.isArray;
				break;
		}
	}

	/** At a string's opening quote: 'key' for an object key, else where the value sits (undefined when too deep). */
	stringStarts(): 'key' | StringPlace | undefined {
		const top = this.frames[this.frames.length - 1];
		if (this.expectKey && top && !top.isArray) return 'key';
		if (this.extraDepth > 0) return undefined;
		return top?.isArray ? { parentKey: top.key } : { key: this.lastKey, parentKey: top?.key };
	}

	/** A key was read (undefined if it was too long to keep). */
	keyRead(key: string | undefined): void {
		this.lastKey = key;
	}
}
