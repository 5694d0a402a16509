// SPDX-License-Identifier: GPL-2.0-or-later
// pcilu report in a real browser: Debian's chromium, headless, driven by playwright-core.
// Loads the report from a file (no network), fails on any console error or page error,
// clicks a device row and checks that its node in the picture is outlined, and saves a
// screenshot (a CI artefact). Usage: node report.mjs REPORT.html SCREENSHOT.png BDF
import { chromium } from 'playwright-core';

const [report, shot, bdf] = process.argv.slice(2);
const errors = [];
let failed = 0;
function check(name, ok, detail) {
	console.log(`${ok ? 'ok' : 'not ok'} - ${name}${ok ? '' : ' ' + JSON.stringify(detail)}`);
	if (!ok)
		failed++;
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu'] });
try {
	const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
	page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
	page.on('pageerror', (e) => errors.push(String(e)));
	// Any request that is not the file itself means the page is not self-contained.
	const requests = [];
	page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
	await page.goto('file://' + report, { waitUntil: 'load' });
	check('the page loads with a title', (await page.title()).startsWith('pcilu report'), await page.title());
	const nodes = await page.locator('#picture svg g.node').count();
	check('the picture is inline SVG with nodes', nodes > 0, nodes);
	const row = page.locator(`#devices tbody tr[data-bdf="${bdf}"]`);
	check('the device has a row', (await row.count()) === 1, bdf);
	await row.click();
	const hl = await page.evaluate(() => Array.from(document.querySelectorAll('#picture g.node.hl > title'))
		.map((t) => t.textContent));
	check('clicking the row outlines exactly its node in the picture', hl.length === 1 && hl[0] === bdf, hl);
	check('the row is marked selected', await row.evaluate((r) => r.classList.contains('sel')));
	await page.fill('#filter', 'no device is called this');
	const shown = await page.locator('#devices tbody tr:visible').count();
	check('the filter hides rows that do not match', shown === 0, shown);
	await page.fill('#filter', '');
	await page.screenshot({ path: shot, fullPage: false });
	check('no console errors or page errors', errors.length === 0, errors);
	check('no request leaves the file (self-contained)', requests.length === 0, requests);
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
