// The certificate authority arrives with the issuance-data/PKI issue. Until then this app has nothing to
// run, and says so rather than pretending to serve.
process.stderr.write('pki: not built yet (see the issuance-data and PKI issue); exiting.\n');
process.exit(2);
