package sqlstore

// HoldersStatement is holdersStatement, for the plan test of package
// sqlstore_test (which may import the PostgreSQL store; this package may not).
const HoldersStatement = holdersStatement
