namespace MLNet.HyperGrad.Storage;

/// <summary>One step of the SQLite schema: the SQL that takes a database from <c>Version - 1</c> to <see cref="Version"/>.</summary>
/// <param name="Version">The schema version the database has after this step.</param>
/// <param name="Description">What the step changes, recorded in <c>schema_version</c>.</param>
/// <param name="Sql">The statements, run in the migration's transaction with foreign keys off.</param>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
