/**
 * An axe-core audit of what a page shows now (WCAG 2.0 and 2.1, A and AA, and axe's best practices),
 * in the words a failing test prints: rule, impact, the elements' selectors, the help page.
 *
 * AxeBuilder injects axe through Playwright's page.evaluate, i.e. the DevTools protocol's
 * Runtime.evaluate, which the page's Content-Security-Policy does not govern (it restricts what the
 * page itself loads and evaluates, not what the browser's debugger runs). So the dashboard is audited
 * as served, CSP included: no bypassCSP, no page.route, nothing added to the product.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

export interface Finding {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  targets: string[];
}

/** Runs axe on the page and answers every violation, whatever its impact. */
export async function audit(page: Page): Promise<Finding[]> {
  const results = await new AxeBuilder({ page })
    .options({
      runOnly: { type: 'tag', values: AXE_TAGS },
      // Experimental in axe 4.14, so not run by the tags alone: a visible label the accessible name must contain (WCAG 2.5.3).
      rules: { 'label-content-name-mismatch': { enabled: true } },
    })
    .analyze();
  return results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact ?? 'unknown',
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.map(String).join(' ')),
  }));
}

/** Serious and critical: the ones a test fails on. */
export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}

export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => `  ${f.rule} (${f.impact}, ${f.targets.length}×): ${f.help}\n    ${f.helpUrl}\n    ${f.targets.slice(0, 8).join('\n    ')}`)
    .join('\n');
}
