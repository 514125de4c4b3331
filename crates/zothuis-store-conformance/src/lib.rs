//! The store conformance suite lives in `tests/`: every case runs against
//! SQLite, and against PostgreSQL when `ZOTHUIS_TEST_POSTGRES_URL` is set,
//! each on a database of its own (see `zothuis_testkit::db`).
