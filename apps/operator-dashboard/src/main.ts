// The operator dashboard arrives with its own issue. Until then this app has nothing to run, and says so.
process.stderr.write('operator-dashboard: not built yet (see the operator dashboard issue); exiting.\n');
process.exit(2);
