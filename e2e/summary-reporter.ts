// Prints one plain closing line, "e2e: N passed, N failed, N skipped", after Playwright's own report,
// so CI logs show at a glance how many browser tests ran. A test marked test.fail() that fails as
// expected counts as passed; a flaky one (passed on retry) too.
//
// Each skipped test, with its reason, is also appended to the file LANTERN_SKIP_LOG names (as
// "test<TAB>reason", the format lantern_store::testing::skip writes), so scripts/test's closing line
// counts browser skips with the Rust ones. Under CI (ci.ts) a skipped test fails the run: the helpers
// already fail instead of skipping, and this catches a bare test.skip.
import fs from 'node:fs';
import path from 'node:path';
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';
import { ciIsSet } from './ci';

export default class SummaryReporter implements Reporter {
  private outcomes = new Map<TestCase, string>();
  private skips: string[] = [];

  onTestEnd(test: TestCase, result: TestResult): void {
    this.outcomes.set(test, test.outcome());
    if (result.status !== 'skipped') return;
    const why = [...result.annotations, ...test.annotations]
      .filter((a) => a.type === 'skip' || a.type === 'fixme')
      .map((a) => a.description)
      .find(Boolean);
    const where = `${path.basename(test.location.file)}:${test.location.line}`;
    const name = `e2e [${test.parent.project()?.name ?? '?'}] ${where} ${test.title}`.replace(/\s+/g, ' ');
    this.skips.push(`${name}\t${(why ?? 'no reason given').replace(/\s+/g, ' ')}`);
  }

  onEnd(result: FullResult): { status?: FullResult['status'] } | undefined {
    const log = process.env.LANTERN_SKIP_LOG;
    if (log && this.skips.length > 0) fs.appendFileSync(log, this.skips.map((s) => `${s}\n`).join(''));
    if (this.outcomes.size === 0 && result.status !== 'passed') {
      console.log(`e2e: the run ${result.status} before any test ran`);
      return undefined;
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const outcome of this.outcomes.values()) {
      if (outcome === 'expected' || outcome === 'flaky') passed++;
      else if (outcome === 'skipped') skipped++;
      else failed++;
    }
    console.log(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped`);
    if (skipped > 0 && ciIsSet()) {
      console.log(`e2e: CI is set, so ${skipped} skipped tests fail the run:\n${this.skips.join('\n')}`);
      return { status: 'failed' };
    }
    return undefined;
  }

  printsToStdio(): boolean {
    return false;
  }
}
