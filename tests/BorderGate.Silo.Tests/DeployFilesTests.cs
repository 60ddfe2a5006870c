using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using BorderGate.Silo.Hosting;
using Microsoft.Extensions.Configuration;
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

    private static readonly string[] s_silos = ["silo1", "silo2", "silo3"];

    [Fact]
    public void Compose_HasTheDatabaseThreeSilosTheCollectorAndTheViewer()
    {
        Assert.Equal(["jaeger", "otel-collector", "postgres", "silo1", "silo2", "silo3"], Services.Children.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("silo1")]
    [InlineData("silo2")]
    [InlineData("silo3")]
    public void SiloSettings_AreTheHostsConfigurationKeys_WithValidValues(string silo)
    {
        var environment = Environment(silo);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            environment.Where(e => e.Key.StartsWith(SiloOptions.SectionName + "__", StringComparison.Ordinal) && !e.Key.StartsWith("BorderGate__Auth__", StringComparison.Ordinal)).Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value))).Build();
        foreach (var key in environment.Keys.Where(k => k.StartsWith(SiloOptions.SectionName + "__", StringComparison.Ordinal)))
        {
            var (section, path) = SectionOf(key);
            Assert.True(IsSetting(section, path), $"{silo}: {key} is not a setting of the host");
        }

        // The values bind and pass the host's own checks (the advertised name is the compose service's, resolvable only there).
        var options = configuration.GetSection(SiloOptions.SectionName).Get<SiloOptions>()!;
        Assert.Equal(silo, options.Cluster.AdvertisedHost);
        options.Cluster.AdvertisedHost = "127.0.0.1";
        var cluster = ClusterSetup.ToClusterOptions(options);
        Assert.NotNull(cluster);
        Assert.Equal("0.0.0.0", cluster.SiloEndpoint.Address.ToString());

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
        Assert.Equal($"bordergate-{silo}", environment["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void Silos_ShareOneClusterAndDatabase_AndAreToldApart()
    {
        var environments = s_silos.Select(Environment).ToList();
        Assert.Single(environments.Select(e => e["BorderGate__Cluster__ClusterId"]).Distinct());
        Assert.Single(environments.Select(e => e["BorderGate__PostgresConnectionString"]).Distinct());
        Assert.Equal(s_silos, environments.Select(e => e["BorderGate__Cluster__AdvertisedHost"]));

        // One token signing key for all (a token one silo signed is checked by another), required from the environment, never a development secret.
        var signingKey = Assert.Single(environments.Select(e => e["BorderGate__Auth__SigningKey"]).Distinct());
        Assert.StartsWith("${BORDERGATE_SIGNING_KEY:?", signingKey, StringComparison.Ordinal);
        Assert.All(environments, e => Assert.DoesNotContain(e.Keys, k => k.Contains("DevelopmentSecret", StringComparison.Ordinal)));
        Assert.Equal(3, s_silos.Select(s => ((YamlSequenceNode)Service(s)["ports"]).Children.Single().ToString().Split(':')[0]).Distinct().Count());
        Assert.All(s_silos, s => Assert.Equal("unless-stopped", Service(s)["restart"].ToString()));
    }

    /// <summary>The Kubernetes silos: every setting a host key, the cluster on, the pod IP advertised, the ports the image's, whole cores of their own.</summary>
    [Fact]
    public void KubernetesSilos_UseTheHostsSettings_AndTheImagesPorts()
    {
        var documents = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(s_root, "deploy", "k8s", "silo.yaml")))
        {
            documents.Load(reader);
        }

        var statefulSet = documents.Documents.Select(d => (YamlMappingNode)d.RootNode).Single(d => d["kind"].ToString() == "StatefulSet");
        var container = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)statefulSet["spec"])["template"])["spec"])["containers"]).Children.Single();
        var environment = ((YamlSequenceNode)container["env"]).Children.Cast<YamlMappingNode>().ToDictionary(e => e["name"].ToString(), e => e);
        foreach (var key in environment.Keys.Where(k => k.StartsWith(SiloOptions.SectionName + "__", StringComparison.Ordinal)))
        {
            var (section, path) = SectionOf(key);
            Assert.True(IsSetting(section, path), $"{key} is not a setting of the host");
        }

        Assert.Equal("true", environment["BorderGate__Cluster__Enabled"]["value"].ToString());
        Assert.Equal("status.podIP", ((YamlMappingNode)((YamlMappingNode)environment["BorderGate__Cluster__AdvertisedHost"]["valueFrom"])["fieldRef"])["fieldPath"].ToString());
        var dockerfile = File.ReadAllText(Path.Combine(s_root, "deploy", "Dockerfile"));
        foreach (var port in ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>())
        {
            Assert.Matches($@"(?m)^EXPOSE {port["containerPort"]}\s*$", dockerfile);
        }

        var ports = ((YamlSequenceNode)container["ports"]).Children.Cast<YamlMappingNode>().ToList();
        Assert.Equal(environment["BorderGate__Cluster__SiloPort"]["value"].ToString(), ports.Single(p => p["name"].ToString() == "silo")["containerPort"].ToString());
        Assert.Equal(environment["BorderGate__Cluster__ClientPort"]["value"].ToString(), ports.Single(p => p["name"].ToString() == "client")["containerPort"].ToString());

        // Guaranteed: whole cores, requests equal to limits, so that a static CPU manager gives the silo its own cores.
        var resources = (YamlMappingNode)container["resources"];
        var requests = (YamlMappingNode)resources["requests"];
        var limits = (YamlMappingNode)resources["limits"];
        Assert.True(int.TryParse(requests["cpu"].ToString(), out var cores) && cores >= 1, $"cpu request {requests["cpu"]} is not whole cores");
        Assert.Equal(requests["cpu"].ToString(), limits["cpu"].ToString());
        Assert.Equal(requests["memory"].ToString(), limits["memory"].ToString());
    }

    /// <summary>A key of the host's settings: a property path through its options, a dictionary's key or a list's index counting as one step.</summary>
    private static bool IsSetting(Type options, string[] path)
    {
        if (options.IsGenericType && options.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            return path.Length == 1 || IsSetting(options.GetGenericArguments()[1], path[1..]);
        }

        if (options.IsGenericType && options.GetGenericTypeDefinition() == typeof(List<>))
        {
            return int.TryParse(path[0], out _) && (path.Length == 1 || IsSetting(options.GetGenericArguments()[0], path[1..]));
        }

        var property = options.GetProperty(path[0], BindingFlags.Public | BindingFlags.Instance);
        return property is not null && (path.Length == 1 || IsSetting(property.PropertyType, path[1..]));
    }

    /// <summary>The section a setting's key belongs to: the auth settings are their own options.</summary>
    private static (Type Options, string[] Path) SectionOf(string key)
    {
        var path = key.Split("__")[1..];
        return path[0] == "Auth" ? (typeof(BorderGate.Silo.Auth.AuthOptions), path[1..]) : (typeof(SiloOptions), path);
    }

    [Fact]
    public void SiloPort_IsTheOneTheImageListensOnAndExposes()
    {
        var dockerfile = File.ReadAllText(Path.Combine(s_root, "deploy", "Dockerfile"));
        var listens = AspNetCoreUrlsPort().Match(dockerfile);
        Assert.True(listens.Success, "the Dockerfile sets ASPNETCORE_URLS with a port");
        Assert.Matches($@"(?m)^EXPOSE {listens.Groups[1].Value}\s*$", dockerfile);
        Assert.All(s_silos, silo => Assert.Equal([listens.Groups[1].Value], ContainerPorts(silo)));
        Assert.All(s_silos, silo => Assert.Matches($@"(?m)^EXPOSE {Environment(silo)["BorderGate__Cluster__SiloPort"]}\s*$", dockerfile));
        Assert.All(s_silos, silo => Assert.Matches($@"(?m)^EXPOSE {Environment(silo)["BorderGate__Cluster__ClientPort"]}\s*$", dockerfile));
    }

    /// <summary>The image builds the web pages from the committed lock file, where Vite writes them, and the silo's publish takes them as they are.</summary>
    [Fact]
    public void Image_BuildsTheWebPages_FromTheLockFile_IntoWhatTheSiloServes()
    {
        var dockerfile = File.ReadAllText(Path.Combine(s_root, "deploy", "Dockerfile"));
        var viteConfig = File.ReadAllText(Path.Combine(s_root, "web", "vite.config.ts"));
        Assert.True(File.Exists(Path.Combine(s_root, "web", "package-lock.json")), "web/package-lock.json is committed");
        Assert.Matches(@"(?m)^COPY web/package\.json web/package-lock\.json \./\s*$", dockerfile);
        Assert.Matches(@"(?m)^RUN npm ci\b", dockerfile);
        Assert.Contains("\"../src/BorderGate.Silo/wwwroot\"", viteConfig, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^COPY --from=web /src/src/BorderGate\.Silo/wwwroot/ src/BorderGate\.Silo/wwwroot/\s*$", dockerfile);
        Assert.Contains("-p:SkipWebBuild=true", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesTheComposeNames_Exist()
    {
        var build = (YamlMappingNode)Service("silo1")["build"];
        Assert.True(File.Exists(Path.Combine(s_root, build["context"].ToString(), build["dockerfile"].ToString())));
        var collectorVolume = ((YamlSequenceNode)Service("otel-collector")["volumes"]).Children.Single().ToString();
        Assert.True(File.Exists(Path.Combine(s_root, collectorVolume.Split(':')[0])), collectorVolume);
        Assert.All(s_silos, silo => Assert.Equal("service_healthy", ((YamlMappingNode)((YamlMappingNode)Service(silo)["depends_on"])["postgres"])["condition"].ToString()));
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
