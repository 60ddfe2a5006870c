using System.Globalization;
using Npgsql;

namespace BorderGate.TestSupport;

/// <summary>A fresh, uniquely named database on the test server, dropped on dispose.</summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private PostgresTestDatabase(string serverConnectionString, string name, string connectionString)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>The server's host and port, for putting a <see cref="TcpFaultProxy"/> in front of it.</summary>
    public (string Host, int Port) Endpoint
    {
        get
        {
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return (builder.Host ?? "127.0.0.1", builder.Port);
        }
    }

    /// <summary>The connection string with host and port replaced, e.g. to go through a proxy.</summary>
    public string ConnectionStringVia(string host, int port) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Host = host, Port = port }.ConnectionString;

    public static async Task<PostgresTestDatabase> CreateAsync(string prefix)
    {
        var server = await PostgresServer.GetConnectionStringAsync().ConfigureAwait(false);
        var cleanPrefix = new string(prefix.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c) || c == '_').Take(30).ToArray());
        var name = string.Create(CultureInfo.InvariantCulture, $"{(cleanPrefix.Length == 0 ? "test" : cleanPrefix)}_{Guid.NewGuid():N}");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        return new PostgresTestDatabase(server, name, connectionString);
    }

    public async ValueTask DisposeAsync()
    {
        using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }
}
