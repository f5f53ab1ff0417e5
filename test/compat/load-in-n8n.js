'use strict';
// Loads the built package the way an n8n loads a community package, with that n8n's own n8n-workflow and
// n8n-core, and reports what it found. Run with the Node of the n8n under test (test/compat/load.test.js
// does, once per installed runtime):
//
//   <node> test/compat/load-in-n8n.js <runtime node_modules> <package folder>
//
// The package folder must be a copy outside any project (as n8n installs it), so that its `require` finds
// n8n's libraries only through NODE_PATH, exactly as in n8n. Prints one JSON line:
// { n8nWorkflow, n8nCore, resolved, nodes, credentials, used, missing, described, error }
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

async function main() {
	const [modules, pkgDir] = process.argv.slice(2);
	const out = { used: [], missing: [] };
	// What n8n does at boot (LoadNodesAndCredentials.init): its own module paths become NODE_PATH.
	process.env.NODE_PATH = [modules, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
	Module._initPaths();

	const versionOf = (name) => JSON.parse(fs.readFileSync(path.join(modules, name, 'package.json'), 'utf8')).version;
	out.n8nWorkflow = versionOf('n8n-workflow');
	out.n8nCore = versionOf('n8n-core');
	out.resolved = fs.realpathSync(path.dirname(require.resolve('n8n-workflow/package.json', { paths: [pkgDir] })));

	// Every value the compiled code takes from n8n-workflow (tsc writes `n8n_workflow_1.Name`).
	const workflow = require(require.resolve('n8n-workflow', { paths: [pkgDir] }));
	const used = new Set();
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(p);
			else if (p.endsWith('.js')) for (const m of fs.readFileSync(p, 'utf8').matchAll(/n8n_workflow_\d+\.(\w+)/g)) used.add(m[1]);
		}
	};
	walk(path.join(pkgDir, 'dist'));
	out.used = [...used].sort();
	out.missing = out.used.filter((name) => workflow[name] === undefined);

	// n8n-core's own loader, as n8n uses it for installed community packages.
	const { PackageDirectoryLoader } = require(path.join(modules, 'n8n-core'));
	const loader = new PackageDirectoryLoader(pkgDir);
	await loader.loadAll();
	out.nodes = Object.keys(loader.nodeTypes);
	out.credentials = Object.keys(loader.credentialTypes);
	// The description n8n serves to the editor must build (properties, codex, icons).
	out.described = Object.values(loader.nodeTypes).map(({ type }) => {
		const d = type.description ?? type.nodeVersions?.[type.currentVersion]?.description;
		return { name: d.name, version: d.version, defaultVersion: d.defaultVersion, properties: d.properties.length, codex: !!d.codex };
	});

	// The parameters this n8n keeps for a node of each version (its own NodeHelpers, as when a workflow loads):
	// the `@version` display options must give version 1 its parameters and version 2 its own.
	const { NodeHelpers } = workflow;
	const description = Object.values(loader.nodeTypes)[0].type.description;
	// The AI-tool variant n8n makes of a usableAsTool node is the same description named "…Tool" (`@tool`).
	const toolDescription = { ...description, name: `${description.name}Tool` };
	const parametersOf = (typeVersion, nodeValues, nodeTypeDescription = description) => {
		// n8n-workflow before 1.9x took (…, node, onlySimpleTypes); later ones (…, node, nodeTypeDescription)
		const newSignature = /nodeTypeDescription/.test(NodeHelpers.getNodeParameters.toString().slice(0, 200));
		const extra = newSignature ? [nodeTypeDescription] : [false];
		return NodeHelpers.getNodeParameters(description.properties, nodeValues, true, false, { typeVersion, parameters: {} }, ...extra);
	};
	out.parameters = {};
	for (const version of [1, 2]) {
		for (const operation of ['textToImage', 'imageToImage', 'refineImage']) {
			if (version === 1 && operation === 'refineImage') continue;
			out.parameters[`v${version} ${operation}`] = parametersOf(version, { operation });
			out.parameters[`v${version} ${operation} tool`] = parametersOf(version, { operation }, toolDescription);
		}
	}
	return out;
}

main().then(
	(out) => process.stdout.write(`${JSON.stringify(out)}\n`),
	(error) => {
		process.stdout.write(`${JSON.stringify({ error: String(error && error.stack ? error.stack : error) })}\n`);
		process.exitCode = 1;
	},
);
