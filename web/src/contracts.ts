// The shapes the silo sends (BorderGate.Contracts), as JSON: camelCase, enums as strings.

export interface Position { x: number; y: number }

export interface SiteLayout {
  crossingId: string;
  name: string;
  entrance: { position: Position; waitingAreaCapacity: number };
  lanes: { id: string; kind: string; direction: string; position: Position }[];
  inspectionBays: { id: string; position: Position }[];
  yardBlocks: { id: string; rows: number; bays: number; position: Position }[];
  cranes: { id: string; railStartX: number; railEndX: number; railY: number }[];
  route: { waypoints: { id: string; position: Position }[]; segments: { id: string; from: string; to: string }[] };
  driverlessTrucks: { id: string }[];
}

export interface VehicleView { vehicleId: string; mode: string; waypoint: string; segment: string | null; containerNumber: string | null; fault: string | null }

export interface CraneView { craneId: string; mode: string; positionX: number; current: { containerNumber: string } | null; queue: unknown[]; fault: string | null }

export interface EquipmentView { at: string; vehicles: VehicleView[]; segmentHolders: Record<string, string>; cranes: CraneView[]; yardSlots: string | null }

export type TruckStatus = "None" | "Booked" | "Waiting" | "Called" | "InLane" | "Inspection" | "Transfer" | "Completed" | "Held" | "NoShow";

export interface LaneView { laneId: string; mode: string; step: string; plate: string | null; reason: string | null; since: string }

export interface GateKpis {
  trucksByStatus: Partial<Record<TruckStatus, number>>;
  completedLastHour: number;
  averageWait: string;
  p95Wait: string;
  averageTurn: string;
  p95Turn: string;
  yardOccupied: number;
  yardReserved: number;
  yardCapacity: number;
}

export interface GateView {
  crossingId: string;
  queueLength: number;
  lanes: LaneView[];
  inspectionBays: { bayId: string; plate: string | null }[];
  held: { plate: string; reason: string }[];
  kpis: GateKpis;
}

export interface YardView { capacity: number; occupied: number; reserved: number }

export interface AlarmView {
  alarmId: string;
  deviceId: string;
  kind: string;
  code: string;
  message: string;
  raisedAt: string;
  count: number;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
}

export interface CrossingSnapshot { crossingId: string; sequence: number; at: string; gate: GateView; yard: YardView; alarms: AlarmView[] }

export interface TruckMoved {
  type: "truck";
  at: string;
  plate: string;
  tripId: string;
  event: string;
  status: TruckStatus;
  detail: string | null;
  laneId: string | null;
  bayId: string | null;
}

export interface ContainerCrossed { type: "container-crossed"; at: string; vehicleId: string; containerNumber: string }

export interface LaneModeChanged { type: "lane"; at: string; laneId: string; mode: "Open" | "Closed" | "Faulted"; reason: string | null }

export interface AlarmChanged { type: "alarm"; at: string; alarm: AlarmView }

export type CrossingEvent = TruckMoved | ContainerCrossed | LaneModeChanged | AlarmChanged;

export interface CrossingChange { sequence: number; event: CrossingEvent }
