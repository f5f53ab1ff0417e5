/**
 * The node's shape, as docs/ARCHITECTURE.md draws it: n8n's vendor-node folders, each layer importing only the
 * ones below it, no import cycle, and the size the code may grow to before it is re-cut again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const NODE = path.join(ROOT, 'nodes', 'GeminiImage');

function filesUnder(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		return entry.isDirectory() ? filesUnder(full) : [full];
	});
}

const published = [...filesUnder(path.join(ROOT, 'nodes')), ...filesUnder(path.join(ROOT, 'credentials'))];
const sources = published.filter((file) => file.endsWith('.ts'));
const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

/** The file's imports: package names as written, relative ones resolved to repository paths. */
function importsOf(file: string): string[] {
	const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
	return importedFiles.map(({ fileName }) => {
		if (!fileName.startsWith('.')) return fileName;
		const base = path.resolve(path.dirname(file), fileName);
		const found = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
		return found ? rel(found) : `missing:${rel(base)}`;
	});
}

const graph = new Map(sources.map((file) => [rel(file), importsOf(file)]));

/** The layer a file belongs to: n8n's vendor-node folders, the node class and the credential. */
function layer(file: string): string {
	if (file.startsWith('credentials/')) return 'credential';
	const inNode = path.relative(NODE, path.join(ROOT, file)).split(path.sep);
	return inNode.length === 1 ? 'node' : inNode[0];
}

/** Which layers each layer may import. helpers/ is pure; transport/ knows nothing of answers. */
const MAY_IMPORT: Record<string, string[]> = {
	node: ['actions', 'methods'],
	actions: ['actions', 'methods', 'transport', 'helpers'],
	methods: ['transport', 'helpers'],
	transport: ['transport', 'helpers'],
	helpers: ['helpers'],
	credential: ['helpers'],
};
const ANSWER_FILES = ['helpers/answers.ts', 'helpers/json.ts', 'helpers/sse.ts'].map((f) => `nodes/GeminiImage/${f}`);

describe('the node and credential files', () => {
	// Issue 19 asked for 4,000 lines; the re-cut came to 5,9xx with behaviour unchanged, the adaptive limiter added
	// about 180 (docs/ARCHITECTURE.md, "Size"). This ceiling keeps the code from growing back unnoticed: raise it
	// only with a reason there.
	test('stay within 35 files and 6,200 lines', () => {
		const lines = sources.reduce((sum, file) => sum + fs.readFileSync(file, 'utf8').split('\n').length - 1, 0);
		expect(published.length).toBeLessThanOrEqual(35);
		expect(lines).toBeLessThanOrEqual(6200);
	});

	test('import only n8n-workflow and each other, each layer only the layers below it', () => {
		const wrong: string[] = [];
		for (const [file, imports] of graph) {
			for (const target of imports) {
				if (target === 'n8n-workflow') continue;
				if (!graph.has(target)) wrong.push(`${file} imports ${target}`);
				else if (!(MAY_IMPORT[layer(file)] ?? []).includes(layer(target))) wrong.push(`${file} (${layer(file)}) imports ${target}`);
				else if (layer(file) === 'transport' && ANSWER_FILES.includes(target)) wrong.push(`${file} reads answers: ${target}`);
			}
		}
		expect(wrong).toEqual([]);
	});

	test('have no import cycle', () => {
		const cycles: string[] = [];
		const state = new Map<string, 'open' | 'done'>();
		const visit = (file: string, trail: string[]) => {
			if (state.get(file) === 'done') return;
			if (state.get(file) === 'open') {
				cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
				return;
			}
			state.set(file, 'open');
			for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
			state.set(file, 'done');
		};
		for (const file of graph.keys()) visit(file, []);
		expect(cycles).toEqual([]);
	});

	test('are named for what they hold, not for a version', () => {
		expect(sources.map(rel).filter((file) => /^v\d|version\d|legacy|^old/i.test(path.basename(file)))).toEqual([]);
	});
});
