// Prints one plain closing line, "e2e: N passed, N failed, N skipped", after Playwright's own report,
// so CI logs show at a glance how many browser tests ran. A test marked test.fail() that fails as
// expected counts as passed; a flaky one (passed on retry) too.
import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

export default class SummaryReporter implements Reporter {
  private outcomes = new Map<TestCase, string>();

  onTestEnd(test: TestCase, _result: TestResult): void {
    this.outcomes.set(test, test.outcome());
  }

  onEnd(result: FullResult): void {
    if (this.outcomes.size === 0 && result.status !== 'passed') {
      console.log(`e2e: the run ${result.status} before any test ran`);
      return;
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
  }

  printsToStdio(): boolean {
    return false;
  }
}
