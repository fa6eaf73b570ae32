namespace MLNet.HyperGrad.Storage;

/// <summary>One step of the SQLite schema: the SQL that takes a database from <c>Version - 1</c> to <see cref="Version"/>.</summary>
/// <param name="Version">The schema version the database has after this step.</param>
/// <param name="Description">What the step changes, recorded in <c>schema_version</c>.</param>
/// <param name="Statements">
/// The statements, one per command, run in order in the migration's transaction with foreign keys
/// off. One statement per command because Microsoft.Data.Sqlite can let an error in a later
/// statement of a multi-statement command pass silently (dotnet/efcore#32740).
/// </param>
internal sealed record SchemaMigration(int Version, string Description, IReadOnlyList<string> Statements);
