using BorderGate.Contracts.Site;

namespace BorderGate.Grains.Tests.Site;

public sealed class SiteLayoutValidatorTests
{
    private static readonly SiteLayout s_valid = SiteLayoutLoader.Load(SiteLayouts.DefaultPath);

    private static void AssertOnly(SiteLayout layout, string expected) =>
        Assert.Equal([expected], SiteLayoutValidator.Validate(layout));

    private static SiteLayout WithLane(int index, Func<LaneLayout, LaneLayout> change) =>
        s_valid with { Lanes = [.. s_valid.Lanes.Select((lane, i) => i == index ? change(lane) : lane)] };

    private static SiteLayout WithCrane(int index, Func<CraneLayout, CraneLayout> change) =>
        s_valid with { Cranes = [.. s_valid.Cranes.Select((crane, i) => i == index ? change(crane) : crane)] };

    private static SiteLayout WithRoute(Func<RouteLayout, RouteLayout> change) => s_valid with { Route = change(s_valid.Route) };

    private static SiteLayout WithSegments(Func<IReadOnlyList<RouteSegment>, IEnumerable<RouteSegment>> change) =>
        WithRoute(route => route with { Segments = [.. change(route.Segments)] });

    private static SiteLayout WithPolicy(DispatchPolicy policy) => s_valid with { Policy = policy };

    [Fact]
    public void Shipped_layout_has_no_problem() => Assert.Empty(SiteLayoutValidator.Validate(s_valid));

    [Fact]
    public void Crossing_id_with_a_slash_is_rejected() =>
        AssertOnly(s_valid with { CrossingId = "huu/nghi" }, "crossingId 'huu/nghi' may only contain letters, digits, '-', '_' and '.'.");

    [Fact]
    public void Missing_name_is_rejected() => AssertOnly(s_valid with { Name = " " }, "name is missing.");

    [Fact]
    public void Unknown_time_zone_is_rejected() =>
        AssertOnly(s_valid with { TimeZone = "Mars/Olympus" },
            "timeZone 'Mars/Olympus' is not a time zone known to this machine (expected an IANA id such as 'Asia/Ho_Chi_Minh').");

    [Fact]
    public void Waiting_area_without_capacity_is_rejected() =>
        AssertOnly(s_valid with { Entrance = s_valid.Entrance with { WaitingAreaCapacity = 0 } },
            "entrance.waitingAreaCapacity must be positive; it is 0.");

    [Fact]
    public void Device_used_twice_is_rejected() =>
        AssertOnly(s_valid with { Entrance = s_valid.Entrance with { PlateCameraId = "cam-lane-1" } },
            "lanes[0] (lane-1).devices.plateCameraId: device 'cam-lane-1' is already the entrance plate camera; each device belongs to one place.");

    [Fact]
    public void Lane_device_on_two_lanes_is_rejected() =>
        AssertOnly(WithLane(3, lane => lane with { Devices = lane.Devices with { BarrierId = "bar-lane-1" } }),
            "lanes[3] (lane-4).devices.barrierId: device 'bar-lane-1' is already the barrier of lane-1; each device belongs to one place.");

    [Fact]
    public void Lane_device_referencing_nothing_is_rejected() =>
        AssertOnly(WithLane(2, lane => lane with { Devices = lane.Devices with { WeighbridgeId = "" } }),
            "lanes[2] (lane-3).devices.weighbridgeId is missing.");

    [Fact]
    public void Lane_without_devices_is_rejected() =>
        AssertOnly(WithLane(0, lane => lane with { Devices = null! }), "lanes[0] (lane-1).devices is missing.");

    [Fact]
    public void Duplicate_lane_id_is_rejected() =>
        AssertOnly(WithLane(1, lane => lane with { Id = "lane-1" }), "lanes[1].id 'lane-1' is a duplicate: ids must be unique within lanes.");

    [Fact]
    public void Null_lane_is_rejected() =>
        AssertOnly(s_valid with { Lanes = [.. s_valid.Lanes, null!] }, "lanes[6] is null.");

    [Fact]
    public void Undefined_lane_kind_is_rejected() =>
        AssertOnly(WithLane(0, lane => lane with { Kind = (LaneKind)9 }), "lanes[0] (lane-1).kind '9' is not a lane kind.");

    [Fact]
    public void No_lane_is_rejected() => AssertOnly(s_valid with { Lanes = [] }, "lanes is empty: a crossing needs at least one lane.");

    [Fact]
    public void Direction_no_lane_serves_is_rejected() =>
        AssertOnly(s_valid with { Lanes = [.. s_valid.Lanes.Select(l => l with { Direction = LaneDirection.Export })] },
            "No lane serves import trucks: give some lane direction 'import' or 'both'.");

    [Fact]
    public void No_inspection_bay_is_rejected() =>
        AssertOnly(s_valid with { InspectionBays = [] }, "inspectionBays is empty: trucks on the red customs channel would have nowhere to go.");

    [Fact]
    public void Duplicate_inspection_bay_is_rejected() =>
        AssertOnly(s_valid with { InspectionBays = [.. s_valid.InspectionBays, s_valid.InspectionBays[0]] },
            "inspectionBays[2].id 'bay-1' is a duplicate: ids must be unique within inspectionBays.");

    [Fact]
    public void Yard_block_capacity_out_of_range_is_rejected()
    {
        var layout = s_valid with { YardBlocks = [s_valid.YardBlocks[0] with { Rows = 0, Bays = 100 }, .. s_valid.YardBlocks.Skip(1)] };

        Assert.Equal(
            ["yardBlocks[0] (A).rows must be between 1 and 99; it is 0.", "yardBlocks[0] (A).bays must be between 1 and 99; it is 100."],
            SiteLayoutValidator.Validate(layout));
    }

    [Fact]
    public void Duplicate_yard_block_is_rejected() =>
        AssertOnly(s_valid with { YardBlocks = [.. s_valid.YardBlocks, s_valid.YardBlocks[3]] },
            "yardBlocks[4].id 'D' is a duplicate: ids must be unique within yardBlocks.");

    [Fact]
    public void Crane_reaching_an_unknown_block_is_rejected() =>
        AssertOnly(WithCrane(0, crane => crane with { Blocks = ["A", "Z"] }), "cranes[0] (crane-1).blocks names 'Z', which is not a yard block.");

    [Fact]
    public void Crane_listing_a_block_twice_is_rejected() =>
        AssertOnly(WithCrane(0, crane => crane with { Blocks = ["A", "B", "A"] }), "cranes[0] (crane-1).blocks lists 'A' twice.");

    [Fact]
    public void Crane_without_blocks_is_rejected() =>
        AssertOnly(WithCrane(0, crane => crane with { Blocks = [] }), "cranes[0] (crane-1).blocks is empty: a crane must serve at least one yard block.");

    [Fact]
    public void Crane_rail_short_of_a_block_s_bays_is_rejected() =>
        Assert.Equal(
            ["cranes[0] (crane-1): its rail (395 to 500) does not reach every bay of block A (402 to 558).",
                "cranes[0] (crane-1): its rail (395 to 500) does not reach every bay of block B (402 to 558)."],
            SiteLayoutValidator.Validate(WithCrane(0, crane => crane with { RailEndX = 500 })));

    [Fact]
    public void Crane_that_cannot_move_is_rejected()
    {
        var layout = WithCrane(1, crane => crane with { SpeedMetresPerSecond = 0, RailStartX = 600, RailEndX = 400 });

        Assert.Equal(
            ["cranes[1] (crane-2).speedMetresPerSecond must be positive; it is 0.", "cranes[1] (crane-2): railStartX (600) must be less than railEndX (400)."],
            SiteLayoutValidator.Validate(layout));
    }

    [Fact]
    public void Block_no_crane_serves_is_rejected() =>
        AssertOnly(s_valid with { Cranes = [.. s_valid.Cranes.Select(c => c with { Blocks = [.. c.Blocks.Where(b => b != "D")] })] },
            "Yard block 'D' is served by no crane: its slots could never be filled or emptied.");

    [Fact]
    public void Crane_controller_shared_with_a_vehicle_is_rejected() =>
        AssertOnly(WithCrane(0, crane => crane with { ControllerId = "ctl-agv-01" }),
            "driverlessTrucks[0] (agv-01).controllerId: device 'ctl-agv-01' is already the controller of crane-1; each device belongs to one place.");

    [Fact]
    public void Segment_to_an_unknown_waypoint_is_rejected() =>
        AssertOnly(WithSegments(s => [.. s, new RouteSegment("spur", "yard", "nowhere", 10)]),
            "route.segments[14] (spur).to names 'nowhere', which is not a route waypoint.");

    [Fact]
    public void Segment_without_length_is_rejected() =>
        AssertOnly(WithSegments(s => s.Select(x => x.Id == "out-1" ? x with { LengthMetres = 0 } : x)),
            "route.segments[0] (out-1).lengthMetres must be positive; it is 0.");

    [Fact]
    public void Segment_shorter_than_the_straight_line_is_rejected() =>
        AssertOnly(WithSegments(s => s.Select(x => x.Id == "out-1" ? x with { LengthMetres = 50 } : x)),
            "route.segments[0] (out-1).lengthMetres (50) is shorter than the straight line between 'yard' and 'yard-gate' (60 m).");

    [Fact]
    public void Segment_to_itself_is_rejected() =>
        AssertOnly(WithSegments(s => [.. s, new RouteSegment("loop", "yard", "yard", 5)]), "route.segments[14] (loop) goes from 'yard' to itself.");

    [Fact]
    public void Two_segments_between_the_same_waypoints_are_rejected() =>
        AssertOnly(WithSegments(s => [.. s, new RouteSegment("out-1b", "yard", "yard-gate", 62)]),
            "route.segments[14] (out-1b) duplicates segment 'out-1' from 'yard' to 'yard-gate': a vehicle could hold one while another holds the other.");

    [Fact]
    public void Duplicate_segment_id_is_rejected() =>
        AssertOnly(WithSegments(s => [.. s, s[0] with { From = "road-1", To = "yard", LengthMetres = 200 }]),
            "route.segments[14].id 'out-1' is a duplicate: ids must be unique within route.segments.");

    [Fact]
    public void Route_broken_on_the_way_out_is_rejected() =>
        AssertOnly(WithSegments(s => s.Where(x => x.Id != "out-4")),
            "The route is not connected out to the border: no chain of segments leads from 'yard' to 'handoff'.");

    [Fact]
    public void Route_broken_on_the_way_back_is_rejected() =>
        AssertOnly(WithSegments(s => s.Where(x => x.Id != "back-4")),
            "The route is not connected back to the yard: no chain of segments leads from 'handoff' to 'yard'.");

    [Fact]
    public void Unknown_handoff_waypoint_is_rejected() =>
        AssertOnly(WithRoute(r => r with { HandoffWaypointId = "landmark-1119" }),
            "route.handoffWaypointId names 'landmark-1119', which is not a route waypoint.");

    [Fact]
    public void Route_from_the_yard_to_itself_is_rejected() =>
        AssertOnly(WithRoute(r => r with { HandoffWaypointId = "yard" }),
            "route.yardWaypointId and route.handoffWaypointId are both 'yard': the route must lead somewhere.");

    [Fact]
    public void Duplicate_waypoint_is_rejected() =>
        AssertOnly(WithRoute(r => r with { Waypoints = [.. r.Waypoints, r.Waypoints[1]] }),
            "route.waypoints[8].id 'yard-gate' is a duplicate: ids must be unique within route.waypoints.");

    [Fact]
    public void Vehicle_homed_off_the_route_is_rejected() =>
        AssertOnly(s_valid with { DriverlessTrucks = [s_valid.DriverlessTrucks[0] with { HomeWaypointId = "depot" }, .. s_valid.DriverlessTrucks.Skip(1)] },
            "driverlessTrucks[0] (agv-01).homeWaypointId names 'depot', which is not a route waypoint.");

    [Fact]
    public void Duplicate_vehicle_is_rejected() =>
        AssertOnly(s_valid with { DriverlessTrucks = [.. s_valid.DriverlessTrucks, s_valid.DriverlessTrucks[0] with { ControllerId = "ctl-agv-11" }] },
            "driverlessTrucks[10].id 'agv-01' is a duplicate: ids must be unique within driverlessTrucks.");

    [Theory]
    [InlineData(1.5)]
    [InlineData(0)]
    [InlineData(double.NaN)]
    public void Yard_high_water_mark_out_of_range_is_rejected(double mark) =>
        AssertOnly(WithPolicy(s_valid.Policy with { YardHighWaterMark = mark }),
            $"policy.yardHighWaterMark is a share of the yard's slots, above 0 and at most 1; it is {mark.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}.");

    [Fact]
    public void Policy_counts_below_one_are_rejected() =>
        Assert.Equal(
            ["policy.maxPerishablesInARow must be at least 1; it is 0.", "policy.tripsPerWindow must be at least 1; it is -3."],
            SiteLayoutValidator.Validate(WithPolicy(s_valid.Policy with { MaxPerishablesInARow = 0, TripsPerWindow = -3 })));

    [Fact]
    public void Policy_durations_out_of_range_are_rejected() =>
        Assert.Equal(
            [
                "policy.arrivalWindow must be positive and at most 1.00:00:00; it is 00:00:00.",
                "policy.earlyTolerance must be not negative and at most 1.00:00:00; it is -00:05:00.",
                "policy.deviceStaleAfter must be positive and at most 01:00:00; it is 02:00:00.",
            ],
            SiteLayoutValidator.Validate(WithPolicy(s_valid.Policy with
            {
                ArrivalWindow = TimeSpan.Zero,
                EarlyTolerance = TimeSpan.FromMinutes(-5),
                DeviceStaleAfter = TimeSpan.FromHours(2),
            })));

    [Fact]
    public void Checkpoint_durations_that_are_not_positive_are_rejected_field_by_field() =>
        Assert.Equal(
            [
                "timings.documentCheck must be positive and at most 1.00:00:00; it is 00:00:00.",
                "timings.quarantine must be positive and at most 1.00:00:00; it is -00:01:00.",
                "timings.inspection must be positive and at most 1.00:00:00; it is 00:00:00.",
                "timings.barrierPass must be positive and at most 1.00:00:00; it is -00:00:01.",
                "timings.weighTimeout must be positive and at most 1.00:00:00; it is 00:00:00.",
            ],
            SiteLayoutValidator.Validate(s_valid with
            {
                Timings = new CheckpointTimings
                {
                    DocumentCheck = TimeSpan.Zero,
                    Quarantine = TimeSpan.FromMinutes(-1),
                    Inspection = TimeSpan.Zero,
                    BarrierPass = TimeSpan.FromSeconds(-1),
                    WeighTimeout = TimeSpan.Zero,
                },
            }));

    [Fact]
    public void Checkpoint_duration_of_more_than_a_day_is_rejected() =>
        AssertOnly(s_valid with { Timings = new CheckpointTimings { Inspection = TimeSpan.FromHours(25) } },
            "timings.inspection must be positive and at most 1.00:00:00; it is 1.01:00:00.");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void Weight_mismatch_tolerance_out_of_range_is_rejected(double tolerance) =>
        AssertOnly(s_valid with { Timings = new CheckpointTimings { WeightMismatchTolerance = tolerance } },
            $"timings.weightMismatchTolerance is a share of the declared weight, above 0 and below 1; it is {tolerance.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}.");

    [Fact]
    public void Negative_weigh_stable_tolerance_is_rejected() =>
        AssertOnly(s_valid with { Timings = new CheckpointTimings { WeighStableToleranceKg = -1 } },
            "timings.weighStableToleranceKg must not be negative; it is -1.");

    [Fact]
    public void Exact_weighbridge_readings_are_allowed() =>
        Assert.Empty(SiteLayoutValidator.Validate(s_valid with { Timings = new CheckpointTimings { WeighStableToleranceKg = 0 } }));

    [Fact]
    public void Missing_sections_are_problems_not_crashes() =>
        Assert.Equal(
            ["entrance is missing.", "route is missing.", "driverlessTrucks[0] (agv-01).homeWaypointId names 'yard', which is not a route waypoint.", "policy is missing.", "timings is missing."],
            SiteLayoutValidator.Validate(s_valid with
            {
                Entrance = null!,
                Route = null!,
                Policy = null!,
                Timings = null!,
                DriverlessTrucks = [s_valid.DriverlessTrucks[0]],
            }));

    [Fact]
    public void Every_problem_is_reported_and_thrown_together()
    {
        var layout = s_valid with
        {
            Name = "",
            InspectionBays = [],
            Policy = s_valid.Policy with { TripsPerWindow = 0 },
        };

        var error = Assert.Throws<SiteLayoutException>(() => SiteLayoutValidator.ThrowIfInvalid(layout, "huu-nghi.json"));

        Assert.Equal(3, error.Problems.Count);
        Assert.Equal("huu-nghi.json", error.LayoutSource);
        Assert.StartsWith("The site layout 'huu-nghi.json' has 3 problems:", error.Message, StringComparison.Ordinal);
    }
}
