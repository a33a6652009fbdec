// Prints one closing line per run, "<tier>: N passed, N failed, N skipped", that CI can read whatever the runner.
class SummaryReporter {
  constructor(globalConfig) {
    const flag = process.argv.indexOf('--selectProjects');
    const selected = globalConfig.selectProjects ?? (flag >= 0 ? [process.argv[flag + 1]] : []);
    this.projects = selected.join('+') || 'tests';
  }
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\n${this.projects}: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
