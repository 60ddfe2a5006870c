using BorderGate.Contracts.Site;
using BorderGate.TestSupport;

namespace BorderGate.Grains.Tests.Site;

public sealed class SiteLayoutLoaderTests
{
    private static readonly string s_valid = File.ReadAllText(SiteLayouts.DefaultPath);

    private static SiteLayoutException ParseFails(string json) =>
        Assert.Throws<SiteLayoutException>(() => SiteLayoutLoader.Parse(json));

    [Fact]
    public void Comments_trailing_commas_and_enum_names_in_any_case_are_accepted()
    {
        var json = s_valid
            .Replace("\"kind\": \"perishable\"", "/* cold chain */ \"kind\": \"Perishable\"", StringComparison.Ordinal)
            .Replace("\"deviceStaleAfter\": \"00:00:15\"", "\"deviceStaleAfter\": \"00:00:20\", // tuned\n", StringComparison.Ordinal);

        var layout = SiteLayoutLoader.Parse(json);

        Assert.Equal(LaneKind.Perishable, layout.Lanes[0].Kind);
        Assert.Equal(TimeSpan.FromSeconds(20), layout.Policy.DeviceStaleAfter);
    }

    [Fact]
    public void Omitted_policy_values_take_their_defaults()
    {
        var layout = SiteLayoutLoader.Parse(ReplacePolicy(s_valid, "{ \"tripsPerWindow\": 10 }"));

        Assert.Equal(10, layout.Policy.TripsPerWindow);
        Assert.Equal(new DispatchPolicy().CallTimeout, layout.Policy.CallTimeout);
    }

    [Fact]
    public void Layout_without_timings_takes_the_default_timings() =>
        Assert.Equal(new CheckpointTimings(), SiteLayoutLoader.Parse(s_valid).Timings);

    [Fact]
    public void Timings_are_read_as_durations_and_omitted_ones_take_their_defaults()
    {
        var layout = SiteLayoutLoader.Parse(WithTimings(s_valid, """{ "documentCheck": "00:01:00", "barrierPass": "00:00:15", "weightMismatchTolerance": 0.05 }"""));

        Assert.Equal(
            new CheckpointTimings { DocumentCheck = TimeSpan.FromMinutes(1), BarrierPass = TimeSpan.FromSeconds(15), WeightMismatchTolerance = 0.05 },
            layout.Timings);
        Assert.Equal(TimeSpan.FromMinutes(25), layout.Timings.Inspection);
    }

    [Fact]
    public void Timings_round_trip_through_the_json() =>
        Assert.Contains("\"timings\": {", SiteLayoutLoader.ToJson(SiteLayoutLoader.Parse(s_valid)), StringComparison.Ordinal);

    [Fact]
    public void Timings_out_of_range_are_named_field_by_field()
    {
        var error = ParseFails(WithTimings(s_valid, """{ "quarantine": "00:00:00", "weighStableToleranceKg": -5, "weightMismatchTolerance": 1 }"""));

        Assert.Equal(
            [
                "timings.quarantine must be positive and at most 1.00:00:00; it is 00:00:00.",
                "timings.weighStableToleranceKg must not be negative; it is -5.",
                "timings.weightMismatchTolerance is a share of the declared weight, above 0 and below 1; it is 1.",
            ],
            error.Problems);
    }

    [Theory]
    [InlineData("""{ "inspecton": "00:20:00" }""", "inspecton")]
    [InlineData("""{ "inspection": "20 minutes" }""", "inspection")]
    [InlineData("""{ "inspection": 1200 }""", "inspection")]
    [InlineData("null", "timings")]
    public void Timings_that_are_not_durations_or_not_known_are_rejected(string timings, string named)
    {
        var problem = Assert.Single(ParseFails(WithTimings(s_valid, timings)).Problems);

        Assert.StartsWith("Invalid layout JSON:", problem, StringComparison.Ordinal);
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_errors()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "bad.json");
        File.WriteAllText(path, s_valid.Replace("\"waitingAreaCapacity\": 300", "\"waitingAreaCapacity\": 0", StringComparison.Ordinal));

        var error = Assert.Throws<SiteLayoutException>(() => SiteLayoutLoader.Load(path));

        Assert.Equal(path, error.LayoutSource);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal("entrance.waitingAreaCapacity must be positive; it is 0.", Assert.Single(error.Problems));
    }

    [Fact]
    public void Malformed_json_names_the_line()
    {
        var error = ParseFails("{\n  \"crossingId\": \"huu-nghi\",\n  \"name\": \n}");

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("Invalid layout JSON:", problem, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 3", problem, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(error.InnerException);
    }

    [Fact]
    public void Json_null_is_rejected() =>
        Assert.Equal("The layout is empty (JSON null).", Assert.Single(ParseFails("null").Problems));

    [Fact]
    public void Unknown_member_is_rejected_rather_than_ignored()
    {
        var problem = Assert.Single(ParseFails(s_valid.Replace("\"waitingAreaCapacity\"", "\"waitingAreaCapcity\"", StringComparison.Ordinal)).Problems);
        Assert.Contains("waitingAreaCapcity", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_section_is_rejected()
    {
        var json = ReplacePolicy(s_valid, "{}").Replace("\"policy\": {}", "\"policyx\": {}", StringComparison.Ordinal);
        Assert.Contains("policy", Assert.Single(ParseFails(json).Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_constructor_value_is_rejected()
    {
        var json = s_valid.Replace("\"rows\": 4, ", "", StringComparison.Ordinal);
        Assert.Contains("rows", Assert.Single(ParseFails(json).Problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"direction\": \"export\"", "\"direction\": \"sideways\"")]
    [InlineData("\"direction\": \"export\"", "\"direction\": 0")]
    public void Unknown_or_numeric_enum_is_rejected(string from, string to) =>
        Assert.StartsWith("Invalid layout JSON:", Assert.Single(ParseFails(s_valid.Replace(from, to, StringComparison.Ordinal)).Problems), StringComparison.Ordinal);

    [Fact]
    public void Null_where_a_value_is_required_is_rejected() =>
        Assert.StartsWith("Invalid layout JSON:",
            Assert.Single(ParseFails(s_valid.Replace("\"barrierId\": \"bar-lane-3\"", "\"barrierId\": null", StringComparison.Ordinal)).Problems),
            StringComparison.Ordinal);

    [Fact]
    public void Inconsistent_layout_lists_every_problem_in_the_message()
    {
        var json = s_valid
            .Replace("\"waitingAreaCapacity\": 300", "\"waitingAreaCapacity\": -1", StringComparison.Ordinal)
            .Replace("\"barrierId\": \"bar-lane-2\"", "\"barrierId\": \"bar-lane-1\"", StringComparison.Ordinal);

        var error = ParseFails(json);

        Assert.Equal(2, error.Problems.Count);
        Assert.Contains("has 2 problems", error.Message, StringComparison.Ordinal);
        Assert.All(error.Problems, p => Assert.Contains(p, error.Message, StringComparison.Ordinal));
    }

    private static string WithTimings(string json, string timings) =>
        json.Replace("\"policy\":", $"\"timings\": {timings},\n  \"policy\":", StringComparison.Ordinal);

    private static string ReplacePolicy(string json, string policy)
    {
        var start = json.IndexOf("\"policy\":", StringComparison.Ordinal);
        var end = json.IndexOf('}', start);
        return string.Concat(json.AsSpan(0, start), "\"policy\": ", policy, json.AsSpan(end + 1));
    }
}
