import type { AlarmView, CrossingChange, CrossingSnapshot, GateKpis, LaneModeChanged, TruckMoved, TruckStatus, YardView } from "./contracts";

export interface LaneState { plate: string | null; mode: string; step: string; reason?: string | null }

/** How many of the latest changes the control room lists. */
export const RecentChanges = 20;

/**
 * The crossing as the control room knows it: a snapshot, then each change applied in sequence. A change at or below the
 * last applied sequence is ignored (a duplicate), so that applying the feed is idempotent.
 */
export class CrossingState {
  sequence = 0;
  crossingId = "";
  queueLength = 0;
  readonly lanes = new Map<string, LaneState>();
  readonly bays = new Map<string, string | null>();
  kpis: GateKpis | null = null;
  yard: YardView | null = null;
  readonly recent: CrossingChange[] = [];

  /** The alarms not yet acknowledged, newest first. */
  alarms: AlarmView[] = [];

  /** The last status seen of each truck still on its trip: what the queue count follows. */
  private readonly statusOf = new Map<string, TruckStatus>();

  applySnapshot(snapshot: CrossingSnapshot): void {
    this.sequence = snapshot.sequence;
    this.crossingId = snapshot.crossingId;
    this.queueLength = snapshot.gate.queueLength;
    this.lanes.clear();
    for (const lane of snapshot.gate.lanes) {
      this.lanes.set(lane.laneId, { plate: lane.plate, mode: lane.mode, step: lane.step, reason: lane.reason });
    }
    this.bays.clear();
    for (const bay of snapshot.gate.inspectionBays) {
      this.bays.set(bay.bayId, bay.plate);
    }
    this.kpis = snapshot.gate.kpis;
    this.yard = snapshot.yard;
    this.recent.length = 0;
    this.alarms = [...snapshot.alarms];
    this.statusOf.clear();
    for (const lane of snapshot.gate.lanes) {
      if (lane.plate) {
        this.statusOf.set(lane.plate, "InLane");
      }
    }
  }

  /** The gate's own figures, read again: the queue's length is theirs (a change may have been missed by the count). */
  applyKpis(kpis: GateKpis): void {
    this.kpis = kpis;
    this.queueLength = kpis.trucksByStatus.Waiting ?? 0;
  }

  /** Applies a change; false when it was already applied (its sequence is not after the last one). */
  apply(change: CrossingChange): boolean {
    if (change.sequence <= this.sequence) {
      return false;
    }
    this.sequence = change.sequence;
    if (change.event.type === "truck") {
      this.countQueue(change.event);
      this.applyTruck(change.event);
    } else if (change.event.type === "lane") {
      this.applyLane(change.event);
    } else if (change.event.type === "alarm") {
      const alarm = change.event.alarm;
      this.alarms = this.alarms.filter((a) => a.alarmId !== alarm.alarmId);
      if (alarm.acknowledgedAt === null) {
        this.alarms.unshift(alarm);
      }
    }
    this.recent.unshift(change);
    this.recent.length = Math.min(this.recent.length, RecentChanges);
    return true;
  }

  /** A truck joins the queue when it turns Waiting, and leaves it when it turns anything else (a called truck was waiting). */
  private countQueue(moved: TruckMoved): void {
    const before = this.statusOf.get(moved.plate) ?? (moved.event === "called" ? "Waiting" : undefined);
    if (before === "Waiting" && moved.status !== "Waiting") {
      this.queueLength = Math.max(0, this.queueLength - 1);
    } else if (before !== "Waiting" && moved.status === "Waiting") {
      this.queueLength += 1;
    }
    if (moved.status === "Completed" || moved.status === "NoShow") {
      this.statusOf.delete(moved.plate);
    } else {
      this.statusOf.set(moved.plate, moved.status);
    }
  }

  private applyLane(changed: LaneModeChanged): void {
    const lane = this.lanes.get(changed.laneId) ?? { plate: null, mode: "Open", step: "Idle" };
    this.lanes.set(changed.laneId, { ...lane, mode: changed.mode, reason: changed.reason });
  }

  private applyTruck(moved: TruckMoved): void {
    switch (moved.status) {
      case "Waiting":
        this.leaveLanesAndBays(moved.plate);
        break;
      case "Called":
      case "InLane":
        this.leaveLanesAndBays(moved.plate);
        if (moved.laneId) {
          const lane = this.lanes.get(moved.laneId) ?? { plate: null, mode: "Open", step: "Idle" };
          this.lanes.set(moved.laneId, { ...lane, plate: moved.plate, step: moved.status === "Called" ? "AwaitingTruck" : lane.step });
        }
        break;
      case "Inspection":
        this.leaveLanesAndBays(moved.plate);
        if (moved.bayId) {
          this.bays.set(moved.bayId, moved.plate);
        }
        break;
      default:
        this.leaveLanesAndBays(moved.plate);
        break;
    }
  }

  private leaveLanesAndBays(plate: string): void {
    for (const [id, lane] of this.lanes) {
      if (lane.plate === plate) {
        this.lanes.set(id, { ...lane, plate: null, step: "Idle" });
      }
    }
    for (const [id, held] of this.bays) {
      if (held === plate) {
        this.bays.set(id, null);
      }
    }
  }
}
