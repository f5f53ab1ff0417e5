'use strict';
// What a new node gets when no setting is touched, read from the compiled node's own description (not from a
// constant's name, which may move): version 2's Request Settings (Concurrency, Max Retries). Used by part 4
// (dist/, the packed build) and part 5 (.bench-build/, the harness build) to say which defaults they measured.

const path = require('node:path');

/** root: a directory holding nodes/GeminiImage/GeminiImage.node.js (dist/ or .bench-build/). */
function nodeDefaults(root, version = 2) {
	const file = path.join(path.resolve(root), 'nodes', 'GeminiImage', 'GeminiImage.node.js');
	const mod = require(file);
	const NodeClass = mod.GeminiImage || Object.values(mod)[0];
	const description = new NodeClass().description;
	const ofVersion = (p) => {
		const versions = p.displayOptions && p.displayOptions.show && p.displayOptions.show['@version'];
		return !versions || versions.includes(version);
	};
	const collections = description.properties.filter((p) => p.type === 'collection' && ofVersion(p));
	const setting = (name) => {
		for (const c of collections) {
			const o = (c.options || []).find((x) => x.name === name);
			if (o) return { default: o.default, max: o.typeOptions && o.typeOptions.maxValue, in: c.displayName };
		}
		return { default: null, max: null, in: null };
	};
	const concurrency = setting('concurrency');
	const maxRetries = setting('maxRetries');
	return {
		version,
		defaultVersion: description.defaultVersion,
		concurrency: concurrency.default,
		maxConcurrency: concurrency.max,
		concurrencyIn: concurrency.in,
		maxRetries: maxRetries.default,
	};
}

module.exports = { nodeDefaults };
