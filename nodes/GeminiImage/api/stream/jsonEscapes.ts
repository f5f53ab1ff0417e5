/** JSON string escapes decoded to UTF-8 bytes, one escape at a time (jsonReader.ts feeds them). */

/** What the one-letter escapes stand for: \" \\ \/ \b \f \n \r \t. */
export const SIMPLE_ESCAPES: Record<number, number> = {
	0x22: 0x22,
	0x5c: 0x5c,
	0x2f: 0x2f,
	0x62: 0x08,
	0x66: 0x0c,
	0x6e: 0x0a,
	0x72: 0x0d,
	0x74: 0x09,
};

const REPLACEMENT = Buffer.from('\ufffd', 'utf8');

/** \uXXXX escapes: four hex digits, and surrogate pairs written as two escapes. */
export class UnicodeEscapes {
	private code = 0;
	private digits = 0;
	private highSurrogate = 0;

	start(): void {
		this.code = 0;
		this.digits = 0;
	}

	/** Adds a hex digit; the code unit once there are four, else undefined. */
	digit(byte: number): number | undefined {
		const value = byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x57;
		this.code = this.code * 16 + (value >= 0 && value < 16 ? value : 0);
		return ++this.digits === 4 ? this.code : undefined;
	}

	/** The UTF-8 bytes of a complete code unit: none yet for a high surrogate (its pair comes next). */
	bytes(code: number): Buffer | undefined {
		if (code >= 0xd800 && code <= 0xdbff) {
			const lone = this.lone();
			this.highSurrogate = code;
			return lone;
		}
		if (code >= 0xdc00 && code <= 0xdfff) {
			const high = this.highSurrogate;
			this.highSurrogate = 0;
			return high ? Buffer.from(String.fromCodePoint(0x10000 + ((high - 0xd800) << 10) + (code - 0xdc00)), 'utf8') : REPLACEMENT;
		}
		const lone = this.lone();
		const bytes = Buffer.from(String.fromCodePoint(code), 'utf8');
		return lone ? Buffer.concat([lone, bytes]) : bytes;
	}

	/** A high surrogate not followed by its pair stands for U+FFFD, as JSON.parse renders it in UTF-8. */
	lone(): Buffer | undefined {
		if (!this.highSurrogate) return undefined;
		this.highSurrogate = 0;
		return REPLACEMENT;
	}

	reset(): void {
		this.highSurrogate = 0;
	}
}
