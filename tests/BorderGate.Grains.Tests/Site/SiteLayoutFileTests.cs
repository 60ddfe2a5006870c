using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Tests.Site;

public sealed class SiteLayoutFileTests
{
    [Fact]
    public void Shipped_layouts_are_copied_beside_the_app()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "sites", SiteLayouts.HuuNghiFile)));
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "sites", SiteLayouts.HuuNghi14File)));
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "sites", SiteLayouts.HuuNghi2030File)));
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "sites", SiteLayouts.HuuNghiFile), SiteLayouts.DefaultPath);
    }

    [Fact]
    public void A_file_not_beside_the_app_is_found_in_the_repository_or_named_where_expected()
    {
        var missing = SiteLayouts.PathOf("no-such-site.json");

        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "sites", "no-such-site.json"), missing);
        var problem = Assert.Single(Assert.Throws<SiteLayoutException>(() => SiteLayoutLoader.Load(missing)).Problems);
        Assert.StartsWith("The file cannot be read", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Six_lane_layout_is_valid_and_as_deployed_today()
    {
        var layout = SiteLayoutLoader.Load(SiteLayouts.DefaultPath);

        Assert.Equal("huu-nghi", layout.CrossingId);
        Assert.Equal(6, layout.Lanes.Count);
        Assert.Equal(2, layout.Lanes.Count(l => l.Kind == LaneKind.Perishable && l.Direction == LaneDirection.Export));
        Assert.Equal(2, layout.Lanes.Count(l => l.Kind == LaneKind.General && l.Direction == LaneDirection.Export));
        Assert.Single(layout.Lanes, l => l.Kind == LaneKind.General && l.Direction == LaneDirection.Import);
        Assert.Single(layout.Lanes, l => l.Kind == LaneKind.Oversize && l.Direction == LaneDirection.Both);
        Assert.All(layout.Lanes, lane =>
        {
            var n = lane.Id["lane-".Length..];
            Assert.Equal(new LaneDevices($"cam-lane-{n}", $"wb-lane-{n}", $"bar-lane-{n}"), lane.Devices);
        });
        Assert.Equal(new EntranceLayout("cam-entrance", 300, layout.Entrance.Position), layout.Entrance);
        Assert.Equal(2, layout.InspectionBays.Count);
        Assert.Equal(["A", "B", "C", "D"], layout.YardBlocks.Select(b => b.Id));
        Assert.Equal(400, layout.YardBlocks.Sum(b => b.SlotIds().Count()));
        Assert.Equal(["crane-1", "crane-2", "crane-3", "crane-4"], layout.Cranes.Select(c => c.Id));
        Assert.All(layout.Cranes, c => Assert.Equal("ctl-" + c.Id, c.ControllerId));
        Assert.Equal(8, layout.Route.Waypoints.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"agv-{i:00}"), layout.DriverlessTrucks.Select(t => t.Id));
        Assert.All(layout.DriverlessTrucks, t => Assert.Equal(("ctl-" + t.Id, "yard"), (t.ControllerId, t.HomeWaypointId)));
    }

    [Fact]
    public void Fourteen_lane_layout_is_valid_and_larger()
    {
        var today = SiteLayoutLoader.Load(SiteLayouts.DefaultPath);
        var planned = SiteLayoutLoader.Load(SiteLayouts.PathOf(SiteLayouts.HuuNghi14File));

        Assert.Equal(14, planned.Lanes.Count);
        Assert.True(planned.YardBlocks.Sum(b => b.Rows * b.Bays) > today.YardBlocks.Sum(b => b.Rows * b.Bays));
        Assert.True(planned.Cranes.Count >= today.Cranes.Count);
        Assert.Equal(today.CrossingId, planned.CrossingId);
    }

    [Fact]
    public void Layout_for_2030_is_the_fourteen_lane_plan_with_faster_checkpoints_and_bookings_for_10k_trucks()
    {
        var planned = SiteLayoutLoader.Load(SiteLayouts.PathOf(SiteLayouts.HuuNghi14File));
        var target = SiteLayoutLoader.Load(SiteLayouts.PathOf(SiteLayouts.HuuNghi2030File));

        // The same plan: everything but the name, the waiting area, the booking rate, the timings, the inspection bays
        // (5 % red channel of 10,000 trucks: 500 inspections of 20 min a day need 12 bays, the 14-lane plan has 4), the
        // route's blocks, the fleet and the cranes' speed (see the file's header for the sizing).
        var samePlan = target with
        {
            Name = planned.Name, Entrance = planned.Entrance, Policy = planned.Policy, Timings = planned.Timings, InspectionBays = planned.InspectionBays,
            Route = planned.Route, DriverlessTrucks = planned.DriverlessTrucks, Cranes = planned.Cranes,
        };
        Assert.Equal(SiteLayoutLoader.ToJson(planned), SiteLayoutLoader.ToJson(samePlan));
        Assert.Equal(planned.InspectionBays, target.InspectionBays.Take(planned.InspectionBays.Count));
        Assert.Equal(12, target.InspectionBays.Count);
        Assert.Equal(14, target.Lanes.Count);
        Assert.Equal(30, target.DriverlessTrucks.Count);
        Assert.Equal(
            SiteLayoutLoader.ToJson(planned with { Cranes = [.. planned.Cranes.Select(c => c with { SpeedMetresPerSecond = 4 })] }),
            SiteLayoutLoader.ToJson(planned with { Cranes = target.Cranes }));

        // The same road (its waypoints and length each way), in blocks of at most 62.5 m.
        Assert.Empty(planned.Route.Waypoints.Except(target.Route.Waypoints));
        Assert.Equal(planned.Route.Segments.Sum(s => s.LengthMetres), target.Route.Segments.Sum(s => s.LengthMetres));
        Assert.All(target.Route.Segments, s => Assert.InRange(s.LengthMetres, 1, 62.5));
        Assert.Equal(24, target.Route.Segments.Count);

        Assert.Equal(
            new CheckpointTimings
            {
                DocumentCheck = TimeSpan.FromMinutes(1),
                Quarantine = TimeSpan.FromMinutes(2),
                Inspection = TimeSpan.FromMinutes(20),
                BarrierPass = TimeSpan.FromSeconds(15),
            },
            target.Timings);
        var windowsPerDay = TimeSpan.FromDays(1) / target.Policy.ArrivalWindow;
        Assert.True(windowsPerDay * target.Policy.TripsPerWindow >= 11_000, $"{windowsPerDay} windows of {target.Policy.TripsPerWindow} trips");
        Assert.Equal(planned.Policy with { TripsPerWindow = target.Policy.TripsPerWindow }, target.Policy);
        Assert.Equal(planned.Entrance with { WaitingAreaCapacity = 1500 }, target.Entrance);
    }

    [Fact]
    public void Every_shipped_layout_is_valid()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "sites"), "*.json");

        Assert.Contains(files, f => Path.GetFileName(f) == SiteLayouts.HuuNghi2030File);
        Assert.All(files, file => SiteLayoutLoader.Load(file)); // throws on any problem, naming the file
    }

    [Theory]
    [InlineData(SiteLayouts.HuuNghiFile)]
    [InlineData(SiteLayouts.HuuNghi14File)]
    [InlineData(SiteLayouts.HuuNghi2030File)]
    public void Site_plan_reads_left_to_right_from_entrance_to_border(string file)
    {
        var layout = SiteLayoutLoader.Load(SiteLayouts.PathOf(file));
        var waypoints = layout.Route.Waypoints.ToDictionary(w => w.Id);
        var yard = waypoints[layout.Route.YardWaypointId].Position;
        var handoff = waypoints[layout.Route.HandoffWaypointId].Position;

        Assert.All(layout.Lanes, lane => Assert.True(lane.Position.X > layout.Entrance.Position.X));
        Assert.All(layout.YardBlocks, block => Assert.True(block.Position.X > layout.Lanes.Max(l => l.Position.X)));
        Assert.True(yard.X > layout.YardBlocks.Max(b => b.Position.X));
        Assert.Equal(waypoints.Values.Max(w => w.Position.X), handoff.X);
        Assert.All(layout.Cranes, crane => Assert.All(crane.Blocks, id =>
        {
            var block = layout.YardBlocks.Single(b => b.Id == id);
            Assert.InRange(block.Position.X, crane.RailStartX, crane.RailEndX);
        }));
    }

    [Theory]
    [InlineData(SiteLayouts.HuuNghiFile)]
    [InlineData(SiteLayouts.HuuNghi14File)]
    [InlineData(SiteLayouts.HuuNghi2030File)]
    public void Every_road_section_can_be_driven_both_ways(string file)
    {
        var route = SiteLayoutLoader.Load(SiteLayouts.PathOf(file)).Route;
        var pairs = route.Segments.Select(s => (s.From, s.To)).ToHashSet();

        Assert.All(route.Segments, s => Assert.Contains((s.To, s.From), pairs));
    }

    [Fact]
    public void Repository_copy_and_app_copy_are_the_same()
    {
        // The build copies deploy/sites; a stale copy would test something other than what ships.
        var repository = FindRepositoryFile(SiteLayouts.HuuNghiFile);
        Assert.Equal(File.ReadAllText(repository), File.ReadAllText(SiteLayouts.DefaultPath));
    }

    [Fact]
    public void Layout_round_trips_through_its_json()
    {
        var layout = SiteLayoutLoader.Load(SiteLayouts.DefaultPath);
        var again = SiteLayoutLoader.Parse(SiteLayoutLoader.ToJson(layout));

        Assert.Equal(SiteLayoutLoader.ToJson(layout), SiteLayoutLoader.ToJson(again));
        Assert.Contains("\"kind\": \"perishable\"", SiteLayoutLoader.ToJson(layout), StringComparison.Ordinal);
    }

    private static string FindRepositoryFile(string fileName)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "deploy", "sites", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"deploy/sites/{fileName} not found above {AppContext.BaseDirectory}");
    }
}
