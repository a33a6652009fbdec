import { runStageProcess } from '@mnc/stage-runtime';
import { dashboardStage, hashPassword } from '@mnc/dashboard-service';

// `hash-password` prints the scrypt hash of the password given on stdin, for DASHBOARD_USERS.
if (process.argv[2] === 'hash-password') {
  let input = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => (input += chunk));
  process.stdin.on('end', () => {
    const password = input.replace(/\r?\n$/, '');
    if (password.length < 8) {
      process.stderr.write('a password needs at least 8 characters\n');
      process.exit(2);
    }
    void hashPassword(password).then((hash) => process.stdout.write(hash + '\n'));
  });
} else {
  void runStageProcess('operator-dashboard', [dashboardStage]);
}
