using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using BorderGate.Silo.Hosting;
using YamlDotNet.RepresentationModel;

namespace BorderGate.Silo.Tests;

/// <summary>
/// The root <c>docker-compose.yml</c> and <c>deploy/Dockerfile</c> cannot be run here (no Docker engine): these tests read
/// them and check them against the host's configuration keys, so that a renamed setting or a moved port cannot drift.
/// </summary>
public sealed partial class DeployFilesTests
{
    private static readonly string s_root = FindRoot();
    private static readonly YamlMappingNode s_compose = LoadCompose();

    private static YamlMappingNode Services => (YamlMappingNode)s_compose["services"];

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services[name];

    [Fact]
    public void Compose_HasTheDatabaseTheSiloTheCollectorAndTheViewer()
    {
        Assert.Equal(["jaeger", "otel-collector", "postgres", "silo"], Services.Children.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SiloSettings_AreTheHostsConfigurationKeys_WithValidValues()
    {
        var environment = Environment("silo");
        var known = typeof(SiloOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var key in environment.Keys.Where(k => k.StartsWith(SiloOptions.SectionName + "__", StringComparison.Ordinal)))
        {
            Assert.Contains(key[(SiloOptions.SectionName.Length + 2)..], known);
        }

        Assert.Equal(SiloOptions.StorageKinds.Postgres, environment[$"{SiloOptions.SectionName}__{nameof(SiloOptions.Storage)}"]);

        // The connection string names the database service, its port inside the network, and its user, password and database.
        var postgres = Environment("postgres");
        var connection = new DbConnectionStringBuilder { ConnectionString = environment[$"{SiloOptions.SectionName}__{nameof(SiloOptions.PostgresConnectionString)}"] };
        Assert.Equal("postgres", connection["Host"]);
        Assert.Equal("5432", connection["Port"]);
        Assert.Contains("5432", ContainerPorts("postgres"));
        Assert.Equal(postgres["POSTGRES_USER"], connection["Username"]);
        Assert.Equal(postgres["POSTGRES_PASSWORD"], connection["Password"]);
        Assert.Equal(postgres["POSTGRES_DB"], connection["Database"]);

        // Telemetry goes to the collector's OTLP gRPC port.
        var otlp = new Uri(environment[ServiceDefaults.OtlpEndpointVariable]);
        Assert.Equal("otel-collector", otlp.Host);
        Assert.Contains(otlp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), ContainerPorts("otel-collector"));
    }

    [Fact]
    public void SiloPort_IsTheOneTheImageListensOnAndExposes()
    {
        var dockerfile = File.ReadAllText(Path.Combine(s_root, "deploy", "Dockerfile"));
        var listens = AspNetCoreUrlsPort().Match(dockerfile);
        Assert.True(listens.Success, "the Dockerfile sets ASPNETCORE_URLS with a port");
        Assert.Matches($@"(?m)^EXPOSE {listens.Groups[1].Value}\s*$", dockerfile);
        Assert.Equal([listens.Groups[1].Value], ContainerPorts("silo"));
    }

    [Fact]
    public void FilesTheComposeNames_Exist()
    {
        var build = (YamlMappingNode)Service("silo")["build"];
        Assert.True(File.Exists(Path.Combine(s_root, build["context"].ToString(), build["dockerfile"].ToString())));
        var collectorVolume = ((YamlSequenceNode)Service("otel-collector")["volumes"]).Children.Single().ToString();
        Assert.True(File.Exists(Path.Combine(s_root, collectorVolume.Split(':')[0])), collectorVolume);
        Assert.Equal("service_healthy", ((YamlMappingNode)((YamlMappingNode)Service("silo")["depends_on"])["postgres"])["condition"].ToString());
    }

    private static Dictionary<string, string> Environment(string service) =>
        ((YamlMappingNode)Service(service)["environment"]).Children.ToDictionary(e => e.Key.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);

    /// <summary>The container side of each "host:container" port mapping of the service.</summary>
    private static List<string> ContainerPorts(string service) =>
        [.. ((YamlSequenceNode)Service(service)["ports"]).Children.Select(p => p.ToString().Split(':')[^1])];

    private static YamlMappingNode LoadCompose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(s_root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "BorderGate.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No BorderGate.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"ASPNETCORE_URLS=http://\+:(\d+)")]
    private static partial Regex AspNetCoreUrlsPort();
}
