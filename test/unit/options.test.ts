/**
 * How the user's options (and, as a tool, the AI model's choices) become one item's request: the generation
 * fields, and the bounds on size, time and number of images, with their defaults where a value is unusable.
 */
import type { RunMode } from '../../nodes/GeminiImage/actions/options';
import { readOptions } from '../../nodes/GeminiImage/actions/options';
import { planContext, thrownBy } from './fixtures';

const V2: RunMode = { version2: true, toolCall: false, tool: false };
const TOOL: RunMode = { version2: true, toolCall: true, tool: true };
const MODEL = 'gemini-3-pro-image';

/** readOptions for item 0 with these node parameters (version 2 unless the run says otherwise). */
const read = (parameters: Record<string, unknown>, run: RunMode = V2) => readOptions(planContext({ parameters }), 0, MODEL, run);

describe('readOptions: what an AI model chooses as a tool', () => {
	it('keeps the Options where the model left a choice empty, blank or null', () => {
		const options = { aspectRatio: '16:9', imageSize: '2K', numberOfImages: 3 };
		for (const empty of ['', '   ', null]) {
			const { generation, settings } = read({ options, toolAspectRatio: empty, toolImageSize: empty, toolNumberOfImages: empty }, TOOL);
			expect([generation.aspectRatio, generation.imageSize, settings.numberOfImages]).toEqual(['16:9', '2K', 3]);
		}
		// not handed over at all (an older saved tool node)
		const { generation, settings } = read({ options }, TOOL);
		expect([generation.aspectRatio, generation.imageSize, settings.numberOfImages]).toEqual(['16:9', '2K', 3]);
	});

	it("takes the model's choices over the Options, and at most 4 images", () => {
		const options = { aspectRatio: '16:9', imageSize: '2K', numberOfImages: 3 };
		const chosen = read({ options, toolAspectRatio: ' 1:1 ', toolImageSize: '4k', toolNumberOfImages: '1' }, TOOL);
		expect([chosen.generation.aspectRatio, chosen.generation.imageSize, chosen.settings.numberOfImages]).toEqual(['1:1', '4K', 1]);
		expect(read({ options, toolNumberOfImages: '2' }, TOOL).settings.numberOfImages).toBe(2);
		expect(read({ options, toolNumberOfImages: '50' }, TOOL).settings.numberOfImages).toBe(4);
		// 0 or a negative count is no choice
		expect(read({ options, toolNumberOfImages: '0' }, TOOL).settings.numberOfImages).toBe(3);
		expect(read({ options, toolNumberOfImages: '-2' }, TOOL).settings.numberOfImages).toBe(3);
	});
});

describe('readOptions: System Instruction', () => {
	it('takes up to 32,000 characters, trimmed, and sends none when empty', () => {
		expect(read({ options: { systemInstruction: 'a'.repeat(32_000) } }).generation.systemInstruction).toBe('a'.repeat(32_000));
		expect(read({ options: { systemInstruction: '  Be brief.  ' } }).generation.systemInstruction).toBe('Be brief.');
		expect(read({ options: {} }).generation).not.toHaveProperty('systemInstruction');
		expect(read({ options: { systemInstruction: '   ' } }).generation).not.toHaveProperty('systemInstruction');
	});

	it('refuses a longer one before anything is sent, saying how to fix it', () => {
		const error = thrownBy(() => read({ options: { systemInstruction: 'a'.repeat(32_001) } }));
		expect(error.message).toBe('System Instruction is too long: 32,001 characters, at most 32,000 [item 0]');
		expect((error as { description?: string }).description).toBe(
			'Nothing was sent. Shorten the System Instruction option to the rules the model should follow.',
		);
	});
});

describe('readOptions: settings and their defaults', () => {
	it('defaults: the Gemini format, binary field "data", 20 MB of input, 300 s, no image link', () => {
		const { settings } = read({});
		expect(settings).toMatchObject({
			apiFormat: 'geminiNative',
			streaming: false,
			numberOfImages: 1,
			binaryPropertyOutput: 'data',
			includeInputFields: true,
			imageLink: false,
			maxInputBytes: 20 * 1024 * 1024,
			timeoutMs: 300_000,
		});
	});

	it('a blank Put Output in Field gives "data", a named one is trimmed', () => {
		expect(read({ options: { binaryPropertyOutput: '   ' } }).settings.binaryPropertyOutput).toBe('data');
		expect(read({ options: { binaryPropertyOutput: ' pic ' } }).settings.binaryPropertyOutput).toBe('pic');
	});

	it('adds the image link only when Add Image Link is on (or as a tool), and never on version 1', () => {
		expect(read({ options: { imageLink: false } }).settings.imageLink).toBe(false);
		expect(read({ options: { imageLink: true } }).settings.imageLink).toBe(true);
		expect(read({}, TOOL).settings.imageLink).toBe(true);
		const v1: RunMode = { version2: false, toolCall: false, tool: false };
		expect(read({ options: { imageLink: true } }, v1).settings.imageLink).toBe(false);
	});

	it("a Max Input Size or Timeout an expression sets past the panel's maximum is held at it (100 MB, 3,600 s)", () => {
		// Past 2^31 ms Node fires a timer at once: each attempt would end as soon as sent, and be retried.
		for (const [mb, seconds] of [
			[101, 3601],
			[1e12, 2_147_484],
			['Infinity', 'Infinity'],
		]) {
			const { settings } = read({ requestSettings: { maxInputMb: mb, timeout: seconds } });
			expect([settings.maxInputBytes, settings.timeoutMs]).toEqual([100 * 1024 * 1024, 3_600_000]);
		}
		const { settings } = read({ requestSettings: { maxInputMb: 100, timeout: 3600 } });
		expect([settings.maxInputBytes, settings.timeoutMs]).toEqual([100 * 1024 * 1024, 3_600_000]);
	});

	it('a Max Input Size or Timeout of 0, below 0 or not a number gives the default instead of a bound of nothing', () => {
		for (const bad of [0, -1, 'lots']) {
			const { settings } = read({ requestSettings: { maxInputMb: bad, timeout: bad } });
			expect([settings.maxInputBytes, settings.timeoutMs]).toEqual([20 * 1024 * 1024, 300_000]);
		}
		const { settings } = read({ requestSettings: { maxInputMb: 0.5, timeout: 1.5 } });
		expect([settings.maxInputBytes, settings.timeoutMs]).toEqual([524_288, 1500]);
	});

	it('refuses an Allowed Private Hosts entry that is no host, saying how to write one', () => {
		const error = thrownBy(() => read({ requestSettings: { allowedPrivateHosts: 'nas.local, http://x/y' } }));
		expect(error.message).toMatch(/^Allowed Private Hosts has .*, which is neither a host name nor an address range \[item 0\]$/);
		expect((error as { description?: string }).description).toBe(
			'List host names (*.example.com for its subdomains), IP addresses or ranges such as 192.168.1.0/24, separated by commas.',
		);
	});
});
