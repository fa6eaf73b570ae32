namespace MLNet.HyperGrad.Postgres;

/// <summary>Options of <see cref="PostgresStudyStorage"/>.</summary>
public sealed record PostgresStudyStorageOptions
{
    /// <summary>Gets the PostgreSQL schema that holds the study tables; created when missing.</summary>
    /// <value>The default is <c>null</c>: the connection string's <c>schema</c> (URI query) or <c>Search Path</c>, else <c>public</c>.</value>
    public string? Schema { get; init; }

    /// <summary>Gets how often this storage refreshes the heartbeat of each trial it created that is still running.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets how old the last heartbeat of a running trial must be for its worker to be taken as dead: the trial is then interrupted and re-queued (a worker's <see cref="Storage.IStudyStorage.ClaimRetryAsync"/> runs it again).</summary>
    /// <value>The default is 30 seconds; it must exceed <see cref="HeartbeatInterval"/>.</value>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the clock for creation, start, end and heartbeat times.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
