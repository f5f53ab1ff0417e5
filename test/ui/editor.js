'use strict';
// What a user does in n8n's editor, as Playwright steps: sign in, open a workflow, search the nodes panel, add a
// node, open it, set parameters, run it and read what the output pane shows. Selectors are n8n's own
// data-test-id attributes (the ones n8n's Playwright tests use), the same in n8n 1.123 and 2.41 where noted.

const { setTimeout: sleep } = require('node:timers/promises');

const DEFAULT_TIMEOUT = 30000;

class Editor {
	/** @param page a Playwright page; @param baseUrl n8n's address */
	constructor(page, baseUrl) {
		this.page = page;
		this.baseUrl = baseUrl.replace(/\/+$/, '');
		page.setDefaultTimeout(DEFAULT_TIMEOUT);
	}

	testId(id) {
		return this.page.locator(`[data-test-id="${id}"]`);
	}

	/**
	 * Polls `check` until it returns a truthy value; throws `what` with the last value seen otherwise. A check
	 * that throws is retried (the page may be re-rendering), unless its error has `fatal: true`.
	 */
	async until(check, what, timeoutMs = DEFAULT_TIMEOUT) {
		const deadline = Date.now() + timeoutMs;
		let last;
		while (Date.now() < deadline) {
			try {
				last = await check();
				if (last) return last;
			} catch (e) {
				if (e.fatal) throw e; // the check knows it can never pass
				last = e.message;
			}
			await sleep(250);
		}
		throw new Error(`${what} (after ${timeoutMs / 1000} s; last seen: ${JSON.stringify(last)})`);
	}

	async signIn({ email, password }) {
		await this.page.goto(`${this.baseUrl}/signin`);
		await this.page.locator('input[type=email], input[name=emailOrLdapLoginId], input[name=email]').first().fill(email);
		await this.page.locator('input[type=password]').first().fill(password);
		await this.page.keyboard.press('Enter');
		await this.page.waitForURL((u) => !String(u).includes('/signin'), { timeout: 60000 });
	}

	async openWorkflow(id) {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`);
		await this.testId('canvas-node').first().waitFor({ timeout: 60000 });
		// the canvas takes a moment to wire its handlers after the nodes appear
		await sleep(800);
	}

	/** The regular nodes panel ("What happens next?"), opened from the "+" after the first node. */
	async openNodesPanel() {
		await this.until(async () => {
			if (await this.searchBar().isVisible()) return true;
			await this.testId('canvas-handle-plus').first().click({ timeout: 3000 });
			await this.searchBar().waitFor({ timeout: 3000 });
			return true;
		}, 'the nodes panel did not open');
		return (await this.testId('node-creator').innerText()).split('\n')[0].trim();
	}

	searchBar() {
		return this.page.locator('input[data-test-id="node-creator-search-bar"]');
	}

	/** Types a search into the open nodes panel; resolves the names listed (nodes, then actions). */
	async searchNodes(term) {
		await this.searchBar().fill(term);
		await sleep(600); // the panel filters as one types
		return await this.testId('node-creator-item-name').allInnerTexts();
	}

	/** The whole text of the nodes panel (headings included). */
	async nodesPanelText() {
		return await this.testId('node-creator').innerText();
	}

	async clickPanelItem(name) {
		await this.testId('node-creator-item-name').filter({ hasText: name }).first().click();
	}

	async openNode(name) {
		await this.testId('canvas-node').filter({ hasText: name }).first().dblclick();
		await this.testId('ndv').waitFor();
	}

	async closeNode() {
		// n8n 2.x: a close button in the node's title bar; 1.x: "Back to canvas"
		await this.testId('ndv-close-button').or(this.testId('back-to-canvas')).first().click();
		await this.testId('ndv').waitFor({ state: 'hidden' });
	}

	/** The input of a parameter in the open node (`parameter-input-<name>`). */
	parameter(name) {
		return this.testId(`parameter-input-${name}`);
	}

	/** Types `value` into a text parameter (a textarea or an input) and waits until the field holds it. */
	async setText(name, value) {
		const field = this.parameter(name).locator('textarea, input').first();
		await this.until(
			async () => {
				await field.fill(value);
				return (await field.inputValue()) === value;
			},
			`${name} did not take ${JSON.stringify(value)}`,
		);
		await sleep(300); // n8n takes the value after a short debounce
	}

	/** The whole row of a parameter (label, Fixed/Expression switch, input, hint). */
	parameterItem(name) {
		return this.testId('parameter-item')
			.filter({ has: this.parameter(name) })
			.first();
	}

	/** The texts of the options a dropdown parameter offers (opens it, reads, closes it). */
	async dropdownOptions(name) {
		await this.parameter(name).click();
		const options = this.page.locator('.el-select-dropdown__item:visible, [role=option]:visible');
		await options.first().waitFor();
		const texts = (await options.allInnerTexts()).map((t) => t.split('\n')[0].trim());
		await this.page.keyboard.press('Escape');
		return texts;
	}

	/** The "Add Option" / "Add Setting" control of a collection: a button in n8n 2.x, a select in 1.x. */
	collectionAdd(placeholder) {
		return this.testId('collection-parameter-add')
			.filter({ hasText: placeholder })
			.or(this.testId('ndv').getByPlaceholder(placeholder, { exact: true }))
			.first();
	}

	/** The rows a collection parameter offers to add, by the text of its add control ("Add Setting"). */
	async collectionChoices(placeholder) {
		await this.collectionAdd(placeholder).click();
		const options = this.page.locator('.el-select-dropdown__item:visible, [role=option]:visible');
		await options.first().waitFor();
		const texts = (await options.allInnerTexts()).map((t) => t.trim());
		await this.closeDropdown(options);
		return texts;
	}

	/** Closes an open dropdown (Escape, else a click on the node's Parameters tab) and waits until it is gone. */
	async closeDropdown(options) {
		await this.page.keyboard.press('Escape');
		const gone = () => options.first().waitFor({ state: 'hidden', timeout: 2000 });
		await gone().catch(async () => {
			await this.testId('tab-params').first().click();
			await gone();
		});
	}

	/** Adds a row to a collection parameter and picks `value` in it (a dropdown row). */
	async addCollectionChoice(placeholder, row, rowParameter, value) {
		await this.collectionAdd(placeholder).click();
		await this.page.locator('.el-select-dropdown__item:visible, [role=option]:visible', { hasText: row }).first().click();
		await this.parameter(rowParameter).click();
		await this.page.locator('.el-select-dropdown__item:visible, [role=option]:visible', { hasText: value }).first().click();
		await sleep(300);
	}

	/** Opens the Model picker's list and resolves the names it shows. */
	async modelList() {
		await this.testId('rlc-input').click();
		const items = this.testId('rlc-item');
		await items.first().waitFor();
		const names = await items.allInnerTexts();
		await this.page.keyboard.press('Escape');
		return names.map((n) => n.trim());
	}

	async executeStep() {
		await this.testId('node-execute-button').first().click();
	}

	async executeWorkflow() {
		await this.testId('execute-workflow-button').first().click();
	}

	/**
	 * Waits for the output pane of the open node to show `expected`: 'error' (an error title) or 'success' (the
	 * run's items, no error). Call it once the run is known to be over: a pane still showing an earlier run
	 * would do too.
	 */
	async waitForOutput(expected, timeoutMs = 60000) {
		const output = this.testId('output-panel');
		return await this.until(
			async () => {
				const error = await output.locator('[data-test-id="node-error-message"]').first().isVisible();
				if (expected === 'error') return error && 'error';
				const items = await output.locator('[data-test-id="ndv-items-count"], [data-test-id="radio-button-binary"]').first().isVisible();
				return !error && items && 'success';
			},
			`the output pane never showed ${expected === 'error' ? 'an error' : 'a successful run'}`,
			timeoutMs,
		);
	}

	/** Title and description of the error the output pane shows. */
	async outputError() {
		return {
			message: (await this.testId('node-error-message').first().innerText()).trim(),
			description: (await this.testId('node-error-description').first().innerText()).trim(),
		};
	}

	/**
	 * Opens the first image in the output pane's binary view ("Binary" tab, "View") and resolves the <img>
	 * the editor shows: its source and the pixel size the browser decoded.
	 */
	async viewOutputImage() {
		const output = this.testId('output-panel');
		const binaryTab = output.locator('[data-test-id="radio-button-binary"]');
		if (await binaryTab.isVisible()) await binaryTab.click();
		await output.locator('[data-test-id="ndv-view-binary-data"]').first().click();
		return await this.until(async () => {
			const images = await output
				.locator('img')
				.evaluateAll((els) =>
					els
						.filter((e) => /\/rest\/binary-data|^blob:|^data:image/.test(e.src) && e.offsetWidth > 0 && e.complete)
						.map((e) => ({ src: e.src, width: e.naturalWidth, height: e.naturalHeight })),
				);
			return images.find((i) => i.width > 0);
		}, 'no decoded image in the binary view');
	}

	/** The bytes of an image the page shows: n8n 2.x serves them from /rest/binary-data, 1.x inlines data: URLs. */
	async imageBytes(src) {
		const inline = /^data:[^,]*;base64,(.*)$/s.exec(src);
		if (/^data:/.test(src) && !inline) throw new Error(`an image the test cannot read: ${src.slice(0, 80)}`);
		if (inline) return Buffer.from(inline[1], 'base64');
		const res = await this.page.request.get(src);
		if (!res.ok()) throw new Error(`GET ${src}: HTTP ${res.status()}`);
		return await res.body();
	}

	/** The text of the tooltip shown while hovering `locator`. */
	async tooltipOf(locator) {
		await locator.hover();
		return await this.until(async () => {
			const tips = await this.page.locator('[role=tooltip]:visible').allInnerTexts();
			return tips.map((t) => t.trim()).find(Boolean);
		}, 'no tooltip');
	}

	/**
	 * Switches a parameter to an expression and types `expression` into n8n's expression editor. Resolves the
	 * text of the parameter's row (label, expression, and n8n's preview of its value once it can resolve it).
	 */
	async setExpression(name, expression) {
		const item = this.parameterItem(name);
		await item.hover();
		await item.locator('[data-test-id="radio-button-expression"]').click();
		const editor = item.locator('.cm-content').first();
		await editor.waitFor();
		await sleep(800); // the editor mounts, then receives the old value
		// fill() replaces everything in one input event: the editor's bracket auto-closing reacts to single typed
		// brackets only. Exactly the expression, no stray whitespace: n8n stringifies "  {{ object }}" as text.
		await this.until(async () => {
			await editor.fill(expression);
			return (await editor.textContent()) === expression;
		}, `the expression editor did not take exactly ${expression}`);
		await sleep(700); // n8n takes the editor's value after a short debounce
		return (await item.innerText()).trim();
	}

	async screenshot(file) {
		await this.page.screenshot({ path: file });
	}
}

module.exports = { Editor };
